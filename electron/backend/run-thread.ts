/**
 * The backend's side of a run on its own worker thread (see run-worker.ts): a RunHandle
 * whose pause/resume/stop write the shared control flag, whose events arrive as messages.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GenerationEvent, RunHandle, RunResult, RunStatus, StopOptions } from './engine';
import {
  desiredStates,
  type RunControlMessage,
  type RunRequest,
  type RunWorkerData,
  type RunWorkerMessage,
} from './run-worker';

export interface RunThreadCallbacks {
  onGeneration(event: GenerationEvent): void;
  onStatus(status: RunStatus): void;
}

/**
 * The worker's entry next to this file. From TypeScript sources (tsx) a worker cannot start
 * on a .ts file, so a small launcher registers tsx first; a compiled build starts the .js.
 */
function workerLocation(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './run-worker-launcher.mjs' : './run-worker.js', here));
}

class RunThread implements RunHandle {
  runDir = '';
  status: RunStatus = 'running';
  readonly done: Promise<RunResult>;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  private settleDone!: { resolve: (result: RunResult) => void; reject: (error: Error) => void };
  readonly started: Promise<void>;

  constructor(request: RunRequest, callbacks: RunThreadCallbacks, flushMs: number) {
    const data: RunWorkerData = { request, control: this.control.buffer as SharedArrayBuffer, flushMs };
    this.worker = new Worker(workerLocation(), { workerData: data });
    this.done = new Promise((resolve, reject) => (this.settleDone = { resolve, reject }));
    // A rejected `done` nobody awaits yet must not crash the process.
    this.done.catch(() => undefined);
    let settled = false;
    this.started = new Promise((resolveStarted, rejectStarted) => {
      this.worker.on('message', (message: RunWorkerMessage) => {
        switch (message.type) {
          case 'started':
            this.runDir = message.runDir;
            this.status = message.status;
            resolveStarted();
            break;
          case 'events':
            for (const event of message.events) callbacks.onGeneration(event);
            break;
          case 'status':
            this.status = message.status;
            if (message.status === 'running' || message.status === 'paused')
              callbacks.onStatus(message.status);
            break;
          case 'done':
            settled = true;
            this.status = message.result.error ? 'failed' : 'finished';
            this.settleDone.resolve(message.result);
            break;
          case 'error': {
            settled = true;
            const error = new Error(message.message);
            rejectStarted(error);
            this.settleDone.reject(error);
            break;
          }
        }
      });
      this.worker.on('error', (error) => {
        if (settled) return;
        settled = true;
        rejectStarted(error);
        this.settleDone.reject(error);
      });
      this.worker.on('exit', (code) => {
        if (settled) return;
        settled = true;
        const error = new Error(`the run's thread exited unexpectedly (code ${code})`);
        rejectStarted(error);
        this.settleDone.reject(error);
      });
    });
    this.started.catch(() => undefined);
  }

  private request(state: number, message: RunControlMessage = 'check'): void {
    Atomics.store(this.control, 0, state);
    this.worker.postMessage(message);
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.request(desiredStates.pause);
    this.status = 'paused';
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.request(desiredStates.run);
    this.status = 'running';
  }

  stop(options?: StopOptions): void {
    this.request(desiredStates.stop, options?.graceMs !== undefined ? { graceMs: options.graceMs } : 'check');
  }

  /** Ends the thread once the run has finished (or at once, if it never started). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Starts a run (new or resumed) on a worker thread; resolves once its folder exists. */
export async function runOnThread(
  request: RunRequest,
  callbacks: RunThreadCallbacks,
  flushMs = 40,
): Promise<RunHandle> {
  const thread = new RunThread(request, callbacks, flushMs);
  thread.done.then(
    () => void thread.close(),
    () => void thread.close(),
  );
  await thread.started;
  return thread;
}
