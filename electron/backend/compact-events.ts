/**
 * Turns the run loop's per-generation events into what crosses to the renderer. Fast
 * objectives produce thousands of generations per second; the backend batches them every
 * ~75 ms, merges a batch into at most `maxViews` views, and sends the bulky parts (samples,
 * the distribution's shape) only for a strided subset of them, within a per-batch budget.
 * (In headless Chromium on a loaded 2-core machine, a page receiving several MB/s of JSON was
 * busy with the stream alone, whatever the charts drew.)
 */
import type { FailureInfo, GenerationView, RunProgressBatch } from '../ipc-contract';
import { jacobiEigenvalues } from '../../engine/core/jacobi-eigenvalues';
import type { GenerationEvent } from '../../engine/node/run/types';

export interface CompactionLimits {
  /**
   * Views per batch. A fast run finishes thousands of generations between two batches; the
   * charts cannot show more than a few hundred new points per redraw anyway.
   */
  maxViews: number;
  /** Views at the end of a batch that always keep their samples. */
  samplesTail: number;
  /**
   * Sample coordinates (numbers) a batch may carry in total. Within it every generation keeps
   * its samples (so the replay slider shows them); beyond it, the tail plus every k-th one.
   */
  sampleBudget: number;
  /** Dimension up to which a view's shape is its full covariance (else standard deviations). */
  covarianceDimension: number;
  /** Shapes of at most this many numbers (n² ≤ 9: n ≤ 3) go with every view. */
  alwaysShapeSize: number;
  /** Dimension up to which the axis ratio is computed for every generation (else last of batch). */
  eigenDimension: number;
  /** Failure records per batch (the counts in the views stay exact). */
  failures: number;
}

export const defaultLimits: CompactionLimits = {
  maxViews: 120,
  samplesTail: 8,
  sampleBudget: 2_000,
  alwaysShapeSize: 9,
  covarianceDimension: 12,
  eigenDimension: 24,
  failures: 100,
};

type GenerationDistribution = NonNullable<GenerationView['distribution']>;

/**
 * Transport precision for plotted numbers: 7 significant digits halve the JSON (a chart and
 * a canvas cannot show more). Best parameters and fitness are never rounded.
 */
export function round(value: number): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(7)) : value;
}

function roundAll(values: readonly number[]): number[] {
  return values.map(round);
}

/** √(λ_max / λ_min) of the distribution's covariance; max/min of the stdDevs without one. */
export function axisRatio(
  distribution: GenerationEvent['distribution'],
  eigenDimension = defaultLimits.eigenDimension,
): number | null {
  if (!distribution) return null;
  const n = distribution.mean.length;
  if (distribution.covariance && distribution.covariance.length === n * n && n <= eigenDimension) {
    const values = jacobiEigenvalues(distribution.covariance, n);
    const max = Math.max(...values);
    const min = Math.min(...values);
    return min > 0 ? Math.sqrt(max / min) : null;
  }
  const stds =
    distribution.stdDevs ??
    (distribution.covariance
      ? Array.from({ length: n }, (_, i) => Math.sqrt(Math.max(0, distribution.covariance![i * n + i])))
      : null);
  if (!stds || stds.length === 0) return 1;
  const max = Math.max(...stds);
  const min = Math.min(...stds);
  return min > 0 ? max / min : null;
}

/**
 * One batch of a run's events, compacted. Consecutive generations are merged into at most
 * `maxViews` views: each view is its bucket's last generation, except that `min` is the
 * bucket's best generation value (so a spike is not lost) and a stop or restart anywhere in
 * the bucket is kept. `best` is sent only when it changed (null = unchanged).
 */
