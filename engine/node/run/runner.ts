/**
 * Runs an optimisation: the ask → evaluate → journal → tell loop around the Optimizer, with
 * pause/resume/stop, checkpoints, atomic best.json, and resume after a crash (kill -9
 * included). Resume replays from the last checkpoint and takes evaluations the journal
 * already holds instead of re-running them, so a deterministic objective ends exactly as an
 * uninterrupted run would.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  Optimizer,
  type EvaluationOutcome,
  type GenerationSummary,
  type OptimizerState,
} from '../../core/optimizer';
import { SearchSpace } from '../../core/search-space';
import { decodeState, encodeState } from '../../core/state-codec';
import { getStrategy } from '../../strategies/registry';
import { createEvaluator, type Evaluator } from '../evaluation/pool';
import { parseProblem, problemToJson, type Problem } from '../problem/schema';
import { evoboxVersion } from '../version';
import {
  JournalWriter,
  JsonTooLargeError,
  readJournal,
  readJson,
  writeJsonAtomic,
  type JournalRecord,
} from './files';
import { GenerationLogWriter, generationLine, generationLogFile } from './generation-log';
import { createRunDir, runFiles, type RunMeta } from './run-dir';
import type { GenerationEvent, RunCallbacks, RunHandle, RunResult, RunStatus } from './types';

export interface StartOptions extends RunCallbacks {
  /** Parent folder for new run folders (default ./runs). */
  runsDir?: string;
  /** Exact run folder to create instead of runs/<time>-<name>. */
  runDir?: string;
  /** Problem file path, recorded in run.json. */
  problemFile?: string;
}

interface Checkpoint {
  version: 1;
  savedAt: string;
  /** Journal length when the checkpoint was taken: resume replays only the lines after it. */
  journalBytes?: number;
  optimizer: unknown;
}

/** Distributions above this dimension are sent as standard deviations only (a full n×n matrix per event is too big). */
const maxCovarianceDimension = 64;

/** Evaluations between checkpoints at most, whatever `checkpointSeconds` says. */
const maxReplayEvaluations = 50_000;

