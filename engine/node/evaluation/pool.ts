/**
 * The evaluation pool: evaluates a generation in parallel and returns the results in job
 * order, whatever order they finish in, so strategies never see concurrency.
 *
 * - Built-ins: in the calling thread when workers ≤ 1 (a 1 µs function would drown in
 *   thread messaging); otherwise one contiguous chunk per thread.
 * - JS modules: piscina threads (imported once per thread), in contiguous chunks.
 * - Executables whose protocol keeps a session per worker (`line`): each thread owns one
 *   persistent process; the generation is split into one contiguous chunk per thread so each
 *   process gets its share pipelined. With one worker the session is driven from the calling
 *   thread instead (see InProcessSessionEvaluator).
 * - Per-evaluation protocols (`args`, `json-stdin`): one task per job; piscina's queue keeps
 *   `workers` processes busy.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinFunctions } from '../../objectives/builtin';
import { prepareExecutable } from './executable-setup';
import type { ProtocolDescriptor } from '../../problem/protocols';
import { killGroupOf } from './process-group';
import {
  createBuiltinRunner,
  createObjectiveRunner,
  type ObjectiveRunner,
  type RunnerSettings,
} from './objective-runner';
import {
  isBuiltinObjective,
  isExecutableObjective,
  isModuleObjective,
  type EvaluationJob,
  type EvaluationResult,
  type Evaluator,
  type EvaluatorOptions,
  type ModuleObjectiveConfig,
  type ObjectiveConfig,
} from './types';
import type { WorkerTask } from './worker';
import { WorkerControl } from './worker-control';
import {
  claimWarmPool,
  startPoolThreads,
  workerLocation,
  type PoolThreads,
  type WarmPool,
} from './warm-pool';
import { packJobs } from './packed-jobs';

export type { Evaluator, EvaluatorOptions } from './types';

/** How often `close()` re-sends SIGKILL to children started while it was closing. */
const closeKillIntervalMs = 50;

function resolveDimension(objective: ObjectiveConfig, options: EvaluatorOptions): number {
  const names = options.parameterNames.length;
  if (!isBuiltinObjective(objective)) return options.dimension ?? names;
  const fixed = builtinFunctions[objective.builtin]?.fixedDimension;
  const dimension = options.dimension ?? (names || objective.dimension || fixed || 10);
  if (names && dimension !== names) {
    throw new Error(
      `objective.builtin ${objective.builtin} got dimension ${dimension} but ${names} parameters`,
    );
  }
  return dimension;
}

/** Splits jobs into at most `parts` contiguous, nearly equal chunks. */
export function contiguousChunks<T>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, items.length));
  const chunks: T[][] = [];
  for (let k = 0; k < count; k++) {
    const from = Math.floor((k * items.length) / count);
    const to = Math.floor(((k + 1) * items.length) / count);
    if (to > from) chunks.push(items.slice(from, to));
  }
  return chunks;
}

function stripJob(job: EvaluationJob, keepX: boolean): EvaluationJob {
  // Only index and params cross to the thread (x is informational, params are what objectives
  // see): x only for a built-in given no parameter names, which reads it as its vector.
  return {
    index: job.index,
    params: job.params,
    ...(keepX && job.x ? { x: Array.from(job.x) } : {}),
    ...(job.batch ? { batch: job.batch } : {}),
  };
}

class InProcessEvaluator implements Evaluator {
  readonly workers = 1;
  private closed = false;

  constructor(private readonly runner: ReturnType<typeof createBuiltinRunner>) {}

  async evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]> {
    if (this.closed) throw new Error('evaluator is closed');
    return this.runner.evaluateSync(jobs);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * A module objective asked to run `inline`: called on this thread, one evaluation after the
 * other, with nothing copied to or from a worker thread. The module is imported at the first
 * evaluation, as a worker thread would.
 */
class InlineModuleEvaluator implements Evaluator {
  readonly workers = 1;
  private closed = false;
  private readonly runner: ObjectiveRunner;

  constructor(objective: ModuleObjectiveConfig, settings: RunnerSettings) {
    // Closed by a stop while an async objective awaited: what has not started does not start.
    this.runner = createObjectiveRunner(objective, settings, 0, {
      skipModuleJob: () => (this.closed ? inlineCancelled : undefined),
    });
  }

  async evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]> {
    if (this.closed) throw new Error('evaluator is closed');
    return this.runner.evaluate(jobs);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.runner.close();
  }
}

const inlineCancelled = 'cancelled: the run stopped before this evaluation started';

/**
 * A per-worker-session protocol (`line`) with one worker, driven from the calling thread: the
 * child process does the work and this side only writes requests and reads replies, so a
 * worker thread would add nothing but the copying of every job and result across threads
 * (measured ≈ 2.5 µs per evaluation, about as much as the rest of the protocol).
 */
