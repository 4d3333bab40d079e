/**
 * The evaluations the analysis views draw (runs:evaluation-sample), in plot coordinates: a
 * log-scaled parameter as log10 of its value, the fitness as log10 when it is positive and
 * spans more than three decades (as the fitness chart does). Failed evaluations keep their
 * parameters and have no fitness (null): the views mark them, never give them a value.
 */
import type { EvaluationSample } from '../../../electron/ipc-contract';
import type { Range } from './landscape';
import { spansDecades } from './ticks';

export interface PlotColumn {
  name: string;
  log: boolean;
  /** Plot coordinates (log10 when `log`), one per evaluation. */
  values: Float64Array;
  /** Range of the finite values (min = max for a constant column). */
  range: Range;
  /** Plot coordinate → the value shown on the axis. */
  toUser(x: number): number;
}

export interface AnalysisData {
  /** Evaluations in the run (the sample may hold fewer). */
  total: number;
  rows: number;
  index: number[];
  generation: number[];
  direction: 'minimize' | 'maximize';
  /** Only the parameters that vary (fixed ones carry no information for these views). */
  parameters: PlotColumn[];
  /** The fitness in plot coordinates, NaN for a failed evaluation. */
  fitness: PlotColumn;
  failed: number;
  /**
   * 0 (best) … 1 (worst) by rank among the successful evaluations, NaN for a failed one:
   * the views' common colour scale.
   */
  quality: Float64Array;
}

function rangeOf(values: ArrayLike<number>): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 1 };
}

function column(name: string, raw: ArrayLike<number | null>, log: boolean): PlotColumn {
  const values = Float64Array.from({ length: raw.length }, (_, k) => {
    const v = raw[k];
    if (v === null || !Number.isFinite(v)) return Number.NaN;
    return log ? (v > 0 ? Math.log10(v) : Number.NaN) : v;
  });
  return { name, log, values, range: rangeOf(values), toUser: log ? (x) => 10 ** x : (x) => x };
}

export function analysisData(sample: EvaluationSample): AnalysisData {
  const rows = sample.index.length;
  const parameters = sample.parameters
    .map((p, k) => column(p.name, sample.params[k] ?? [], p.scale === 'log'))
    .filter((c) => c.range.max > c.range.min);
  const fitness = column('fitness', sample.fitness, spansDecades([sample.fitness]));
  const order = Array.from({ length: rows }, (_, k) => k)
    .filter((k) => Number.isFinite(fitness.values[k]))
    .sort((a, b) => fitness.values[a] - fitness.values[b]);
  const quality = new Float64Array(rows).fill(Number.NaN);
  const last = Math.max(1, order.length - 1);
  const maximize = sample.direction === 'maximize';
  order.forEach((row, rank) => (quality[row] = maximize ? 1 - rank / last : rank / last));
  return {
    total: sample.total,
    rows,
    index: sample.index,
    generation: sample.generation,
    direction: sample.direction,
    parameters,
    fitness,
    failed: rows - order.length,
    quality,
  };
}

/** viridis-like colour of a quality (0 best, dark) as a CSS colour; grey for NaN. */
export function qualityColor(quality: number, rgb: (t: number) => [number, number, number]): string {
  if (!Number.isFinite(quality)) return 'rgb(150,150,150)';
  const [r, g, b] = rgb(quality);
  return `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
}
