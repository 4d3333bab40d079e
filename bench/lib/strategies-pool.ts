/**
 * Runs the comparison's tasks on worker threads (one task at a time per thread, the next
 * sent when one finishes) or, with one worker, in this thread. Each run is self-contained
 * and seeded, so the outcomes do not depend on the worker count or the order of completion.
 */
import { Worker } from 'node:worker_threads';
import { runOne, type RunOutcome, type RunTask } from './strategies-runs';

export type ProgressListener = (outcome: RunOutcome, done: number, total: number) => void;

/**
 * A worker thread on the TypeScript entry. Threads do not inherit tsx's loader, and on
 * Node 20 one passed in the worker's execArgv does not take effect, so a one-line bootstrap
 * loads the entry through tsx's import API.
 */
function startWorker(): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./strategies-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(bootstrap, { eval: true });
}

/** Outcomes in the order of `tasks`. */
export async function runTasks(
  tasks: readonly RunTask[],
  workers: number,
  onProgress: ProgressListener = () => {},
): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(tasks.length);
  if (workers <= 1) {
    for (let i = 0; i < tasks.length; i++) {
      outcomes[i] = runOne(tasks[i]);
      onProgress(outcomes[i], i + 1, tasks.length);
      // Let timers and I/O (progress output, a signal) through between runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return outcomes;
  }
  let next = 0;
  let done = 0;
  const threads = Array.from({ length: Math.min(workers, tasks.length) }, startWorker);
  try {
    await Promise.all(
      threads.map(
        (thread) =>
          new Promise<void>((resolve, reject) => {
            let current = -1;
            const feed = () => {
              if (next >= tasks.length) {
                resolve();
                return;
              }
              current = next++;
              thread.postMessage(tasks[current]);
            };
            thread.on('message', (outcome: RunOutcome) => {
              outcomes[current] = outcome;
              onProgress(outcome, ++done, tasks.length);
              feed();
            });
            thread.on('error', reject);
            thread.on('exit', (code) => {
              if (current >= 0 && outcomes[current] === undefined) {
                reject(new Error(`strategy bench worker exited with code ${code} during task ${current}`));
              }
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
  return outcomes;
}
