#!/usr/bin/env node
// Launcher: runs the TypeScript sources through tsx, so `npx evobox …` works right after
// `npm ci` with no build step. It also wires in the commands that live outside the engine
// (serve, bench: bin/commands.ts), so the engine's CLI never imports those layers.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/node/cli/main.ts');
const { extraCommands } = await import('./commands.ts');
const code = await main(process.argv.slice(2), extraCommands);
// Exit explicitly once stdout is flushed: nothing the run started may keep the process alive.
process.stdout.write('', () => process.exit(code));
