/**
 * Slice plots (Optuna Dashboard's plot_slice): the fitness of every evaluation against each
 * parameter, one small scatter per parameter, coloured by the evaluation's position in the
 * run (early light, late dark). Failed evaluations have no fitness: they are drawn as
 * crosses in a band below the plot area, at their parameter value, never among the values.
 */
import type { AnalysisData, PlotColumn } from './analysis-sample';

export interface Slice {
  parameter: PlotColumn;
  /** Successful evaluations: x (parameter, plot coordinates), y (fitness, plot coordinates), age 0 (first) … 1 (last). */
  xs: Float64Array;
  ys: Float64Array;
  age: Float64Array;
  /** Parameter values (plot coordinates) of the failed evaluations. */
  failedXs: Float64Array;
}

export function slices(data: AnalysisData): Slice[] {
  const ok: number[] = [];
  const failed: number[] = [];
  for (let r = 0; r < data.rows; r++) (Number.isFinite(data.fitness.values[r]) ? ok : failed).push(r);
  const first = data.index[0] ?? 0;
  const span = Math.max(1, (data.index[data.rows - 1] ?? 0) - first);
  const age = Float64Array.from(ok, (r) => (data.index[r] - first) / span);
  const ys = Float64Array.from(ok, (r) => data.fitness.values[r]);
  return data.parameters.map((parameter) => ({
    parameter,
    xs: Float64Array.from(ok, (r) => parameter.values[r]),
    ys,
    age,
    failedXs: Float64Array.from(failed, (r) => parameter.values[r]),
  }));
}
