// `npm start`: builds the app when its sources are newer than the build, then launches the
// Electron window when an Electron binary is installed, and otherwise serves the same UI to
// a browser (`evobox serve`), printing and opening the URL.
//
//   npm start                  desktop app, or browser mode without an Electron binary
//   npm start -- --browser     browser mode even when Electron is installed
//   npm start -- --port 8080   browser mode on a fixed port (default: the last one used)
//   npm start -- --no-open     browser mode without opening a browser
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const { buildApp, buildIsStale } = await import('../electron/server/renderer-build.ts');
if (buildIsStale(root)) {
  console.log('evobox: building the UI (electron-vite build)…');
  buildApp(root);
}

/** Path of the Electron binary, or null with the reason it is not usable. */
function electronBinary() {
  try {
    const path = createRequire(join(root, 'package.json'))('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `the Electron binary is missing (${path})` };
  } catch {
    return { reason: 'no Electron binary is installed (its download was skipped or failed)' };
  }
}

const electron =
  flag('--browser') || option('--port') ? { reason: 'browser mode requested' } : electronBinary();
if (electron.path) {
  const child = spawn(electron.path, [root], { stdio: 'inherit', cwd: process.cwd() });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
} else {
  console.log(`evobox: ${electron.reason}; starting the browser UI instead.`);
  const { startServer } = await import('../electron/server/index.ts');
  const { defaultIdentityFile } = await import('../electron/server/identity.ts');
  const port = option('--port');
  const server = await startServer({
    // Without --port: the port (and token) of the last start, so open tabs reconnect.
    ...(port !== undefined ? { port: Number(port) } : {}),
    identityFile: defaultIdentityFile(),
    host: '127.0.0.1',
    runsDir: resolve(process.env.EVOBOX_RUNS_DIR ?? 'runs'),
    open: !flag('--no-open'),
  });
  console.log(`evobox UI: ${server.url}`);
  console.log('Open that URL (it carries the access token). Ctrl+C stops the server.');
  const close = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
}
