/**
 * The threads of an evaluation pool, and starting them before the run knows its objective.
 *
 * A pool thread takes ≈ 70 ms to boot and load evobox's worker modules; `evobox run` takes
 * ≈ 110 ms to load its own modules and validate the problem before it asks for the pool. The
 * one does not need the other, so the launcher first guesses the pool's shape (the worker
 * file, its Node flags, the thread count: cli/prestart.ts) and `startWarmPool` starts those
 * threads, which wait for their objective and settings (init-channel.ts). createEvaluator
 * then claims them: a pool of that shape adopts them, anything else ends them. A wrong guess
 * costs one thread start and nothing else, since what the threads run comes from the
 * validated problem either way.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { InitChannel } from './init-channel';
import type { EvaluationResult } from './types';
import type { WorkerData, WorkerInit, WorkerTask } from './worker';
import { WorkerControl } from './worker-control';

export interface WorkerLocation {
  filename: string;
  execArgv: string[];
}

/**
 * The worker file next to this one, for an objective module at `modulePath` (none for other
 * objectives). From the TypeScript sources it is loaded through tsx; from the build
 * (out/node/worker.js) too when the objective is a TypeScript module, which only tsx can import.
 */
export function workerLocation(modulePath: string | undefined): WorkerLocation {
  const here = import.meta.url;
  const extension = here.endsWith('.ts') ? '.ts' : '.js';
  const filename = fileURLToPath(new URL(`./worker${extension}`, here));
  const typeScriptModule = modulePath !== undefined && /\.[mc]?ts$/.test(modulePath);
  if (extension === '.js' && !typeScriptModule) return { filename, execArgv: [] };
  // An absolute loader URL, so it resolves whatever the process's working directory.
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}

export type PoolThreads = Piscina<WorkerTask, EvaluationResult[] | null>;

/** `workers` piscina threads of `location`, kept for the pool's life, one task at a time each. */
export function startPoolThreads(
  location: WorkerLocation,
  workers: number,
  workerData: WorkerData,
): PoolThreads {
  return new Piscina({
    filename: location.filename,
    execArgv: location.execArgv,
    workerData,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    atomics: 'disabled',
  });
}

const sameLocation = (a: WorkerLocation, b: WorkerLocation) =>
  a.filename === b.filename && a.execArgv.join('\0') === b.execArgv.join('\0');

/** What a pool takes over from adopted threads. */
export interface AdoptedThreads {
  threads: PoolThreads;
  /** The control block the threads were started with (worker-control.ts). */
  control: SharedArrayBuffer;
  /** An error the threads raised before the pool took them (a worker file that fails to load). */
  earlyError: Error | undefined;
  /** Closes the init channel: once the pool is destroyed. */
  release: () => void;
}

/** Threads started ahead of their pool, waiting for its objective. */
export class WarmPool {
  private readonly control: SharedArrayBuffer;
  private readonly channel = new InitChannel<WorkerInit>();
  private readonly threads: PoolThreads;
  /** Waiting for a pool, taken by one, or ended (nobody took them). */
  outcome: 'waiting' | 'adopted' | 'ended' = 'waiting';
  private earlyError: Error | undefined;
  private readonly onEarlyError = (error: Error) => (this.earlyError ??= error);

  constructor(
    readonly location: WorkerLocation,
    readonly workers: number,
  ) {
    this.control = WorkerControl.allocate(workers);
    this.threads = startPoolThreads(location, workers, {
      control: this.control,
      initChannel: this.channel.name,
    });
    this.threads.on('error', this.onEarlyError);
  }

  /**
   * These threads, sent `init`, for a pool of this shape; undefined for any other shape (and
   * once adopted or ended). Threads nobody adopts are ended by `endUnlessAdopted`.
   */
  adopt(location: WorkerLocation, workers: number, init: WorkerInit): AdoptedThreads | undefined {
    if (this.outcome !== 'waiting' || !sameLocation(location, this.location) || workers !== this.workers)
      return undefined;
    this.outcome = 'adopted';
    this.threads.off('error', this.onEarlyError);
    this.channel.deliver(init);
    return {
      threads: this.threads,
      control: this.control,
      earlyError: this.earlyError,
      release: () => this.channel.close(),
    };
  }

  /** Ends the threads unless a pool adopted them. */
  endUnlessAdopted(): void {
    if (this.outcome !== 'waiting') return;
    this.outcome = 'ended';
    this.channel.close();
    void this.threads.destroy().catch(() => undefined);
  }
}

let warm: WarmPool | undefined;

/**
 * Starts `workers` threads of `location` for the next createEvaluator to claim; undefined when
 * threads started so are already waiting.
 */
export function startWarmPool(location: WorkerLocation, workers: number): WarmPool | undefined {
  if (warm) return undefined;
  warm = new WarmPool(location, workers);
  return warm;
}

/** The threads `startWarmPool` started, if any, for the caller to adopt or end (once). */
export function claimWarmPool(): WarmPool | undefined {
  const claimed = warm;
  warm = undefined;
  return claimed;
}
