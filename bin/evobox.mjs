#!/usr/bin/env node
// Launcher: runs the TypeScript sources through tsx, so `npx evobox …` works right after
// `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/node/cli/main.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly once stdout is flushed: nothing the run started may keep the process alive.
process.stdout.write('', () => process.exit(code));