export function compactBatch(
  runDir: string,
  events: readonly GenerationEvent[],
  limits: CompactionLimits = defaultLimits,
  maximize = false,
): RunProgressBatch {
  const failures: FailureInfo[] = [];
  for (const event of events) {
    for (const failure of event.failures) if (failures.length < limits.failures) failures.push(failure);
  }
  const count = Math.min(events.length, Math.max(1, limits.maxViews));
  const groups: GenerationEvent[][] = [];
  for (let b = 0; b < count; b++) {
    const from = Math.floor((b * events.length) / count);
    const to = Math.floor(((b + 1) * events.length) / count);
    if (to > from) groups.push(events.slice(from, to));
  }
  const representatives = groups.map((group) => group[group.length - 1]);
  const cost = representatives.reduce(
    (sum, e) => sum + e.samples.length * ((e.samples[0]?.length ?? 0) + 1),
    0,
  );
  const stride = Math.max(1, Math.ceil(cost / limits.sampleBudget));
  const better = (a: number, b: number) => (maximize ? a > b : a < b);
  let previousBest: number | null = null;

  const generations = groups.map((group, k): GenerationView => {
    const event = representatives[k];
    const keepSamples = k >= groups.length - limits.samplesTail || k % stride === 0;
    const isLast = k === groups.length - 1;
    let min: number | null = null;
    for (const e of group) if (e.min !== null && (min === null || better(e.min, min))) min = e.min;
    const marked = [...group].reverse();
    const stopReason = marked.find((e) => e.stopReason)?.stopReason;
    const restartedBecause = marked.find((e) => e.restartedBecause)?.restartedBecause;
    const bestChanged = event.best !== null && (k === 0 || event.best.index !== previousBest);
    if (event.best) previousBest = event.best.index;

    const distribution = event.distribution;
    const n = distribution?.mean.length ?? 0;
    // The shape (covariance or standard deviations) travels with the views that can be
    // replayed (those with samples) and the last one; cheap shapes (n ≤ 3) with every view.
    const keepShape = keepSamples || isLast || n * n <= limits.alwaysShapeSize;
    const useCovariance = Boolean(distribution?.covariance) && (isLast || n <= limits.covarianceDimension);
    const metricRatio = event.metrics.axisRatio;
    const ratio =
      n > limits.eigenDimension && !isLast && Number.isFinite(metricRatio)
        ? metricRatio
        : axisRatio(distribution, isLast ? Math.max(limits.eigenDimension, 64) : limits.eigenDimension);
    let shape: Pick<GenerationDistribution, 'covariance' | 'stdDevs'> = {};
    if (distribution && keepShape) {
      if (useCovariance) shape = { covariance: roundAll(distribution.covariance!) };
      else if (distribution.stdDevs) shape = { stdDevs: roundAll(distribution.stdDevs) };
      else if (distribution.covariance) {
        shape = {
          stdDevs: Array.from({ length: n }, (_, i) => round(Math.sqrt(distribution.covariance![i * n + i]))),
        };
      }
    }
    return {
      generation: event.generation,
      evaluations: event.evaluations,
      failedEvaluations: event.failedEvaluations,
      elapsedMs: Math.round(event.elapsedMs),
      min,
      median: event.median,
      // Exact: these are the numbers a user copies.
      best: bestChanged ? event.best : null,
      metrics: Object.fromEntries(Object.entries(event.metrics).map(([key, value]) => [key, round(value)])),
      ...(keepSamples
        ? {
            samples: event.samples.map(roundAll),
            sampleFitness: event.sampleFitness.map((v) => (v === null ? null : round(v))),
          }
        : {}),
      distribution: distribution
        ? { mean: roundAll(distribution.mean), stepSize: round(distribution.stepSize), ...shape }
        : null,
      axisRatio: ratio === null ? null : round(ratio),
      restart: event.restart,
      ...(restartedBecause ? { restartedBecause } : {}),
      ...(stopReason ? { stopReason } : {}),
    };
  });
  return { runDir, generations, failures };
}

/**
 * Collects events per run and hands them on as compacted batches at most every
 * `intervalMs`; `flush` sends what is pending at once (before a status change, so the
 * last generations arrive before "finished").
 */
export class EventBatcher {
  private readonly pending = new Map<string, GenerationEvent[]>();
  private readonly maximize = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (batch: RunProgressBatch) => void,
    private readonly intervalMs = 75,
    private readonly limits: CompactionLimits = defaultLimits,
  ) {}

  /** Runs that maximise: their generation best is the largest value. */
  setDirection(runDir: string, direction: 'minimize' | 'maximize'): void {
    if (direction === 'maximize') this.maximize.add(runDir);
    else this.maximize.delete(runDir);
  }

  add(event: GenerationEvent): void {
    const list = this.pending.get(event.runDir);
    if (list) list.push(event);
    else this.pending.set(event.runDir, [event]);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [runDir, events] of this.pending) {
      if (events.length > 0) this.send(compactBatch(runDir, events, this.limits, this.maximize.has(runDir)));
    }
    this.pending.clear();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
