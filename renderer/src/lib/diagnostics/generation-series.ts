/**
 * The per-generation log (generations.jsonl, read through runs:generations) as columns for
 * pycma-style panels: f − f_best, σ, axis ratio, and — for the generations that carry
 * vectors — the mean, the standard deviations and the principal axes' lengths.
 */
import type { GenerationRecord } from '../../../../electron/ipc-contract';

export class GenerationSeries {
  readonly generation: number[] = [];
  readonly evaluations: number[] = [];
  readonly best: (number | null)[] = [];
  readonly min: (number | null)[] = [];
  readonly median: (number | null)[] = [];
  readonly stepSize: (number | null)[] = [];
  readonly axisRatio: (number | null)[] = [];
  /** Generations with vectors: their evaluation counts and the vectors. */
  readonly vectorEvaluations: number[] = [];
  readonly vectorGeneration: number[] = [];
  readonly means: number[][] = [];
  readonly stdDevs: number[][] = [];
  readonly axisLengths: number[][] = [];
  dimension = 0;
  version = 0;

  /**
   * Appends records in log order. After a resume the log repeats the generations since the
   * last checkpoint: a record whose generation is not after the last one replaces from there.
   */
  push(records: readonly GenerationRecord[]): void {
    for (const record of records) {
      this.truncateFrom(record.generation);
      this.generation.push(record.generation);
      this.evaluations.push(record.evaluations);
      this.best.push(record.best);
      this.min.push(record.min);
      this.median.push(record.median);
      this.stepSize.push(record.stepSize);
      this.axisRatio.push(record.axisRatio);
      if (record.mean) {
        this.dimension = record.mean.length;
        this.vectorEvaluations.push(record.evaluations);
        this.vectorGeneration.push(record.generation);
        this.means.push(record.mean);
        this.stdDevs.push(record.stdDevs ?? []);
        this.axisLengths.push(record.axisLengths ?? []);
      }
    }
    if (records.length) this.version++;
  }

  get length(): number {
    return this.generation.length;
  }

  private truncateFrom(generation: number): void {
    let keep = this.generation.length;
    while (keep > 0 && this.generation[keep - 1] >= generation) keep--;
    if (keep === this.generation.length) return;
    for (const column of [
      this.generation,
      this.evaluations,
      this.best,
      this.min,
      this.median,
      this.stepSize,
      this.axisRatio,
    ])
      column.length = keep;
    let vectors = this.vectorGeneration.length;
    while (vectors > 0 && this.vectorGeneration[vectors - 1] >= generation) vectors--;
    for (const column of [
      this.vectorEvaluations,
      this.vectorGeneration,
      this.means,
      this.stdDevs,
      this.axisLengths,
    ])
      column.length = vectors;
  }

  /**
   * f − f_best as pycma plots it: each generation's best (and median) minus the best value
   * of the whole run so far, in the direction of the problem (maximising: f_best − f).
   * Zero (the generation that found the best) cannot be drawn on a log axis and is left out.
   */
  distanceToBest(which: 'min' | 'median', maximize: boolean): (number | null)[] {
    let overall: number | null = null;
    for (const b of this.best) if (b !== null) overall = b;
    const values = which === 'min' ? this.min : this.median;
    return values.map((v) => {
      if (v === null || overall === null) return null;
      const d = maximize ? overall - v : v - overall;
      return d > 0 ? d : null;
    });
  }

  /** Coordinate `i` of a vector column over the generations that carry vectors. */
  coordinate(column: number[][], i: number): (number | null)[] {
    return column.map((row) => (i < row.length && Number.isFinite(row[i]) ? row[i] : null));
  }
}

/** Indices of `count` items spread evenly over `length` (first and last included), for heat strips wider than the canvas. */
export function evenlySpaced(length: number, count: number): number[] {
  if (length <= count) return Array.from({ length }, (_, i) => i);
  if (count <= 1) return [length - 1];
  return Array.from({ length: count }, (_, k) => Math.round((k * (length - 1)) / (count - 1)));
}

/**
 * The k coordinates that move most over the run (largest range of the values over time),
 * for top-k lines when n is too large for one line each. Ties by coordinate number.
 */
export function topKByRange(rows: readonly number[][], k: number): number[] {
  const n = rows.reduce((m, row) => Math.max(m, row.length), 0);
  const ranges = Array.from({ length: n }, (_, i) => {
    let low = Infinity;
    let high = -Infinity;
    for (const row of rows) {
      const v = row[i];
      if (!Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
    return { i, range: high >= low ? high - low : -1 };
  });
  return ranges
    .sort((a, b) => b.range - a.range || a.i - b.i)
    .slice(0, k)
    .map((r) => r.i)
    .sort((a, b) => a - b);
}

/**
 * A heat strip's cells: rows = coordinates, columns = (evenly spaced) logged generations;
 * values optionally as log10 (standard deviations and axis lengths span decades).
 */
export interface StripData {
  rows: number;
  columns: number;
  /** Row-major rows × columns; NaN where unknown. */
  values: Float64Array;
  min: number;
  max: number;
  /** Evaluation count of each column. */
  xs: number[];
}

export function stripData(
  vectors: readonly number[][],
  xs: readonly number[],
  maxColumns: number,
  log: boolean,
): StripData {
  const picked = evenlySpaced(vectors.length, maxColumns);
  const rows = vectors.reduce((m, row) => Math.max(m, row.length), 0);
  const values = new Float64Array(rows * picked.length).fill(Number.NaN);
  let min = Infinity;
  let max = -Infinity;
  picked.forEach((source, column) => {
    const vector = vectors[source];
    for (let r = 0; r < rows; r++) {
      const raw = vector[r];
      const v = log ? (raw > 0 ? Math.log10(raw) : Number.NaN) : raw;
      if (!Number.isFinite(v)) continue;
      values[r * picked.length + column] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  return { rows, columns: picked.length, values, min, max, xs: picked.map((k) => xs[k]) };
}
