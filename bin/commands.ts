/**
 * The commands `evobox` has beyond the engine's own: `serve` (the browser UI, electron/server)
 * and `bench` (bench/). bin/evobox.mjs hands them to the CLI, so engine/node/cli never imports
 * those layers; each loads its layer only when it runs.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandRegistration } from '../engine/node/cli/main';

/**
 * The benchmarks run from their TypeScript sources even when the CLI runs from its build
 * (out/node/, scripts/build-node.mjs): they find their fixtures next to their own files.
 */
async function loadBench(): Promise<typeof import('../bench/index')> {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return import('../bench/index');
  const { register } = await import('tsx/esm/api');
  register();
  const entry = pathToFileURL(join(resolve(dirname(here), '..', '..'), 'bench', 'index.ts')).href;
  return (await import(entry)) as typeof import('../bench/index');
}

export const serveCommand: CommandRegistration = (program, setExit) =>
  program
    .command('serve')
    .description('serve the evobox UI to a browser on 127.0.0.1 (prints a URL with an access token)')
    .option(
      '--port <port>',
      'port (0 = any free port; default: the one used last time, so open tabs reconnect)',
      (v) => Number(v),
    )
    .option('--runs-dir <dir>', 'folder of run folders', 'runs')
    .option('--open', 'open the UI in a browser (the token never goes on a command line)')
    .action(async (flags: { port?: number; runsDir: string; open?: boolean }) => {
      const { startServer } = await import('../electron/server/index');
      const { defaultIdentityFile } = await import('../electron/server/identity');
      const server = await startServer({
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        host: '127.0.0.1',
        runsDir: resolve(flags.runsDir),
        open: flags.open,
        identityFile: defaultIdentityFile(),
      });
      process.stdout.write(`evobox UI: ${server.url}\n`);
      await new Promise<void>((done) => {
        const close = () => void server.close().then(done);
        process.once('SIGINT', close);
        process.once('SIGTERM', close);
        process.once('SIGHUP', close);
      });
      setExit(0);
    });

export const benchCommand: CommandRegistration = (program, setExit) =>
  program
    .command('bench')
    .description('run the benchmarks (same as npm run bench)')
    .argument('[names...]', 'which benchmarks')
    .action(async (names: string[]) => {
      const { runBenchmarks } = await loadBench();
      setExit(await runBenchmarks(names));
    });

export const extraCommands: CommandRegistration[] = [serveCommand, benchCommand];
