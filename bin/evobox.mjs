#!/usr/bin/env node
// Launcher. Runs the compiled CLI in out/node/ (scripts/build-node.mjs, built after `npm ci`)
// while it is newer than the sources, and the TypeScript sources through tsx otherwise, so
// `npx evobox …` works right after `npm ci` and in an edited checkout alike.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nodeBuildDir, nodeBuildIsFresh } from '../scripts/node-build-state.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let main;
if (process.env.EVOBOX_FROM_SOURCES !== '1' && nodeBuildIsFresh(root)) {
  ({ main } = await import(pathToFileURL(join(nodeBuildDir(root), 'cli.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../engine/node/cli/main.ts'));
}
const code = await main(process.argv.slice(2));
// Exit explicitly once stdout is flushed: nothing the run started may keep the process alive.
process.stdout.write('', () => process.exit(code));
