/**
 * One run on its own thread. A fast objective (a built-in evaluated in-process) keeps the
 * engine's run loop busy without ever yielding to the event loop, so a run on the UI
 * backend's thread would starve HTTP requests, IPC messages and event timers. Here the
 * loop may hog this thread; the backend's thread stays free.
 *
 * Control: the backend writes the desired state (run / pause / stop) into shared memory and
 * posts a "check" message. The flag is read after every generation (works while the loop is
 * busy) and on every message (works while the run is paused and this thread is idle).
 * Events are sent in batches of at most one per `flushMs`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BudgetChange, GenerationEvent, RunHandle, RunResult, RunStatus } from './engine';
import { parseProblem, resumeRun, startRun } from './engine';

export type RunRequest =
  | { kind: 'start'; draft: unknown; baseDir: string; runsDir: string; problemFile?: string }
  | { kind: 'resume'; runDir: string; budget?: BudgetChange };

export interface RunWorkerData {
  request: RunRequest;
  /** Int32Array over a SharedArrayBuffer: [desired state] (see `desiredStates`). */
  control: SharedArrayBuffer;
  flushMs: number;
}

export const desiredStates = { run: 0, pause: 1, stop: 2 } as const;

/** Posted after each change of the desired state; a stop may carry a grace period (StopOptions). */
export type RunControlMessage = 'check' | { graceMs: number };

export type RunWorkerMessage =
  | { type: 'started'; runDir: string; status: RunStatus }
  | { type: 'events'; events: GenerationEvent[] }
  | { type: 'status'; status: RunStatus }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string };

function main(port: NonNullable<typeof parentPort>, data: RunWorkerData): void {
  const control = new Int32Array(data.control);
  const send = (message: RunWorkerMessage) => port.postMessage(message);
  let handle: RunHandle | null = null;
  let buffer: GenerationEvent[] = [];
  let lastFlush = Date.now();

  const flush = () => {
    if (buffer.length === 0) return;
    send({ type: 'events', events: buffer });
    buffer = [];
    lastFlush = Date.now();
  };

  let stopOptions: { graceMs: number } | undefined; // kept if it comes before the run has started
  const applyControl = (message?: RunControlMessage) => {
    if (typeof message === 'object') stopOptions = message;
    if (!handle) return;
    const desired = Atomics.load(control, 0);
    if (desired === desiredStates.stop) handle.stop(stopOptions);
    else if (desired === desiredStates.pause && handle.status === 'running') handle.pause();
    else if (desired === desiredStates.run && handle.status === 'paused') handle.resume();
  };

  const callbacks = {
    onGeneration(event: GenerationEvent) {
      buffer.push(event);
      applyControl();
      // Paused (also by a request that came in mid-generation): this may be the last event
      // for a long while, so it must not wait in the buffer for the next one.
      if (Date.now() - lastFlush >= data.flushMs || handle?.status !== 'running') flush();
    },
    onStatus(status: RunStatus) {
      flush();
      send({ type: 'status', status });
    },
  };

  port.on('message', applyControl);

  const request = data.request;
  // Async so that a problem the schema rejects becomes an 'error' message, not a crash.
  const starting = (async () =>
    request.kind === 'start'
      ? startRun(parseProblem(request.draft, request.baseDir), {
          runsDir: request.runsDir,
          ...(request.problemFile ? { problemFile: request.problemFile } : {}),
          ...callbacks,
        })
      : resumeRun(request.runDir, { ...callbacks, ...(request.budget ? { budget: request.budget } : {}) }))();

  starting
    .then(async (started) => {
      handle = started;
      send({ type: 'started', runDir: started.runDir, status: started.status });
      applyControl();
      const result = await started.done;
      flush();
      send({ type: 'done', result });
      port.off('message', applyControl);
    })
    .catch((error: unknown) => {
      flush();
      send({ type: 'error', message: (error as Error)?.message ?? String(error) });
      port.off('message', applyControl);
    });
}

if (parentPort && (workerData as RunWorkerData | undefined)?.request) {
  main(parentPort, workerData as RunWorkerData);
}
