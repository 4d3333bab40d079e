/**
 * A browser-mode server the connection tests start, stop and kill themselves (the shared
 * test server must stay up). Like `npm start`, it keeps its port and token in the identity
 * file under $EVOBOX_STATE_DIR, so a restart without a port comes back on the same one.
 *   EVOBOX_LIVE_RUNS  runs folder (kept across restarts)
 *   EVOBOX_LIVE_PORT  port for the first start (later starts take the stored one)
 */
import { startServer } from '../../electron/server/index';
import { defaultIdentityFile } from '../../electron/server/identity';
import { repoRoot } from './env';

const port = process.env.EVOBOX_LIVE_PORT;
const server = await startServer({
  ...(port ? { port: Number(port) } : {}),
  host: '127.0.0.1',
  runsDir: process.env.EVOBOX_LIVE_RUNS ?? 'runs',
  cwd: repoRoot,
  identityFile: defaultIdentityFile(),
  buildIfMissing: false,
});
// The owner's terminal (the test reads it from the pipe); never a log file.
process.stdout.write(`evobox UI: ${server.url}\n`);
const close = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', close);
process.once('SIGTERM', close);
