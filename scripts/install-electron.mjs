// Runs Electron's own binary download. Where it cannot (offline CI, sandboxes) evobox still
// works: `npm start` falls back to the browser UI. So a failure here is only a warning.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let installScript;
try {
  installScript = require.resolve('electron/install.js');
} catch {
  process.exit(0); // electron not installed (e.g. --omit=dev)
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);
const result = spawnSync(process.execPath, [installScript], { stdio: 'inherit', timeout: 120_000 });
if (result.status !== 0) {
  console.warn(
    'evobox: the Electron binary could not be downloaded; `npm start` will open the browser UI instead.',
  );
}
