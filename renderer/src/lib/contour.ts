/**
 * Contour of two parameters from the evaluations that exist (Optuna Dashboard's
 * plot_contour, but honest about its support): the evaluated points coloured by fitness,
 * over a surface estimated only where evaluations are dense enough (landscape-estimate's
 * local quadratic fit, which leaves cells without data blank and hatches cells where
 * failures dominate). Every other parameter is ignored, i.e. the surface is the fitness
 * seen near each (x, y) whatever the rest was: say so on the view.
 */
import { fitRange } from './axes';
import type { AnalysisData, PlotColumn } from './analysis-sample';
import type { Range } from './landscape';
import { estimateLandscape, summarizeCells, type LandscapeEstimate } from './landscape-estimate';

export interface Contour {
  x: PlotColumn;
  y: PlotColumn;
  xRange: Range;
  yRange: Range;
  estimate: LandscapeEstimate;
  /** Cells with a value, blank (unknown) and failed. */
  counts: { value: number; blank: number; failed: number };
  /** Successful evaluations (plot coordinates) and their quality (0 best … 1 worst). */
  xs: Float64Array;
  ys: Float64Array;
  quality: Float64Array;
  failedXs: Float64Array;
  failedYs: Float64Array;
}

/**
 * The pair shown until the user picks: the two most important parameters when shares are
 * known, else the first two. Indices into `data.parameters`; null below two parameters.
 */
export function defaultContourPair(
  parameterCount: number,
  shares?: readonly number[],
): [number, number] | null {
  if (parameterCount < 2) return null;
  if (!shares || shares.length !== parameterCount || !shares.some((s) => s > 0)) return [0, 1];
  const order = shares.map((s, k) => ({ s, k })).sort((a, b) => b.s - a.s || a.k - b.k);
  return [order[0].k, order[1].k];
}

export function contour(data: AnalysisData, i: number, j: number, grid = 40): Contour {
  const x = data.parameters[i];
  const y = data.parameters[j];
  const xRange = fitRange(x.values, 0.04);
  const yRange = fitRange(y.values, 0.04);
  const points: number[][] = [];
  const fitness: (number | null)[] = [];
  const ok: number[] = [];
  const failed: number[] = [];
  for (let r = 0; r < data.rows; r++) {
    if (!Number.isFinite(x.values[r]) || !Number.isFinite(y.values[r])) continue;
    points.push([x.values[r], y.values[r]]);
    const f = data.fitness.values[r];
    fitness.push(Number.isFinite(f) ? f : null);
    (Number.isFinite(f) ? ok : failed).push(r);
  }
  const estimate = estimateLandscape(points, fitness, 0, 1, xRange, yRange, { nx: grid, ny: grid });
  const summary = summarizeCells(
    estimate.values,
    estimate.failed,
    grid,
    grid,
    (c) => c,
    (r) => r,
  );
  return {
    x,
    y,
    xRange,
    yRange,
    estimate,
    counts: summary.counts,
    xs: Float64Array.from(ok, (r) => x.values[r]),
    ys: Float64Array.from(ok, (r) => y.values[r]),
    quality: Float64Array.from(ok, (r) => data.quality[r]),
    failedXs: Float64Array.from(failed, (r) => x.values[r]),
    failedYs: Float64Array.from(failed, (r) => y.values[r]),
  };
}