class InProcessSessionEvaluator implements Evaluator {
  readonly workers = 1;
  private readonly runner: ObjectiveRunner;
  private readonly inFlight = new Set<Promise<unknown>>();
  private pid: number | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    objective: ObjectiveConfig,
    settings: RunnerSettings,
    private readonly ownedScratch: string | undefined,
  ) {
    this.runner = createObjectiveRunner(objective, settings, 0, {
      onSpawn: (pid) => (this.pid = pid),
      isClosing: () => this.closing !== undefined,
    });
  }

  async evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]> {
    if (this.closing) throw new Error('evaluator is closed');
    const run = this.runner.evaluate(jobs);
    this.inFlight.add(run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(run);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // A batch still running (a user pressed Stop): kill the process group so it ends now;
    // the session sees the closing flag and does not restart it.
    if (this.inFlight.size && this.pid !== undefined) {
      killGroupOf(this.pid);
      await Promise.allSettled([...this.inFlight]);
    }
    await this.runner.close();
    if (this.ownedScratch) rmSync(this.ownedScratch, { recursive: true, force: true });
  }
}

class PoolEvaluator implements Evaluator {
  private readonly piscina: PoolThreads;
  private readonly control: WorkerControl;
  /** Closes what adopted threads were started with (their init channel). */
  private readonly releaseThreads: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  private poolError: Error | undefined;

  constructor(
    private readonly objective: ObjectiveConfig,
    private readonly settings: RunnerSettings,
    private readonly ownedScratch: string | undefined,
    /** The executable's protocol dispatch; undefined for built-ins and modules. */
    private readonly dispatch: ProtocolDescriptor['dispatch'] | undefined,
    /** Threads started ahead of the run (warm-pool.ts): taken when they have this pool's shape. */
    warm: WarmPool | undefined,
  ) {
    const location = workerLocation(isModuleObjective(objective) ? objective.module : undefined);
    const adopted = warm?.adopt(location, settings.workers, { objective, settings });
    if (adopted) {
      this.control = new WorkerControl(adopted.control);
      this.piscina = adopted.threads;
      this.releaseThreads = adopted.release;
      this.poolError = adopted.earlyError;
    } else {
      const control = WorkerControl.allocate(settings.workers);
      this.control = new WorkerControl(control);
      this.piscina = startPoolThreads(location, settings.workers, { control, init: { objective, settings } });
    }
    // An error outside a task (e.g. the worker file failing to load) must not crash the host.
    this.piscina.on('error', (error: Error) => (this.poolError = error));
  }

  get workers(): number {
    return this.settings.workers;
  }

  /** Module objectives with a timeout: each evaluation is its own task, so a stopped thread loses only that one. */
  private get moduleTimeoutMs(): number | undefined {
    const { objective } = this;
    return isModuleObjective(objective) && objective.timeoutSeconds !== undefined
      ? objective.timeoutSeconds * 1000
      : undefined;
  }

  private split(jobs: EvaluationJob[]): EvaluationJob[][] {
    const { objective, settings } = this;
    if (this.dispatch === 'per-evaluation') return jobs.map((job) => [job]);
    if (this.moduleTimeoutMs !== undefined) return jobs.map((job) => [job]);
    // Modules: a few chunks per thread balance uneven evaluation times; one thread has nothing
    // to balance, and every chunk is a message round trip.
    const parts =
      isModuleObjective(objective) && settings.workers > 1 ? 4 * settings.workers : settings.workers;
    return contiguousChunks(jobs, parts);
  }

