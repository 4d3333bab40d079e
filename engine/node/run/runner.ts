/**
 * Runs an optimisation: the ask → evaluate → journal → tell loop around the Optimizer, with
 * pause/resume/stop, checkpoints, atomic best.json, and resume after a crash (kill -9
 * included). Resume replays from the last checkpoint and takes evaluations the journal
 * already holds instead of re-running them, so a deterministic objective ends exactly as an
 * uninterrupted run would.
 */
import { existsSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  Optimizer,
  type EvaluationOutcome,
  type GenerationSummary,
  type OptimizerState,
} from '../../core/optimizer';
import { toNumberArray } from '../../core/number-arrays';
import { SearchSpace } from '../../core/search-space';
import { BinarySink, encodeState } from '../../core/state-codec';
import { getStrategy } from '../../strategies/registry';
import { createExecutor, type Executor, type ExecutorConfig } from '../executors/index';
import type { EvaluationJob, EvaluationResult, ObjectiveConfig } from '../evaluation/types';
import { problemToJson, type Problem } from '../problem/schema';
import { evoboxVersion } from '../version';
import {
  JsonTooLargeError,
  NotARunFolderError,
  RunFolderWriter,
  StateFileError,
  createRunDir,
  endTaggedProcesses,
  describeHolder,
  openRunFolder,
  parseJournalLine,
  repairJournalTail,
  runFiles,
  type CheckpointFile,
  type JournalRecord,
  type JournalWriter,
  type ParamRowsReader,
  type RunMeta,
} from './folder';
import { budgetStopReasons, continueWithBudget, type BudgetChange } from './budget';
import type { GenerationEvent, RunCallbacks, RunHandle, RunResult, RunStatus, StopOptions } from './types';
import { GenerationLogWriter, generationLine, generationLogFile } from './generation-log';
import { CheckpointPolicy } from './checkpoint-policy';
import { EvaluatedRecord } from './evaluated-record';

export interface StartOptions extends RunCallbacks {
  /** Parent folder for new run folders (default ./runs). */
  runsDir?: string;
  /** Exact run folder to create instead of runs/<time>-<name>. */
  runDir?: string;
  /** Problem file path, recorded in run.json. */
  problemFile?: string;
  /** Parameters from which the journal keeps them as binary rows (default: folder/param-rows.ts). */
  binaryParamsFrom?: number;
}

/**
 * Evaluations the journal already holds beyond the checkpoint, by index, as their journal
 * lines (a string is several times smaller than the parsed record): reused on resume instead
 * of being run again. `from` is where in the journal they start.
 */
interface Replay {
  records: Map<number, string>;
  from: number;
  /** params.f64, for replay lines that hold a row number instead of their parameters. */
  rows?: ParamRowsReader | null;
}

/** Distributions above this dimension are sent as standard deviations only (a full n×n matrix per event is too big). */
const maxCovarianceDimension = 64;

/** Evaluations between checkpoints at most, whatever `checkpointSeconds` says. */
const maxReplayEvaluations = 50_000;

function optimizerConfig(problem: Problem) {
  const space = new SearchSpace(problem.parameters, { boundary: problem.boundary });
  return {
    strategy: getStrategy(problem.strategy.name),
    options: problem.strategy.options,
    space,
    seed: problem.seed,
    direction: problem.objective.direction ?? 'minimize',
    stop: {
      maxEvaluations: problem.budget.evaluations,
      maxSeconds: problem.budget.seconds,
      target: problem.budget.target,
      ...problem.stop,
    },
    restarts: problem.restarts ? { ...problem.restarts } : undefined,
  } as const;
}

/** Checks everything that can be checked before a run folder is created. */
export function prepareOptimizer(problem: Problem, now?: () => number): Optimizer {
  return Optimizer.create({ ...optimizerConfig(problem), now });
}