function optimizerConfig(problem: Problem) {
  const space = new SearchSpace(problem.parameters);
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
  private lastCheckpoint = Date.now();
  private lastCheckpointEvaluations = 0;
  private lastBestWrite = 0;
  private bestWritten = -1;
  /** generations.jsonl: σ, axis ratio, mean, stds and axis lengths per generation, for the plots. */
  private readonly generationLog: GenerationLogWriter;

  constructor(
    readonly runDir: string,
    private readonly problem: Problem,
    private readonly optimizer: Optimizer,
    private readonly evaluator: Evaluator,
    private readonly journal: JournalWriter,
    /**
     * Evaluations from the journal after the checkpoint, by index, as their journal lines
     * (a string is several times smaller than the parsed record): reused on resume.
     */
    private readonly replay: Map<number, string>,
    private readonly callbacks: RunCallbacks,
  ) {
    this.generationLog = new GenerationLogWriter(join(runDir, generationLogFile));
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

  stop(): void {
    this.stopRequested = true;
    if (this.status === 'paused') this.resume();
  }

  private async evaluate(candidates: ReturnType<Optimizer['ask']>): Promise<JournalRecord[]> {
    const records: (JournalRecord | undefined)[] = candidates.map((c) => {
      const line = this.replay.get(c.index);
      const cached = line === undefined ? undefined : (JSON.parse(line) as JournalRecord);
      if (cached && JSON.stringify(cached.params) === JSON.stringify(c.params)) {
        this.replay.delete(c.index);
        return cached;
      }
      return undefined;
    });
    const jobs = candidates
      .filter((_, k) => !records[k])
      .map((c) => ({ index: c.index, params: c.params, x: Array.from(c.x) }));
    if (jobs.length > 0) {
      const results = await this.evaluator.evaluate(jobs);
      let j = 0;
      candidates.forEach((c, k) => {
        if (records[k]) return;
        const result = results[j++];
        const record: JournalRecord = {
          index: c.index,
          generation: c.generation,
          params: c.params,
          fitness: result.fitness,
          ms: Math.round(result.ms * 1000) / 1000,
          worker: result.worker,
        };
        if (result.extras && Object.keys(result.extras).length) record.extras = result.extras;
        if (result.error) record.error = result.error;
        if (result.stderrTail) record.stderrTail = result.stderrTail;
        if (result.stdoutTail) record.stdoutTail = result.stdoutTail;
        records[k] = record;
        this.journal.append(record);
      });
    }
    return records as JournalRecord[];
  }

  private writeBest(force: boolean): void {
    const best = this.optimizer.best;
    if (!best || best.index === this.bestWritten) return;
    const now = Date.now();
    if (!force && now - this.lastBestWrite < 250) return;
    writeJsonAtomic(join(this.runDir, runFiles.best), {
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

  private checkpoint(): void {
    this.journal.sync();
    const checkpoint: Checkpoint = {
      version: 1,
      savedAt: new Date().toISOString(),
      journalBytes: this.journal.bytes,
      optimizer: encodeState(this.optimizer.snapshot()),
    };
    try {
      writeJsonAtomic(join(this.runDir, runFiles.checkpoint), checkpoint);
    } catch (error) {
      if (!(error instanceof JsonTooLargeError)) throw error;
      throw new Error(
        `${error.message}. The optimizer state of ${this.optimizer.strategy.id} with ` +
          `${this.optimizer.space.dimension} parameters is too large to checkpoint; the journal and best.json ` +
          'are intact. For this many parameters choose a strategy with O(n) state, such as sep-cma-es',
        { cause: error },
      );
    }
    this.lastCheckpoint = Date.now();
    this.lastCheckpointEvaluations = this.optimizer.evaluations;
  }

  private event(
    summary: GenerationSummary,
    records: JournalRecord[],
    samples: Float64Array[],
  ): GenerationEvent {
    const distribution = this.optimizer.distribution();
    const n = distribution.mean.length;
    let stdDevs = distribution.stdDevs ? Array.from(distribution.stdDevs) : undefined;
    const covariance =
      distribution.covariance && n <= maxCovarianceDimension
        ? Array.from(distribution.covariance)
        : undefined;
    if (distribution.covariance && !covariance) {
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
      samples: samples.map((x) => Array.from(x)),
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
        mean: Array.from(distribution.mean),
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
    const checkpointMs = (this.problem.checkpointSeconds ?? 2) * 1000;
    let error: string | undefined;
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
        const records = await this.evaluate(candidates);
        const outcomes: EvaluationOutcome[] = records.map((r) => ({ fitness: r.fitness, error: r.error }));
        const summary = this.optimizer.tell(outcomes);
        this.journal.flush();
        this.generationLog.append(
          generationLine(summary, this.optimizer.distribution(), (x: Float64Array) => {
            const params = this.optimizer.space.toParams(x);
            return this.optimizer.space.freeNames.map((name) => params[name]);
          }),
        );
        this.writeBest(false);
        // Every few seconds, and often enough that a resume never replays more than a bounded
        // number of journal lines however fast the objective is.
        if (
          Date.now() - this.lastCheckpoint >= checkpointMs ||
          this.optimizer.evaluations - this.lastCheckpointEvaluations >= maxReplayEvaluations
        ) {
          this.checkpoint();
        }
        this.callbacks.onGeneration?.(
          this.event(
            summary,
            records,
            candidates.map((c) => c.x),
          ),
        );
      }
    } catch (caught) {
      const err = caught as NodeJS.ErrnoException;
      error =
        err.code === 'ENOSPC'
          ? `the disk is full (writing to ${this.runDir}); free some space and run \`evobox resume ${this.runDir}\``
          : (err.message ?? String(caught));
    }
    try {
      await this.evaluator.close();
    } catch {
      // closing is best effort; the result is already decided
    }
    const stopReason = this.optimizer.stopReason ?? (error ? 'error' : 'stopped-by-user');
    if (stopReason === 'too-many-failures' && !error) {
      error = `stopped after ${this.optimizer.failedEvaluations} failed evaluations (the last ones all failed): check the objective with \`evobox probe\`; reasons are in ${join(this.runDir, runFiles.journal)}`;
    }
    try {
      if (!error || !error.includes('disk is full')) {
        this.checkpoint();
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
    const best = this.optimizer.best;
    const result: RunResult = {
      runDir: this.runDir,
      best: best ? { params: best.params, fitness: best.fitness } : null,
      evaluations: this.optimizer.evaluations,
      failedEvaluations: this.optimizer.failedEvaluations,
      stopReason,
      elapsedMs: Math.round(this.optimizer.elapsedMs),
      ...(error ? { error } : {}),
    };
    try {
      if (!error?.includes('disk is full')) writeJsonAtomic(join(this.runDir, runFiles.result), result);
    } catch {
      // the checkpoint and journal hold everything result.json would
    }
    this.setStatus(error ? 'failed' : 'finished');
    return result;
  }
}

async function launch(
  runDir: string,
  problem: Problem,
  optimizer: Optimizer,
  replay: Map<number, string>,
  options: RunCallbacks,
): Promise<Run> {
  const scratchDir = join(runDir, runFiles.scratch);
  mkdirSync(scratchDir, { recursive: true });
  const evaluator = await createEvaluator(problem.objective, {
    workers: problem.workers,
    cwd: problem.baseDir,
    scratchDir,
    seed: problem.seed,
    parameterNames: problem.parameters.map((p) => p.name),
  });
  const journal = new JournalWriter(join(runDir, runFiles.journal));
  return new Run(runDir, problem, optimizer, evaluator, journal, replay, options);
}

/** Starts a new run of `problem` in a new run folder. Invalid strategy options throw before anything is written. */
export async function startRun(problem: Problem, options: StartOptions = {}): Promise<RunHandle> {
  const clock = { now: () => Date.now() }; // becomes the run's pause-aware clock once it exists
  const optimizer = Optimizer.create({ ...optimizerConfig(problem), now: () => clock.now() });
  const runDir = options.runDir
    ? resolve(options.runDir)
    : createRunDir(resolve(options.runsDir ?? 'runs'), problem.name);
  mkdirSync(runDir, { recursive: true });
  const meta: RunMeta = {
    evoboxVersion,
    createdAt: new Date().toISOString(),
    problemFile: options.problemFile ? resolve(options.problemFile) : undefined,
    baseDir: problem.baseDir,
  };
  writeJsonAtomic(join(runDir, runFiles.problem), problemToJson(problem));
  writeJsonAtomic(join(runDir, runFiles.meta), meta);
  const run = await launch(runDir, problem, optimizer, new Map(), options);
  clock.now = run.clock;
  return run;
}

export class ResumeError extends Error {}

/** Loads a run folder's problem (as it was run). */
export function loadRunProblem(runDir: string): Problem {
  const problemPath = join(runDir, runFiles.problem);
  if (!existsSync(problemPath))
    throw new ResumeError(`${runDir} is not a run folder (no ${runFiles.problem})`);
  const meta = readJson<RunMeta>(join(runDir, runFiles.meta));
  return parseProblem(readJson(problemPath), meta.baseDir);
}

/**
 * Continues an interrupted run in place. A finished run resolves at once with its result.
 */
export async function resumeRun(runDirGiven: string, options: RunCallbacks = {}): Promise<RunHandle> {
  const runDir = resolve(runDirGiven);
  const problem = loadRunProblem(runDir);
  const clock = { now: () => Date.now() };
  const config = { ...optimizerConfig(problem), now: () => clock.now() };
  const checkpointPath = join(runDir, runFiles.checkpoint);
  const journalPath = join(runDir, runFiles.journal);
  let optimizer: Optimizer;
  let journalStart = 0;
  if (existsSync(checkpointPath)) {
    const checkpoint = readJson<Checkpoint>(checkpointPath);
    optimizer = Optimizer.restore(config, decodeState<OptimizerState>(checkpoint.optimizer));
    const journalBytes = existsSync(journalPath) ? statSync(journalPath).size : 0;
    if (checkpoint.journalBytes !== undefined && checkpoint.journalBytes <= journalBytes) {
      journalStart = checkpoint.journalBytes;
    }
  } else {
    optimizer = Optimizer.create(config);
  }
  if (optimizer.stopReason && optimizer.stopReason !== 'stopped-by-user') {
    const result = readJson<RunResult>(join(runDir, runFiles.result));
    return { runDir, status: 'finished', pause() {}, resume() {}, stop() {}, done: Promise.resolve(result) };
  }
  const replay = new Map<number, string>();
  readJournal(
    journalPath,
    (record, line) => {
      if (record.index >= optimizer.evaluations) replay.set(record.index, line);
    },
    journalStart,
  );
  if (optimizer.stopReason === 'stopped-by-user') optimizer.clearStop();
  const run = await launch(runDir, problem, optimizer, replay, options);
  clock.now = run.clock;
  return run;
}
