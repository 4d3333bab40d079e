/**
 * Runs parameterImportance in a Web Worker (importance-worker.ts), one request at a time; the
 * page's own thread computes it only where workers cannot start.
 */
import { parameterImportance, type ImportanceResult } from './importance';
import type { ImportanceReply, ImportanceRequest } from './importance-worker';

let worker: Worker | null | undefined;
let nextId = 1;
const waiting = new Map<number, (result: ImportanceResult) => void>();

function startWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./importance-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<ImportanceReply>) => {
      waiting.get(event.data.id)?.(event.data.result);
      waiting.delete(event.data.id);
    };
    worker.onerror = () => {
      // A worker that cannot load: answer what waits here, and do without from now on.
      worker?.terminate();
      worker = null;
      for (const [id, done] of waiting) {
        waiting.delete(id);
        done(parameterImportance([], []));
      }
    };
  } catch {
    worker = null;
  }
  return worker;
}

/** Where the last result was computed: in the worker, or on the page's thread (fallback). */
export let computedIn: 'worker' | 'page' | null = null;

export function computeImportance(
  columns: Float64Array[],
  fitness: (number | null)[],
): Promise<ImportanceResult> {
  const target = startWorker();
  if (!target) {
    computedIn = 'page';
    return Promise.resolve(parameterImportance(columns, fitness, { seed: 1 }));
  }
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, (result) => {
      // An empty answer from a failed worker: compute it here instead.
      const fromWorker = result.shares.length === columns.length;
      computedIn = fromWorker ? 'worker' : 'page';
      resolve(fromWorker ? result : parameterImportance(columns, fitness, { seed: 1 }));
    });
    const request: ImportanceRequest = { id, columns, fitness };
    target.postMessage(request);
  });
}
