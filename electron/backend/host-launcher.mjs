// Entry of the Electron utility process: loads the engine host from its TypeScript sources
// through tsx (as bin/evobox.mjs does for the CLI), so the engine is never bundled and its
// worker threads resolve their files the same way in the app and on the command line.
import { register } from 'tsx/esm/api';

register();
await import('./host.ts');