  async evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]> {
    if (this.closing) throw new Error('evaluator is closed');
    const keepX = this.settings.parameterNames.length === 0;
    const chunks = this.split(jobs);
    const timeoutMs = this.moduleTimeoutMs;
    // The watchdog: a module call past its timeout cannot be interrupted inside its thread (a
    // synchronous loop never yields), so the task is aborted and piscina stops the thread.
    const aborts = new Map<number, AbortController>();
    const timedOut = new Set<number>();
    const watchdog =
      timeoutMs === undefined
        ? undefined
        : setInterval(
            () => {
              for (const { worker, index } of this.control.overdue(timeoutMs)) {
                const abort = aborts.get(index);
                if (!abort || timedOut.has(index)) continue;
                timedOut.add(index);
                this.control.releaseWorkerId(worker);
                abort.abort();
              }
            },
            Math.min(250, Math.max(10, timeoutMs / 4)),
          );
    const run = Promise.all(
      chunks.map((chunk) => {
        let signal: AbortSignal | undefined;
        if (timeoutMs !== undefined) {
          const abort = new AbortController();
          aborts.set(chunk[0].index, abort);
          signal = abort.signal;
        }
        const packed = packJobs(chunk, this.settings.parameterNames);
        const task: WorkerTask = packed
          ? { kind: 'evaluate-packed', ...packed }
          : { kind: 'evaluate', jobs: chunk.map((job) => stripJob(job, keepX)) };
        // The packed values are this chunk's own buffer: moved to the thread, not copied.
        const transferList = packed ? [packed.values.buffer as ArrayBuffer] : undefined;
        return this.piscina.run(task, { signal, transferList }).then(
          (results) => results ?? [],
          (error: Error): EvaluationResult[] =>
            chunk.map((job) =>
              timedOut.has(job.index)
                ? {
                    fitness: null,
                    error: `timed out after ${timeoutMs! / 1000} s: the module's function had not returned (its worker thread was stopped and replaced)`,
                    ms: timeoutMs!,
                    worker: -1,
                  }
                : { fitness: null, error: `worker thread failed: ${error.message}`, ms: 0, worker: -1 },
            ),
        );
      }),
    ).finally(() => clearInterval(watchdog));
    this.inFlight.add(run);
    try {
      const results = (await run).flat();
      if (results.length !== jobs.length) {
        throw new Error(
          `evaluation pool returned ${results.length} results for ${jobs.length} jobs${this.poolError ? `: ${this.poolError.message}` : ''}`,
        );
      }
      return results;
    } finally {
      this.inFlight.delete(run);
    }
  }

  private killChildren(): void {
    for (const pid of this.control.pids()) killGroupOf(pid);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.control.setClosing();
    // Evaluations still running (a user pressed Stop): kill their processes so they end now.
    if (this.inFlight.size) {
      this.killChildren();
      const timer = setInterval(() => this.killChildren(), closeKillIntervalMs);
      await Promise.allSettled([...this.inFlight]);
      clearInterval(timer);
    }
    if (this.dispatch === 'per-worker-session') {
      // One shutdown task per thread (the barrier keeps a thread from taking two): each
      // closes its session, so a well-behaved script sees its stdin end and exits on its own.
      const threads = this.settings.workers;
      await Promise.allSettled(
        Array.from({ length: threads }, () => this.piscina.run({ kind: 'shutdown', threads })),
      );
    }
    await this.piscina.destroy();
    this.releaseThreads?.();
    this.killChildren();
    if (this.ownedScratch) rmSync(this.ownedScratch, { recursive: true, force: true });
  }
}

/**
 * Creates the evaluator for an objective. Configuration errors (unknown built-in, bad
 * regex, unknown placeholder, missing module file) throw here, before any evaluation.
 */
export async function createEvaluator(
  objective: ObjectiveConfig,
  options: EvaluatorOptions,
): Promise<Evaluator> {
  // Threads the launcher started ahead (warm-pool.ts): this evaluator's, if it has their shape.
  const warm = claimWarmPool();
  try {
    return await chooseEvaluator(objective, options, warm);
  } finally {
    warm?.endUnlessAdopted();
  }
}

async function chooseEvaluator(
  objective: ObjectiveConfig,
  options: EvaluatorOptions,
  warm: WarmPool | undefined,
): Promise<Evaluator> {
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const dimension = resolveDimension(objective, options);
  const settings: RunnerSettings = {
    workers,
    cwd: options.cwd,
    scratchDir: options.scratchDir,
    seed: options.seed ?? 0,
    dimension,
    parameterNames: [...options.parameterNames],
    keepScratch: options.keepScratch ?? 'never',
    maxOutputBytes: options.maxOutputBytes,
  };

  let dispatch: ProtocolDescriptor['dispatch'] | undefined;
  if (isBuiltinObjective(objective)) {
    const runner = createBuiltinRunner(objective, settings, 0); // validates name and dimension
    if (workers <= 1) return new InProcessEvaluator(runner);
  } else if (isModuleObjective(objective)) {
    if (!existsSync(objective.module)) throw new Error(`objective.module ${objective.module} does not exist`);
    if (objective.inline) {
      if (workers > 1) throw new Error(`objective.inline needs workers: 1 (got ${workers})`);
      return new InlineModuleEvaluator(objective, settings);
    }
  } else if (isExecutableObjective(objective)) {
    dispatch = prepareExecutable(objective, settings).protocol.dispatch;
  } else {
    throw new Error('objective must have one of "builtin", "module" or "command"');
  }

  let ownedScratch: string | undefined;
  if (settings.scratchDir === undefined && isExecutableObjective(objective)) {
    ownedScratch = mkdtempSync(join(tmpdir(), 'evobox-scratch-'));
    settings.scratchDir = ownedScratch;
  }
  if (workers <= 1 && dispatch === 'per-worker-session') {
    return new InProcessSessionEvaluator(objective, settings, ownedScratch);
  }
  return new PoolEvaluator(objective, settings, ownedScratch, dispatch, warm);
}