class Run implements RunHandle {
  status: RunStatus = 'running';
  done: Promise<RunResult>;
  private stopRequested = false;
  private resumeWaiter: (() => void) | null = null;
  private pausedSince: number | null = null;
  private pausedTotal = 0;
  private readonly checkpoints: CheckpointPolicy;
  // Fields that will hold Date.now() values or byte offsets start as such numbers (not as 0): a
  // field given a small integer first and a larger number later changes the object's hidden
  // class mid-run, and V8 then discards and recompiles the run loop's optimised code.
  private lastBestWrite = Number.NEGATIVE_INFINITY;
  private bestWritten = -1;
  /** generations.jsonl: σ, axis ratio, mean, stds and axis lengths per generation, for the plots. */
  private readonly generationLog: GenerationLogWriter;
  private readonly journal: JournalWriter;
  /** Set once running evaluations were ended (stop with a grace period): their results are not kept. */
  private cancelled = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private graceDeadline = Number.POSITIVE_INFINITY;
  /** Where the journal lines of the generation being evaluated begin (for a checkpoint taken mid-generation). */
  private pendingFrom: number;
  private notEvaluated = 0;

  constructor(
    readonly runDir: string,
    private readonly problem: Problem,
    private readonly optimizer: Optimizer,
    private readonly executor: Executor,
    private readonly folder: RunFolderWriter,
    private readonly replay: Replay,
    private readonly callbacks: RunCallbacks & { binaryParamsFrom?: number },
  ) {
    this.checkpoints = new CheckpointPolicy({
      intervalMs: (problem.checkpointSeconds ?? 2) * 1000,
      maxEvaluations: maxReplayEvaluations,
    });
    this.generationLog = new GenerationLogWriter(join(runDir, generationLogFile));
    this.journal = folder.openJournal(
      problem.parameters.map((p) => p.name),
      callbacks.binaryParamsFrom,
    );
    this.pendingFrom = this.journal.bytes;
    this.done = this.loop();
  }

  /** Wall clock minus paused time: what time budgets count. */
  readonly clock = (): number =>
    Date.now() - this.pausedTotal - (this.pausedSince ? Date.now() - this.pausedSince : 0);

  private setStatus(status: RunStatus): void {
    this.status = status;
    this.callbacks.onStatus?.(status);
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.pausedSince = Date.now();
    this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.pausedTotal += Date.now() - (this.pausedSince ?? Date.now());
    this.pausedSince = null;
    this.setStatus('running');
    this.resumeWaiter?.();
    this.resumeWaiter = null;
  }

  stop(options: StopOptions = {}): void {
    this.stopRequested = true;
    if (this.status === 'paused') this.resume();
    if (options.graceMs === undefined) return;
    const graceMs = Math.max(0, options.graceMs);
    if (Date.now() + graceMs >= this.graceDeadline) return; // an earlier deadline stands
    this.graceDeadline = Date.now() + graceMs;
    clearTimeout(this.graceTimer);
    if (graceMs === 0) this.cancelEvaluations();
    else this.graceTimer = setTimeout(() => this.cancelEvaluations(), graceMs);
  }

  /** Ends the evaluations in flight (their process groups are killed); nothing new starts. */
  private cancelEvaluations(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.executor.cancel();
  }

  /**
   * The generation's records in candidate order: from the replay where the journal already
   * holds them, else evaluated and appended. Null entries are evaluations ended by a stop
   * before they finished: not evaluated, not journaled.
   */
  private async evaluate(candidates: ReturnType<Optimizer['ask']>): Promise<(JournalRecord | null)[]> {
    this.pendingFrom = this.journal.bytes;
    const records: (JournalRecord | null | undefined)[] = new Array<undefined>(candidates.length);
    if (this.replay.records.size > 0) {
      candidates.forEach((c, k) => {
        const line = this.replay.records.get(c.index);
        const cached = line === undefined ? undefined : parseJournalLine(line, this.replay.rows ?? undefined);
        if (cached && JSON.stringify(cached.params) === JSON.stringify(c.params)) {
          this.replay.records.delete(c.index);
          this.pendingFrom = this.replay.from; // this generation's lines begin back there
          records[k] = cached;
        }
      });
    }
    // The candidates are the jobs (index, params, values, x). x is informational (objectives
    // see params). It stays valid until the next ask, after evaluate() has resolved; executors
    // that send it elsewhere copy it (stripJob, bullmq). params is the candidate's own, built
    // when an executor first reads it: one that needs only the numbers takes `values` (packed
    // module chunks, built-ins).
    const replayed = records.some((r) => r !== undefined);
    const jobs: EvaluationJob[] = replayed ? candidates.filter((_, k) => !records[k]) : candidates;
    if (jobs.length > 0) {
      let results: EvaluationResult[] | null;
      try {
        results = await this.executor.evaluate(jobs, candidates[0].generation);
      } catch (error) {
        if (!this.cancelled) throw error;
        results = null;
      }
      let j = 0;
      candidates.forEach((c, k) => {
        if (records[k]) return;
        const result = results?.[j++];
        // The executor marks what its cancel() ended: "cancelled…" (see executors/types.ts).
        if (!result || (this.cancelled && result.fitness === null && result.error?.startsWith('cancelled'))) {
          records[k] = null; // ended by the stop: run again on resume
          return;
        }
        const record = new EvaluatedRecord(c, result);
        records[k] = record;
        this.journal.append(record, c.values);
      });
    }
    return records as (JournalRecord | null)[];
  }

