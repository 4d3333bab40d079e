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
import { runAnalysisTask, type SurfaceTask } from './analysis-worker';
import { summarizeCells, type LandscapeEstimate } from './landscape-estimate';

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

/** The contour's surface task (the heavy part: analysis-worker runs it off the page). */
export function contourSurfaceTask(data: AnalysisData, i: number, j: number, grid = 40): SurfaceTask {
  const x = data.parameters[i];
  const y = data.parameters[j];
  const points: number[][] = [];
  const fitness: (number | null)[] = [];
  for (let r = 0; r < data.rows; r++) {
    if (!Number.isFinite(x.values[r]) || !Number.isFinite(y.values[r])) continue;
    points.push([x.values[r], y.values[r]]);
    const f = data.fitness.values[r];
    fitness.push(Number.isFinite(f) ? f : null);
  }
  return {
    kind: 'surface',
    points,
    fitness,
    xRange: fitRange(x.values, 0.04),
    yRange: fitRange(y.values, 0.04),
    grid,
  };
}

/** The view from the data and its surface (estimated by `contourSurfaceTask`'s task). */
export function assembleContour(
  data: AnalysisData,
  i: number,
  j: number,
  task: SurfaceTask,
  estimate: LandscapeEstimate,
): Contour {
  const x = data.parameters[i];
  const y = data.parameters[j];
  const ok: number[] = [];
  const failed: number[] = [];
  for (let r = 0; r < data.rows; r++) {
    if (!Number.isFinite(x.values[r]) || !Number.isFinite(y.values[r])) continue;
    (Number.isFinite(data.fitness.values[r]) ? ok : failed).push(r);
  }
  const summary = summarizeCells(
    estimate.values,
    estimate.failed,
    estimate.nx,
    estimate.ny,
    (c) => c,
    (r) => r,
  );
  return {
    x,
    y,
    xRange: task.xRange,
    yRange: task.yRange,
    estimate,
    counts: summary.counts,
    xs: Float64Array.from(ok, (r) => x.values[r]),
    ys: Float64Array.from(ok, (r) => y.values[r]),
    quality: Float64Array.from(ok, (r) => data.quality[r]),
    failedXs: Float64Array.from(failed, (r) => x.values[r]),
    failedYs: Float64Array.from(failed, (r) => y.values[r]),
  };
}

/** The whole contour on the calling thread (tests; the view uses the worker). */
export function contour(data: AnalysisData, i: number, j: number, grid = 40): Contour {
  const task = contourSurfaceTask(data, i, j, grid);
  return assembleContour(data, i, j, task, runAnalysisTask(task));
}
