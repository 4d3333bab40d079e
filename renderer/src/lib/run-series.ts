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
  failedEvaluations = 0;
  elapsedMs = 0;
  last: GenerationView | null = null;
  /** Incremented on every change, for cheap "has anything changed" checks. */
  version = 0;

  constructor(private readonly limits: SeriesLimits = DEFAULT_LIMITS) {}

  get length(): number {
    return this.generation.length;
  }

  push(batch: Pick<RunProgressBatch, 'generations' | 'failures'>): void {
    for (const view of batch.generations) this.pushGeneration(view);
    for (const failure of batch.failures) {
      if (this.failures.length < this.limits.failures) this.failures.push(failure);
    }
    this.version++;
  }

  private pushGeneration(view: GenerationView): void {
    const index = this.generation.length;
    const previousBest = index > 0 ? this.bestSoFar[index - 1] : null;
    this.generation.push(view.generation);
    this.evaluations.push(view.evaluations);
    this.bestSoFar.push(view.best ? view.best.fitness : previousBest);
    this.generationMin.push(view.min);
    this.generationMedian.push(view.median);
    this.stepSize.push(view.distribution ? view.distribution.stepSize : null);
    this.axisRatio.push(view.axisRatio);
    this.distributions.push(view.distribution);
    this.failedEvaluations = view.failedEvaluations;
    this.elapsedMs = view.elapsedMs;
    this.last = view;
    if (view.samples && view.sampleFitness) {
      this.samples.set(index, { points: view.samples, fitness: view.sampleFitness });
      const oldest = index - this.limits.sampleGenerations;
      if (oldest >= 0) this.samples.delete(oldest);
      for (let k = 0; k < view.samples.length; k++) {
        this.landscapePoints.push(view.samples[k]);
        this.landscapeFitness.push(view.sampleFitness[k]);
      }
      const excess = this.landscapePoints.length - this.limits.landscapePoints;
      if (excess > 0) {
        this.landscapePoints.splice(0, excess);
        this.landscapeFitness.splice(0, excess);
      }
    }
  }

  /** The nearest generation index ≤ `index` that still has samples, or null. */
  samplesAt(index: number): { index: number; points: number[][]; fitness: (number | null)[] } | null {
    for (let k = Math.min(index, this.length - 1); k >= 0 && k > index - 64; k--) {
      const entry = this.samples.get(k);
      if (entry) return { index: k, ...entry };
    }
    return null;
  }

  /** Mean positions of every generation up to `index`, for the mean path. */
  meanPath(upTo = this.length - 1): (number[] | null)[] {
    return this.distributions.slice(0, upTo + 1).map((d) => (d ? d.mean : null));
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