  private writeBest(force: boolean): void {
    const best = this.optimizer.best;
    if (!best || best.index === this.bestWritten) return;
    const now = Date.now();
    if (!force && now - this.lastBestWrite < 250) return;
    this.folder.writeBest({
      params: best.params,
      fitness: best.fitness,
      index: best.index,
      generation: best.generation,
      evaluations: this.optimizer.evaluations,
      direction: this.optimizer.direction,
      updatedAt: new Date().toISOString(),
    });
    this.lastBestWrite = now;
    this.bestWritten = best.index;
  }

  /**
   * Writes the optimizer state. `midGeneration`: a stop ended the generation before it was
   * told; the state still holds it as asked (resume asks for the same candidates), and the
   * journal offset points at its first line so the evaluations it finished are replayed.
   */
  private checkpoint(midGeneration = false): void {
    const startedAt = Date.now();
    this.journal.sync();
    // Replay lines not used yet lie after replay.from: a checkpoint must not skip past them.
    const journalBytes =
      this.replay.records.size > 0 ? this.replay.from : midGeneration ? this.pendingFrom : this.journal.bytes;
    // Large arrays (n² matrices) go to a binary side file: no JSON numbers, no copies.
    const matrices = new BinarySink();
    const checkpoint: CheckpointFile = {
      version: 1,
      savedAt: new Date().toISOString(),
      journalBytes,
      ...(this.journal.paramsRows > 0 ? { paramsRows: this.journal.paramsRows } : {}),
      evaluations: this.optimizer.evaluations,
      optimizer: encodeState(this.optimizer.snapshot(), matrices),
      cost: { ...this.checkpoints.cost },
    };
    try {
      this.folder.writeCheckpoint(checkpoint, matrices.arrays);
    } catch (error) {
      if (!(error instanceof JsonTooLargeError)) throw error;
      throw new Error(
        `${error.message}. The optimizer state of ${this.optimizer.strategy.id} with ` +
          `${this.optimizer.space.dimension} parameters is too large to checkpoint; the journal and best.json ` +
          'are intact. For this many parameters choose a strategy with O(n) state, such as sep-cma-es',
        { cause: error },
      );
    }
    this.checkpoints.written(startedAt, Date.now(), this.optimizer.evaluations);
  }

