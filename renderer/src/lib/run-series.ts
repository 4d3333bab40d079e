/**
 * Everything the live views draw, accumulated from batched progress events in columnar
 * arrays (one entry per generation). Charts read these arrays directly and decimate; the
 * per-generation samples are kept only for the most recent generations (plus a bounded pool
 * of evaluated points for landscapes estimated from samples), so memory stays bounded on
 * long runs.
 */
import type {
  DistributionView,
  FailureInfo,
  GenerationView,
  RunCurve,
  RunProgressBatch,
} from '../../../electron/ipc-contract';

export interface SeriesLimits {
  /** Generations whose samples are kept for replay. */
  sampleGenerations: number;
  /** Evaluated points kept for sample-based landscapes. */
  landscapePoints: number;
  /** Failure records kept (the count is always exact). */
  failures: number;
}

const DEFAULT_LIMITS: SeriesLimits = { sampleGenerations: 2000, landscapePoints: 20_000, failures: 500 };

export class RunSeries {
  readonly generation: number[] = [];
  readonly evaluations: number[] = [];
  readonly bestSoFar: (number | null)[] = [];
  readonly generationMin: (number | null)[] = [];
  readonly generationMedian: (number | null)[] = [];
  readonly stepSize: (number | null)[] = [];
  readonly axisRatio: (number | null)[] = [];
  readonly distributions: (DistributionView | null)[] = [];
  /** Samples by generation index into the arrays above (recent generations only). */
  readonly samples = new Map<number, { points: number[][]; fitness: (number | null)[] }>();
  readonly landscapePoints: number[][] = [];
  readonly landscapeFitness: (number | null)[] = [];
  readonly failures: FailureInfo[] = [];
  private readonly failureIndices = new Set<number>();
  failedEvaluations = 0;
  elapsedMs = 0;
  last: GenerationView | null = null;
  /** Best so far; views carry `best` only when it changed. */
  best: GenerationView['best'] = null;
  /** Incremented on every change, for cheap "has anything changed" checks. */
  version = 0;

  constructor(private readonly limits: SeriesLimits = DEFAULT_LIMITS) {}

  get length(): number {
    return this.generation.length;
  }

  /** Evaluation count of the last generation kept. */
  get lastEvaluations(): number {
    return this.evaluations.length ? this.evaluations[this.evaluations.length - 1] : 0;
  }

  /**
   * Appends a batch. Views at or below the last evaluation count are ones this series holds
   * already (a page that attached to a live run gets the snapshot and the events in flight;
   * a resumed run replays from its checkpoint) and are skipped, so counters never run
   * backwards; a best they carry is still taken.
   */
  push(batch: Pick<RunProgressBatch, 'generations' | 'failures'>): void {
    for (const view of batch.generations) {
      if (view.evaluations > this.lastEvaluations) this.pushGeneration(view);
      else if (view.best && (!this.best || view.best.index > this.best.index)) this.best = view.best;
    }
    // Trimmed once per batch, and only when well over the limit: a splice from the front per
    // generation would cost O(limit) each time.
    const excess = this.landscapePoints.length - this.limits.landscapePoints;
    if (excess > 0 && this.landscapePoints.length > 1.25 * this.limits.landscapePoints) {
      this.landscapePoints.splice(0, excess);
      this.landscapeFitness.splice(0, excess);
    }
    for (const failure of batch.failures) {
      if (this.failures.length < this.limits.failures && !this.failureIndices.has(failure.index)) {
        this.failureIndices.add(failure.index);
        this.failures.push(failure);
      }
    }
    this.version++;
  }

  private pushGeneration(view: GenerationView): void {
    const index = this.generation.length;
    if (view.best) this.best = view.best;
    this.generation.push(view.generation);
    this.evaluations.push(view.evaluations);
    this.bestSoFar.push(this.best ? this.best.fitness : null);
    this.generationMin.push(view.min);
    this.generationMedian.push(view.median);
    this.stepSize.push(view.distribution ? view.distribution.stepSize : null);
    this.axisRatio.push(view.axisRatio);
    this.distributions.push(view.distribution);
    this.failedEvaluations = view.failedEvaluations;
    // A resume restarts the clock at its checkpoint's time; the shown time never goes back.
    this.elapsedMs = Math.max(this.elapsedMs, view.elapsedMs);
    this.last = view;
    if (view.samples && view.sampleFitness) {
      this.samples.set(index, { points: view.samples, fitness: view.sampleFitness });
      const oldest = index - this.limits.sampleGenerations;
      if (oldest >= 0) this.samples.delete(oldest);
      for (let k = 0; k < view.samples.length; k++) {
        this.landscapePoints.push(view.samples[k]);
        this.landscapeFitness.push(view.sampleFitness[k]);
      }
    }
  }

  /**
   * The nearest view ≤ `index` whose distribution has its shape (covariance or standard
   * deviations): fast runs send the shape only with some views (see compactBatch).
   */
  shapeIndexAt(index: number): number | null {
    for (let k = Math.min(index, this.length - 1); k >= 0 && k > index - 500; k--) {
      const d = this.distributions[k];
      if (d && (d.covariance || d.stdDevs)) return k;
    }
    return null;
  }

  /** The nearest generation index ≤ `index` that still has samples, or null. */
  samplesAt(index: number): { index: number; points: number[][]; fitness: (number | null)[] } | null {
    for (let k = Math.min(index, this.length - 1); k >= 0 && k > index - 64; k--) {
      const entry = this.samples.get(k);
      if (entry) return { index: k, ...entry };
    }
    return null;
  }

  /**
   * Mean positions up to generation `upTo`, for the mean path: every generation when there
   * are at most `maxPoints`, else evenly strided with the last one always included (a path
   * of 1e5 segments would be redrawn on every batch otherwise).
   */
  meanPath(upTo = this.length - 1, maxPoints = Infinity): number[][] {
    const out: number[][] = [];
    const count = Math.min(upTo + 1, this.distributions.length);
    const stride = Math.max(1, Math.ceil(count / maxPoints));
    for (let k = 0; k < count; k += stride) {
      const d = this.distributions[k];
      if (d) out.push(d.mean);
    }
    const last = this.distributions[count - 1];
    if (stride > 1 && last && (count - 1) % stride !== 0) out.push(last.mean);
    return out;
  }

  /** The series of a finished run read from its folder (runs:read). */
  static fromCurve(curve: RunCurve): RunSeries {
    const series = new RunSeries();
    curve.evaluations.forEach((evaluations, k) => {
      series.generation.push(k);
      series.evaluations.push(evaluations);
      series.bestSoFar.push(curve.bestSoFar[k]);
      series.generationMin.push(curve.generationMin[k]);
      series.generationMedian.push(curve.generationMedian[k]);
      series.stepSize.push(null);
      series.axisRatio.push(null);
      series.distributions.push(null);
    });
    series.version++;
    return series;
  }
}
