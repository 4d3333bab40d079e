/**
 * Runs the analysis views' heavy tasks (analysis-worker.ts) in one Web Worker, answered by
 * request id; the page's own thread computes them only where a worker cannot start.
 */
import {
  runAnalysisTask,
  type AnalysisReply,
  type AnalysisRequest,
  type AnalysisResults,
  type AnalysisTask,
} from './analysis-worker';

let worker: Worker | null | undefined;
let nextId = 1;
const waiting = new Map<number, (result: AnalysisReply['result'] | null) => void>();

function startWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./analysis-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<AnalysisReply>) => {
      waiting.get(event.data.id)?.(event.data.result);
      waiting.delete(event.data.id);
    };
    worker.onerror = () => {
      // A worker that cannot load: what waits is computed here, and so is everything later.
      worker?.terminate();
      worker = null;
      for (const [id, done] of waiting) {
        waiting.delete(id);
        done(null);
      }
    };
  } catch {
    worker = null;
  }
  return worker;
}

export type ComputedIn = 'worker' | 'page';

/** The task's result, and where it was computed. */
export function inAnalysisWorker<T extends AnalysisTask>(
  task: T,
): Promise<{ result: AnalysisResults[T['kind']]; computedIn: ComputedIn }> {
  const onPage = () => ({ result: runAnalysisTask(task), computedIn: 'page' as const });
  const target = startWorker();
  if (!target) return Promise.resolve(onPage());
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, (result) =>
      resolve(result ? { result: result as AnalysisResults[T['kind']], computedIn: 'worker' } : onPage()),
    );
    const request: AnalysisRequest = { id, task };
    target.postMessage(request);
  });
}