  private event(
    summary: GenerationSummary,
    records: JournalRecord[],
    samples: Float64Array[],
  ): GenerationEvent {
    const distribution = this.optimizer.distribution();
    const n = distribution.mean.length;
    let stdDevs = distribution.stdDevs ? toNumberArray(distribution.stdDevs) : undefined;
    // n first: `covariance` may be a getter that builds σ²C (n² numbers) when read.
    const covariance =
      n <= maxCovarianceDimension && distribution.covariance
        ? toNumberArray(distribution.covariance)
        : undefined;
    if (!stdDevs && !covariance && distribution.covariance) {
      stdDevs = Array.from({ length: n }, (_, i) => Math.sqrt(distribution.covariance![i * n + i]));
    }
    const best = summary.best;
    return {
      runDir: this.runDir,
      generation: summary.generation,
      evaluations: summary.evaluations,
      failedEvaluations: summary.failedEvaluations,
      elapsedMs: this.optimizer.elapsedMs,
      min: Number.isNaN(summary.min) ? null : summary.min,
      median: Number.isNaN(summary.median) ? null : summary.median,
      best: best ? { params: best.params, fitness: best.fitness, index: best.index } : null,
      metrics: summary.metrics,
      samples: samples.map((x) => toNumberArray(x)),
      sampleFitness: records.map((r) => r.fitness),
      failures: records
        .filter((r) => r.error)
        .map((r) => ({
          index: r.index,
          error: r.error!,
          ...(r.stderrTail ? { stderrTail: r.stderrTail } : {}),
          params: r.params,
        })),
      distribution: {
        mean: toNumberArray(distribution.mean),
        covariance,
        stdDevs,
        stepSize: distribution.stepSize,
      },
      restart: summary.restart,
      ...(summary.restartedBecause ? { restartedBecause: summary.restartedBecause } : {}),
      ...(summary.stopReason ? { stopReason: summary.stopReason } : {}),
    };
  }

  private async loop(): Promise<RunResult> {
    await Promise.resolve(); // let the caller attach to the handle before the first event
    let error: string | undefined;
    let midGeneration = false;
    try {
      let lastYield = Date.now();
      while (!this.optimizer.stopReason) {
        // An in-process objective resolves every await at once; give timers, signals (Ctrl-C)
        // and I/O a turn now and then so Pause and Stop are heard during fast runs.
        if (Date.now() - lastYield > 50) {
          await new Promise((wake) => setImmediate(wake));
          lastYield = Date.now();
        }
        if (this.status === 'paused') await new Promise<void>((wake) => (this.resumeWaiter = wake));
        if (this.stopRequested) {
          this.optimizer.requestStop('stopped-by-user');
          break;
        }
        const candidates = this.optimizer.ask();
        if (candidates.length === 0) {
          this.optimizer.requestStop('budget-evaluations');
          break;
        }
        const evaluated = await this.evaluate(candidates);
        if (evaluated.some((r) => r === null)) {
          // A stop ended some of them: the generation is not told; the checkpoint keeps it asked.
          this.notEvaluated = evaluated.filter((r) => r === null).length;
          this.optimizer.requestStop('stopped-by-user');
          midGeneration = true;
          break;
        }
        const records = evaluated as JournalRecord[];
        const outcomes: EvaluationOutcome[] = []; // pushed, so always packed (see Optimizer.tell)
        for (const r of records) outcomes.push({ fitness: r.fitness, error: r.error });
        const summary = this.optimizer.tell(outcomes);
        this.forgetReplayBelow(this.optimizer.evaluations);
        this.journal.flush();
        this.generationLog.append(
          generationLine(summary, this.optimizer.distribution(), (x: Float64Array) =>
            this.optimizer.space.toFreeValues(x),
          ),
        );
        this.writeBest(false);
        // Every few seconds, often enough that a resume replays a bounded number of journal
        // lines, and rarely enough that writing them stays ≤ 5 % of the run (checkpoint-policy.ts).
        if (this.checkpoints.due(Date.now(), this.optimizer.evaluations)) this.checkpoint();
        // The event copies samples and the distribution: built only for a listener.
        if (this.callbacks.onGeneration)
          this.callbacks.onGeneration(
            this.event(
              summary,
              records,
              candidates.map((c) => c.x),
            ),
          );
      }
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException;
      error = err.code === 'ENOSPC' ? diskFullMessage(this.runDir, true) : (err.message ?? String(caught));
    }
    clearTimeout(this.graceTimer);
    try {
      await this.executor.close();
    } catch {
      // closing is best effort; the result is already decided
    }
    const stopReason = this.optimizer.stopReason ?? (error ? 'error' : 'stopped-by-user');
    error ??= stopError(this.runDir, stopReason, this.optimizer.failedEvaluations);
    this.optimizer.stopClock();
    try {
      if (!error || !error.includes('disk is full')) {
        this.checkpoint(midGeneration);
        this.writeBest(true);
      }
    } catch (caught) {
      error ??= `could not write the final checkpoint: ${(caught as Error).message}`;
    }
    try {
      this.generationLog.close();
    } catch {
      // the plots' log is a convenience; the journal below is what matters
    }
    try {
      this.journal.close();
    } catch {
      // already reported above if it mattered
    }
    this.replay.rows?.close();
    const result: RunResult = {
      ...resultOf(this.runDir, this.optimizer, stopReason, error),
      ...(this.notEvaluated > 0 ? { notEvaluated: this.notEvaluated } : {}),
    };
    try {
      if (!error?.includes('disk is full')) this.folder.writeResult(result);
    } catch {
      // the checkpoint and journal hold everything result.json would (resume rebuilds it)
    }
    this.folder.release();
    this.setStatus(error ? 'failed' : 'finished');
    return result;
  }

