// Entry of a run's worker thread when evobox runs from its TypeScript sources: Node cannot
// start a worker on a .ts file directly, so this registers tsx and imports the real one.
import { register } from 'tsx/esm/api';

register();
await import('./run-worker.ts');
