/**
 * The backend's registry of live runs: the one source of truth for which runs execute now,
 * their status, and what a page needs to attach to one later (after a reload, from the
 * history, from a second tab or window) with the same live charts.
 *
 * Catch-up data come from memory, not from re-reading the journal on every attach: each run
 * keeps the compacted views the backend already sent, bounded for long runs — beyond
 * `maxViews`, the older half is thinned to every other view (a bucket's best value and a
 * best-so-far change move on to the view that stays), and only the most recent views keep
 * their samples and distribution shapes. A resumed run also carries the curve of its earlier
 * sessions, read once from its journal when it is taken up.
 */
import type {
  FailureInfo,
  GenerationView,
  LiveRunInfo,
  LiveRunSnapshot,
  ProblemDraft,
  RunCurve,
  RunProgressBatch,
  RunStatus,
} from '../ipc-contract';
import type { RunHandle } from './engine';

export interface LiveRunLimits {
  /** Views kept at most, for a dimension where `numbersBudget` allows it. */
  maxViews: number;
  /** Fewest views kept however large the dimension. */
  minViews: number;
  /** Numbers (means, shapes) the kept views may carry in total: bounds memory at large n. */
  numbersBudget: number;
  /** Most recent views that keep their samples. */
  samplesTail: number;
  /** Most recent views that keep their distribution's shape (covariance or stdDevs). */
  shapeTail: number;
  /** Failure records kept (the count stays exact). */
  failures: number;
}

export const defaultLiveRunLimits: LiveRunLimits = {
  maxViews: 2000,
  minViews: 200,
  numbersBudget: 400_000,
  samplesTail: 50,
  shapeTail: 200,
  failures: 500,
};

const emptyCurve = (): RunCurve => ({
  evaluations: [],
  bestSoFar: [],
  generationMin: [],
  generationMedian: [],
});

export interface LiveRunSetup {
  runDir: string;
  name: string;
  handle: RunHandle;
  problem: ProblemDraft | null;
  direction: 'minimize' | 'maximize';
  earlier?: RunCurve;
  earlierBest?: LiveRunSnapshot['earlierBest'];
  now?: Date;
}

export class LiveRun {
  readonly runDir: string;
  readonly name: string;
  readonly handle: RunHandle;
  readonly startedAt: string;
  private readonly problem: ProblemDraft | null;
  private readonly maximize: boolean;
  private readonly earlier: RunCurve;
  private readonly earlierBest: LiveRunSnapshot['earlierBest'];
  private views: GenerationView[] = [];
  private readonly failures: FailureInfo[] = [];
  private failedEvaluations = 0;
  /** Status as the pages were last told (the handle's may run ahead of it for a moment). */
  status: RunStatus;
  /** `seq` of that status event. */
  statusSeq = 0;

  constructor(
    setup: LiveRunSetup,
    private readonly limits: LiveRunLimits = defaultLiveRunLimits,
  ) {
    this.runDir = setup.runDir;
    this.name = setup.name;
    this.handle = setup.handle;
    this.problem = setup.problem;
    this.maximize = setup.direction === 'maximize';
    this.earlier = setup.earlier ?? emptyCurve();
    this.earlierBest = setup.earlierBest ?? null;
    this.startedAt = (setup.now ?? new Date()).toISOString();
    this.status = setup.handle.status;
  }

  get evaluations(): number {
    const last = this.views[this.views.length - 1];
    return last ? last.evaluations : (this.earlier.evaluations[this.earlier.evaluations.length - 1] ?? 0);
  }

  /** Keeps a batch the backend is sending to the pages. */
  record(batch: RunProgressBatch): void {
    const n = batch.generations[batch.generations.length - 1]?.distribution?.mean.length ?? 0;
    for (const view of batch.generations) {
      this.views.push(view);
      this.failedEvaluations = view.failedEvaluations;
    }
    for (const failure of batch.failures) {
      if (this.failures.length < this.limits.failures) this.failures.push(failure);
    }
    this.trimBulk();
    const cap = Math.max(
      this.limits.minViews,
      Math.min(this.limits.maxViews, Math.floor(this.limits.numbersBudget / (n + 8))),
    );
    if (this.views.length > cap) this.thin(cap);
  }

