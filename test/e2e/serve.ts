/**
 * The browser-mode server the GUI tests talk to: builds the UI if it is stale, then serves
 * it with a fixed token and a fresh runs folder, which it removes once the server is closed
 * (Playwright stops it with SIGTERM: `gracefulShutdown` in playwright.config.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, buildIsStale } from '../../electron/server/renderer-build';
import { startServer } from '../../electron/server/index';
import { e2ePort, e2eToken, repoRoot } from './env';

if (buildIsStale(repoRoot)) buildApp(repoRoot);
const runsDir = mkdtempSync(join(tmpdir(), 'evobox-e2e-runs-'));
const server = await startServer({
  port: e2ePort,
  host: '127.0.0.1',
  runsDir,
  token: e2eToken,
  cwd: repoRoot,
});
process.stdout.write(`evobox e2e server: ${server.url} (runs in ${runsDir})\n`);
const close = () =>
  void server
    .close()
    .finally(() => rmSync(runsDir, { recursive: true, force: true }))
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
process.once('SIGINT', close);
process.once('SIGTERM', close);
