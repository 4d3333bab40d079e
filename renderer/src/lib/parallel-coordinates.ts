/**
 * Parallel coordinates (Inselberg 1985; as in Optuna Dashboard): one vertical axis for the
 * fitness and one per varying parameter, one polyline per evaluation. Brushing (a range
 * dragged on an axis) selects the evaluations inside it; brushes on several axes AND
 * together. Failed evaluations have no place on the fitness axis: they end in a "failed"
 * band below it, and a fitness brush never selects them.
 */
import type { AnalysisData, PlotColumn } from './analysis-sample';

export interface ParallelAxis {
  column: PlotColumn;
  kind: 'fitness' | 'parameter';
}

/** A selected range on axis `axis`, in that axis's plot coordinates (from ≤ to). */
export interface Brush {
  axis: number;
  from: number;
  to: number;
}

export function parallelAxes(data: AnalysisData): ParallelAxis[] {
  return [
    { column: data.fitness, kind: 'fitness' },
    ...data.parameters.map((column) => ({ column, kind: 'parameter' as const })),
  ];
}

/** 0 (bottom) … 1 (top) on an axis; NaN stays NaN. A constant axis puts every value in the middle. */
export function axisPosition(column: PlotColumn, value: number): number {
  const { min, max } = column.range;
  if (!Number.isFinite(value)) return Number.NaN;
  return max > min ? (value - min) / (max - min) : 0.5;
}

/** Plot coordinate of a position on the axis (inverse of axisPosition). */
export function axisValue(column: PlotColumn, position: number): number {
  const { min, max } = column.range;
  return min + position * (max - min);
}

export interface Selection {
  /** 1 for each evaluation inside every brush. */
  mask: Uint8Array;
  count: number;
}

/** The evaluations inside every brush (all of them without brushes). */
export function brushSelection(
  axes: readonly ParallelAxis[],
  rows: number,
  brushes: readonly Brush[],
): Selection {
  const mask = new Uint8Array(rows).fill(1);
  for (const brush of brushes) {
    const values = axes[brush.axis]?.column.values;
    if (!values) continue;
    for (let r = 0; r < rows; r++) {
      const v = values[r];
      // NaN (a failed fitness) is inside no range.
      if (!(v >= brush.from && v <= brush.to)) mask[r] = 0;
    }
  }
  let count = 0;
  for (let r = 0; r < rows; r++) count += mask[r];
  return { mask, count };
}

/**
 * The order lines are drawn in: failed first, then worst to best, so the best lie on top;
 * selected lines after all unselected ones.
 */
export function drawOrder(quality: Float64Array, mask: Uint8Array): number[] {
  const key = (r: number) => (Number.isFinite(quality[r]) ? 1 - quality[r] : -1) + (mask[r] ? 10 : 0);
  return Array.from({ length: quality.length }, (_, r) => r).sort((a, b) => key(a) - key(b));
}

/** A brush in user units for display and tests: "name ∈ [a, b]". */
export function brushRange(axis: ParallelAxis, brush: Brush): { name: string; from: number; to: number } {
  return { name: axis.column.name, from: axis.column.toUser(brush.from), to: axis.column.toUser(brush.to) };
}
