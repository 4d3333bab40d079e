#!/usr/bin/env node
// Launcher. Runs the compiled CLI in out/node/ (scripts/build-node.mjs, built after `npm ci`)
// while it is newer than the sources, and the TypeScript sources through tsx otherwise, so
// `npx evobox …` works right after `npm ci` and in an edited checkout alike. It also wires in
// the commands that live outside the engine (serve, bench: bin/commands.ts), so the engine's
// CLI never imports those layers.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nodeBuildDir, nodeBuildIsFresh } from '../scripts/node-build-state.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
// `evobox run` and `resume`: their pool threads boot while the CLI loads (engine/node/cli/prestart.ts).
const prestart = async (load) => ['run', 'resume'].includes(argv[0]) && (await load()).prestartPool(argv);
let main;
let extraCommands;
if (process.env.EVOBOX_FROM_SOURCES !== '1' && nodeBuildIsFresh(root)) {
  const built = (name) => import(pathToFileURL(join(nodeBuildDir(root), `${name}.js`)).href);
  await prestart(() => built('prestart'));
  [{ main }, { extraCommands }] = await Promise.all([built('cli'), built('commands')]);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await prestart(() => import('../engine/node/cli/prestart.ts'));
  ({ main } = await import('../engine/node/cli/main.ts'));
  ({ extraCommands } = await import('./commands.ts'));
}
const code = await main(argv, extraCommands);
// Exit explicitly once stdout is flushed: nothing the run started may keep the process alive.
process.stdout.write('', () => process.exit(code));