  /** Replay lines of evaluations already told are never used: drop them (they come in index order). */
  private forgetReplayBelow(evaluations: number): void {
    for (const index of this.replay.records.keys()) {
      if (index >= evaluations) break;
      this.replay.records.delete(index);
    }
  }
}

/** The message for a full disk, the same before a run starts and during it. */
export function diskFullMessage(runDir: string, resumable: boolean): string {
  return resumable
    ? `the disk is full (writing to ${runDir}); free some space and run \`evobox resume ${runDir}\``
    : `the disk is full (writing to ${runDir}); free some space and start the run again (nothing was kept)`;
}

/** The error a stop reason implies by itself (every evaluation failing), if any. */
function stopError(runDir: string, stopReason: string, failed: number): string | undefined {
  if (stopReason !== 'too-many-failures') return undefined;
  return `stopped after ${failed} failed evaluations (the last ones all failed): check the objective with \`evobox probe\`; reasons are in ${join(runDir, runFiles.journal)}`;
}

function resultOf(runDir: string, optimizer: Optimizer, stopReason: string, error?: string): RunResult {
  const best = optimizer.best;
  return {
    runDir,
    best: best ? { params: best.params, fitness: best.fitness } : null,
    evaluations: optimizer.evaluations,
    failedEvaluations: optimizer.failedEvaluations,
    stopReason,
    elapsedMs: Math.round(optimizer.elapsedMs),
    ...(error ? { error } : {}),
  };
}

/**
 * Every program the run starts carries the lock's token in its environment, so the processes
 * of a run whose evobox died without a word can be found and ended (folder/processes.ts).
 */
function withRunEnvironment(objective: ObjectiveConfig, env: Record<string, string>): ObjectiveConfig {
  return 'command' in objective ? { ...objective, env: { ...objective.env, ...env } } : objective;
}

async function launch(
  folder: RunFolderWriter,
  problem: Problem,
  optimizer: Optimizer,
  replay: Replay,
  options: ResumeOptions,
): Promise<Run> {
  const scratchDir = folder.scratchDir();
  const executor = await createExecutor(options.executor ?? problem.executor, {
    objective: withRunEnvironment(problem.objective, folder.processEnvironment),
    parameterNames: problem.parameters.map((p) => p.name),
    workers: problem.workers,
    cwd: problem.baseDir,
    scratchDir,
    seed: problem.seed,
    runId: basename(folder.dir),
  });
  return new Run(folder.dir, problem, optimizer, executor, folder, replay, options);
}

/**
 * Starts a new run of `problem` in a new run folder. Invalid strategy options throw before
 * anything is written; a run that cannot start (a full disk, an objective that cannot be
 * set up) leaves no folder behind.
 */