  /** Drops samples and shapes of views that are no longer among the most recent ones. */
  private trimBulk(): void {
    const { samplesTail, shapeTail } = this.limits;
    // Only the views that just left a tail can still carry bulk: older ones were trimmed before.
    for (
      let k = Math.max(0, this.views.length - samplesTail - 200);
      k < this.views.length - samplesTail;
      k++
    ) {
      const view = this.views[k];
      if (view.samples) this.views[k] = withoutSamples(view);
    }
    for (let k = Math.max(0, this.views.length - shapeTail - 200); k < this.views.length - shapeTail; k++) {
      const d = this.views[k].distribution;
      if (d && (d.covariance || d.stdDevs)) {
        this.views[k] = { ...this.views[k], distribution: { mean: d.mean, stepSize: d.stepSize } };
      }
    }
  }

  /**
   * Halves the older views (keeps every other one) until at most `cap` remain; the recent
   * quarter is never thinned. A dropped view's best value and best-so-far change go on to
   * the next view, so the fitness curve keeps its spikes and its best-so-far steps.
   */
  private thin(cap: number): void {
    const keepRecent = Math.floor(cap / 4);
    const better = (a: number, b: number) => (this.maximize ? a > b : a < b);
    while (this.views.length > cap) {
      const old = this.views.slice(0, this.views.length - keepRecent);
      const recent = this.views.slice(this.views.length - keepRecent);
      const kept: GenerationView[] = [];
      for (let k = 0; k < old.length; k += 2) {
        const dropped = old[k];
        const next = old[k + 1];
        if (!next) {
          kept.push(dropped);
          break;
        }
        const min =
          dropped.min !== null && (next.min === null || better(dropped.min, next.min))
            ? dropped.min
            : next.min;
        kept.push({
          ...next,
          min,
          best: next.best ?? dropped.best,
          ...(next.stopReason || dropped.stopReason
            ? { stopReason: next.stopReason ?? dropped.stopReason }
            : {}),
          ...(next.restartedBecause || dropped.restartedBecause
            ? { restartedBecause: next.restartedBecause ?? dropped.restartedBecause }
            : {}),
        });
      }
      this.views = [...kept, ...recent];
    }
  }

  info(): LiveRunInfo {
    return {
      runDir: this.runDir,
      name: this.name,
      status: this.status,
      evaluations: this.evaluations,
      startedAt: this.startedAt,
    };
  }

  snapshot(): LiveRunSnapshot {
    return {
      ...this.info(),
      live: true,
      statusSeq: this.statusSeq,
      problem: this.problem,
      earlier: this.earlier,
      earlierBest: this.earlierBest,
      generations: [...this.views],
      failures: [...this.failures],
      failedEvaluations: this.failedEvaluations,
    };
  }
}

function withoutSamples(view: GenerationView): GenerationView {
  const { samples: _samples, sampleFitness: _fitness, ...rest } = view;
  return rest;
}

/** The live runs by (resolved) run folder. */
export class LiveRunRegistry {
  private readonly runs = new Map<string, LiveRun>();

  add(run: LiveRun): LiveRun {
    this.runs.set(run.runDir, run);
    return run;
  }

  get(runDir: string): LiveRun | undefined {
    return this.runs.get(runDir);
  }

  has(runDir: string): boolean {
    return this.runs.has(runDir);
  }

  delete(runDir: string): void {
    this.runs.delete(runDir);
  }

  record(batch: RunProgressBatch): void {
    this.runs.get(batch.runDir)?.record(batch);
  }

  /** Newest first. */
  list(): LiveRunInfo[] {
    return [...this.runs.values()]
      .map((run) => run.info())
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  statuses(): Map<string, RunStatus> {
    return new Map([...this.runs].map(([dir, run]) => [dir, run.handle.status]));
  }

  handles(): RunHandle[] {
    return [...this.runs.values()].map((run) => run.handle);
  }
}