export async function startRun(problem: Problem, options: StartOptions = {}): Promise<RunHandle> {
  const clock = { now: () => Date.now() }; // becomes the run's pause-aware clock once it exists
  const optimizer = Optimizer.create({ ...optimizerConfig(problem), now: () => clock.now() });
  const given = options.runDir ? resolve(options.runDir) : undefined;
  const madeFolder = given === undefined || !existsSync(given);
  let runDir: string | undefined;
  let folder: RunFolderWriter | undefined;
  try {
    runDir = given ?? createRunDir(resolve(options.runsDir ?? 'runs'), problem.name);
    folder = RunFolderWriter.create(runDir, madeFolder);
    const meta: RunMeta = {
      evoboxVersion,
      createdAt: new Date().toISOString(),
      problemFile: options.problemFile ? resolve(options.problemFile) : undefined,
      baseDir: problem.baseDir,
    };
    folder.writeProblem(problemToJson(problem));
    folder.writeMeta(meta);
    const run = await launch(folder, problem, optimizer, { records: new Map(), from: 0 }, options);
    clock.now = run.clock;
    return run;
  } catch (error) {
    try {
      if (folder) folder.discard();
      else if (runDir && madeFolder) rmSync(runDir, { recursive: true, force: true });
    } catch {
      // nothing more can be done on a failing disk; the error below says what happened
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new Error(diskFullMessage(runDir ?? resolve(options.runsDir ?? 'runs'), false), { cause: error });
    throw error;
  }
}

export class ResumeError extends Error {}

/** Loads a run folder's problem (as it was run). */
export function loadRunProblem(runDir: string): Problem {
  try {
    return openRunFolder(runDir).problem();
  } catch (error) {
    if (error instanceof NotARunFolderError || error instanceof StateFileError)
      throw new ResumeError(error.message, { cause: error });
    throw error;
  }
}

export interface ResumeOptions extends RunCallbacks {
  /** Where evaluations run this time, instead of the problem's `executor`. */
  executor?: ExecutorConfig;
  /**
   * Go on although the journal lacks evaluation records the checkpoint counts (truncated or
   * deleted): they stay missing from the journal and exports. Without it resume refuses.
   */
  acceptMissingEvaluations?: boolean;
  /** New budget totals: continues a finished or stopped run too (see budget.ts). */
  budget?: BudgetChange;
  /** Parameters from which the journal keeps them as binary rows (a run with params.f64 always does). */
  binaryParamsFrom?: number;
}

/**
 * The optimizer state of the newest usable checkpoint: checkpoint.json, else (damaged)
 * checkpoint.prev.json, else none (the journal is replayed from the start). A damaged file
 * is set aside as `<name>.damaged` and named in a notice.
 */
function loadCheckpoint(
  folder: RunFolderWriter,
  notice: (message: string) => void,
): { checkpoint: CheckpointFile; state: OptimizerState } | null {
  const problems: string[] = [];
  for (const which of ['checkpoint', 'previousCheckpoint'] as const) {
    try {
      const saved = folder.checkpointState<OptimizerState>(which);
      if (saved === null) continue;
      const { checkpoint, state } = saved;
      if (problems.length)
        notice(`${problems.join('; ')}: resuming from ${runFiles[which]} (saved ${checkpoint.savedAt})`);
      return { checkpoint, state };
    } catch (error) {
      problems.push(
        error instanceof StateFileError
          ? error.message
          : `${runFiles[which]} in ${folder.dir} holds no usable optimizer state (${(error as Error).message})`,
      );
      folder.setAsideDamaged(which);
    }
  }
  if (problems.length) notice(`${problems.join('; ')}: replaying the journal from the start`);
  return null;
}

/**
 * Reads the journal lines after the checkpoint for the replay, cuts off a torn last line,
 * and refuses (unless told to go on) when the journal lost records the checkpoint counts.
 */
function loadReplay(
  folder: RunFolderWriter,
  told: number,
  checkpoint: CheckpointFile | null,
  options: ResumeOptions,
): Replay {
  const recorded = checkpoint?.journalBytes;
  const short = recorded !== undefined && recorded > folder.journalBytes();
  const from = recorded !== undefined && !short ? recorded : 0;
  const records = new Map<number, string>();
  const present = new Set<number>();
  const rows = folder.paramRows();
  const scan = folder.journal((record, line) => {
    if (record.index >= told) records.set(record.index, line);
    else if (short) present.add(record.index);
  }, from);
  if (short) {
    const missing = told - present.size;
    const message =
      `${runFiles.journal} in ${folder.dir} is shorter than ${runFiles.checkpoint} recorded ` +
      `(${folder.journalBytes()} of ${recorded} bytes${scan.exists ? '' : ': the file is gone'}): ` +
      `${missing} of the ${told} evaluation records it counts are missing`;
    if (missing > 0 && !options.acceptMissingEvaluations) {
      throw new ResumeError(
        `${message}. The search can go on from the checkpoint, but those records would stay missing from ` +
          `the journal, the History view and CSV exports; to go on anyway run \`evobox resume ${folder.dir} ` +
          '--accept-missing-evaluations`',
      );
    }
    if (missing > 0) options.onNotice?.(`${message}; going on without them (--accept-missing-evaluations)`);
  }
  // params.f64 keeps the rows of the lines kept: rows a crash left without their line go.
  const paramsRows = Math.max(scan.paramsRows, checkpoint?.paramsRows ?? 0);
  repairJournalTail(
    folder.path('journal'),
    scan,
    rows ? { path: rows.path, columns: rows.names.length, count: paramsRows } : undefined,
  );
  return { records, from, rows };
}

/** The result of a run that had ended: result.json, or rebuilt from the checkpoint when it is lost. */
function finishedResult(
  folder: RunFolderWriter,
  optimizer: Optimizer,
  notice: (m: string) => void,
): RunResult {
  let problem = `${runFiles.result} in ${folder.dir} is missing`;
  try {
    const result = folder.result();
    if (result) return result;
  } catch (error) {
    problem = (error as Error).message;
  }
  const stopReason = optimizer.stopReason ?? 'stopped-by-user';
  const result = resultOf(
    folder.dir,
    optimizer,
    stopReason,
    stopError(folder.dir, stopReason, optimizer.failedEvaluations),
  );
  folder.writeResult(result);
  notice(`${problem}; rebuilt it from ${runFiles.checkpoint}`);
  return result;
}

/**
 * Continues an interrupted run in place. A finished run resolves at once with its result.
 * Takes the folder's lock first (RunLockedError if another process writes the run); if the
 * lock was left by a process that died, ends the evaluation programs it left running.
 */
export async function resumeRun(runDirGiven: string, options: ResumeOptions = {}): Promise<RunHandle> {
  const runDir = resolve(runDirGiven);
  let problem = loadRunProblem(runDir);
  const notice = (message: string) => options.onNotice?.(message);
  const folder = RunFolderWriter.open(runDir);
  try {
    const stale = folder.lock.takenOverFrom;
    if (stale) {
      const ended = await endTaggedProcesses(stale.token);
      if (ended > 0)
        notice(
          `ended ${ended} evaluation process${ended === 1 ? '' : 'es'} left running by the evobox that died (${describeHolder(stale)})`,
        );
    }
    const clock = { now: () => Date.now() };
    const saved = loadCheckpoint(folder, notice);
    if (options.budget) {
      problem = continueWithBudget(problem, options.budget, {
        evaluations: saved?.state.evaluations ?? 0,
        elapsedMs: saved?.state.elapsedMs ?? 0,
        stopReason: saved?.state.stopReason ?? null,
      });
      // A later plain resume (after a crash) keeps the new budget.
      folder.writeProblem(problemToJson(problem));
    }
    const config = { ...optimizerConfig(problem), now: () => clock.now() };
    const optimizer = saved ? Optimizer.restore(config, saved.state) : Optimizer.create(config);
    if (options.budget) optimizer.clearStop(budgetStopReasons);
    if (optimizer.stopReason && optimizer.stopReason !== 'stopped-by-user') {
      optimizer.stopClock(false);
      const result = finishedResult(folder, optimizer, notice);
      folder.release();
      return {
        runDir,
        status: 'finished',
        pause() {},
        resume() {},
        stop() {},
        done: Promise.resolve(result),
      };
    }
    const replay = loadReplay(folder, optimizer.evaluations, saved?.checkpoint ?? null, options);
    if (optimizer.stopReason === 'stopped-by-user') optimizer.clearStop();
    const run = await launch(folder, problem, optimizer, replay, options);
    clock.now = run.clock;
    return run;
  } catch (error) {
    folder.release();
    throw error;
  }
}
