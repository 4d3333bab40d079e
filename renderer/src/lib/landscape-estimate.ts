/**
 * Landscapes estimated from evaluations, for objectives the renderer cannot tabulate (an
 * executable): they must show only what the evaluations say.
 *
 * Each cell's value is a kernel-weighted local quadratic fit (local polynomial regression,
 * Cleveland & Devlin 1988; Fan & Gijbels, "Local Polynomial Modelling", 1996, ch. 3) of the
 * successful evaluations around its centre. The Gaussian kernel's bandwidth adapts to the
 * data, like LOESS's span: the distance holding the `neighbours` nearest evaluations, within
 * [one cell, `bandwidth` of the range]. Where an evolution strategy has converged the
 * evaluations are dense and the fit is local; where only the first generations passed it
 * is wide and marked uncertain. A quadratic follows a bowl without the bias a local
 * average or line has at its bottom; the fitted value is clamped to the range of the
 * values it rests on, so nothing better (or worse) than what was seen is ever drawn.
 *
 * Next to the value each cell carries its evidence: a confidence from the kernel mass of
 * the successes and the bandwidth it needed (the views grey out weak cells), and the
 * kernel mass of failed evaluations. Cells with no evaluation within reach stay blank;
 * cells where failures outweigh successes are marked failed (hatched), never given a value.
 *
 * Cost: evaluations are grouped by cell once; each cell then visits the evaluations within
 * three bandwidths, so a dense cloud is visited with a small kernel, not with a wide one.
 */
import type { Range } from './landscape';

export interface EstimateOptions {
  /** Grid cells per axis. */
  nx: number;
  ny: number;
  /** Widest kernel bandwidth, as a fraction of each range's width. */
  bandwidth?: number;
  /** Evaluations the adaptive bandwidth tries to hold. */
  neighbours?: number;
  /** Most weight the evaluations inside one cell carry together (in evaluations). */
  perCell?: number;
  /** Least kernel mass (effective evaluations) for a cell to get a value. */
  minWeight?: number;
  /** Kernel mass at which the confidence saturates. */
  fullWeight?: number;
}

export interface LandscapeEstimate {
  nx: number;
  ny: number;
  /** Estimated f per cell, row-major, row 0 at the lowest y; NaN where nothing is known. */
  values: Float64Array;
  /** 0…1 per cell: how much data the value rests on, and how locally. */
  confidence: Float64Array;
  /** 1 where failed evaluations outweigh successful ones. */
  failed: Uint8Array;
}

export type CellState = 'blank' | 'failed' | 'value';

export function cellState(estimate: LandscapeEstimate, cell: number): CellState {
  if (estimate.failed[cell]) return 'failed';
  return Number.isFinite(estimate.values[cell]) ? 'value' : 'blank';
}

/** Evaluations grouped by grid cell (compressed rows): positions in cell units, values. */
interface Grouped {
  start: Uint32Array; // cell c holds entries start[c] … start[c + 1] − 1
  u: Float64Array;
  v: Float64Array;
  f: Float64Array; // NaN: failed
  /** Successful evaluations per cell. */
  successes: Uint32Array;
  /** Summed-area table of counts, (nx + 1) × (ny + 1). */
  area: Uint32Array;
}

function group(
  points: readonly (readonly number[])[],
  fitness: readonly (number | null)[],
  i: number,
  j: number,
  xRange: Range,
  yRange: Range,
  nx: number,
  ny: number,
): Grouped {
  const cells: number[] = [];
  const us: number[] = [];
  const vs: number[] = [];
  const fs: number[] = [];
  const count = new Uint32Array(nx * ny);
  const successes = new Uint32Array(nx * ny);
  points.forEach((x, k) => {
    // Cell units: cell c spans [c, c + 1), its centre at c + 0.5.
    const u = ((x[i] - xRange.min) / (xRange.max - xRange.min)) * nx;
    const v = ((x[j] - yRange.min) / (yRange.max - yRange.min)) * ny;
    if (!(u >= 0 && u < nx && v >= 0 && v < ny)) return;
    const cell = Math.floor(v) * nx + Math.floor(u);
    const value = fitness[k];
    cells.push(cell);
    us.push(u);
    vs.push(v);
    fs.push(value === null || value === undefined || !Number.isFinite(value) ? Number.NaN : value);
    count[cell]++;
    if (!Number.isNaN(fs[fs.length - 1])) successes[cell]++;
  });
  const start = new Uint32Array(nx * ny + 1);
  for (let c = 0; c < nx * ny; c++) start[c + 1] = start[c] + count[c];
  const fill = start.slice(0, nx * ny);
  const u = new Float64Array(cells.length);
  const v = new Float64Array(cells.length);
  const f = new Float64Array(cells.length);
  cells.forEach((cell, k) => {
    const at = fill[cell]++;
    u[at] = us[k];
    v[at] = vs[k];
    f[at] = fs[k];
  });
  const area = new Uint32Array((nx + 1) * (ny + 1));
  for (let row = 0; row < ny; row++) {
    for (let col = 0; col < nx; col++) {
      area[(row + 1) * (nx + 1) + col + 1] =
        count[row * nx + col] +
        area[row * (nx + 1) + col + 1] +
        area[(row + 1) * (nx + 1) + col] -
        area[row * (nx + 1) + col];
    }
  }
  return { start, u, v, f, successes, area };
}

/** Evaluations in the cells [c0, c1] × [r0, r1] (clipped to the grid). */
function countIn(g: Grouped, nx: number, ny: number, c0: number, c1: number, r0: number, r1: number): number {
  const a = Math.max(0, c0);
  const b = Math.min(nx - 1, c1) + 1;
  const lo = Math.max(0, r0);
  const hi = Math.min(ny - 1, r1) + 1;
  const w = nx + 1;
  return g.area[hi * w + b] - g.area[lo * w + b] - g.area[hi * w + a] + g.area[lo * w + a];
}

/**
 * Estimates f over an nx × ny grid of coordinates (i, j) from evaluated points. `fitness`
 * null or non-finite marks a failed evaluation. Points outside the ranges are ignored.
 */
export function estimateLandscape(
  points: readonly (readonly number[])[],
  fitness: readonly (number | null)[],
  i: number,
  j: number,
  xRange: Range,
  yRange: Range,
  options: EstimateOptions,
): LandscapeEstimate {
  const { nx, ny } = options;
  const neighbours = options.neighbours ?? 12;
  const perCell = options.perCell ?? 4;
  const minWeight = options.minWeight ?? 0.5;
  const fullWeight = options.fullWeight ?? 6;
  // Bandwidths in cell units; one row of cells (a 1-D estimate) widens only along x.
  const hMax = Math.max(1, (options.bandwidth ?? 0.06) * Math.max(nx, ny));
  const hMin = 0.75;
  const g = group(points, fitness, i, j, xRange, yRange, nx, ny);
  const values = new Float64Array(nx * ny).fill(Number.NaN);
  const confidence = new Float64Array(nx * ny);
  const failed = new Uint8Array(nx * ny);
  const normal = new Float64Array(36);
  const rhs = new Float64Array(6);
  const basis = new Float64Array(6);
  const reachMax = Math.ceil(3 * hMax);

  for (let row = 0; row < ny; row++) {
    const vc = row + 0.5;
    for (let col = 0; col < nx; col++) {
      const uc = col + 0.5;
      const cell = row * nx + col;
      // Adaptive bandwidth: the half-width of the smallest square around the cell that
      // holds `neighbours` evaluations, as a Gaussian's h (its nearest lie within ≈ 1h).
      let r = 0;
      while (r < reachMax && countIn(g, nx, ny, col - r, col + r, row - r, row + r) < neighbours) r++;
      const h = Math.min(hMax, Math.max(hMin, r + 0.5));
      const reach = Math.ceil(3 * h);
      normal.fill(0);
      rhs.fill(0);
      let s0 = 0;
      let failMass = 0;
      let low = Infinity;
      let high = -Infinity;
      for (let br = Math.max(0, row - reach); br <= Math.min(ny - 1, row + reach); br++) {
        for (let bc = Math.max(0, col - reach); bc <= Math.min(nx - 1, col + reach); bc++) {
          const b = br * nx + bc;
          // A cell's evaluations weigh together at most as much as `perCell` of them: a
          // converged cloud of hundreds at one spot says what f is there, not around it,
          // and must not drown the few evaluations that tell what lies between.
          const share = Math.min(1, perCell / Math.max(1, g.successes[b]));
          const failShare = Math.min(1, perCell / Math.max(1, g.start[b + 1] - g.start[b] - g.successes[b]));
          for (let k = g.start[b]; k < g.start[b + 1]; k++) {
            const du = (g.u[k] - uc) / h;
            const dv = (g.v[k] - vc) / h;
            const d2 = du * du + dv * dv;
            if (d2 > 9) continue;
            const kernel = Math.exp(-0.5 * d2);
            const value = g.f[k];
            if (Number.isNaN(value)) {
              failMass += kernel * failShare;
              continue;
            }
            const w = kernel * share;
            s0 += w;
            if (kernel > 0.05) {
              if (value < low) low = value;
              if (value > high) high = value;
            }
            basis[0] = 1;
            basis[1] = du;
            basis[2] = dv;
            basis[3] = du * du;
            basis[4] = du * dv;
            basis[5] = dv * dv;
            for (let p = 0; p < 6; p++) {
              const wp = w * basis[p];
              rhs[p] += wp * value;
              for (let q = p; q < 6; q++) normal[p * 6 + q] += wp * basis[q];
            }
          }
        }
      }
      if (failMass >= minWeight && failMass > s0) {
        failed[cell] = 1;
        continue;
      }
      if (s0 < minWeight || !Number.isFinite(low)) continue;
      // Where the evaluations lie to one side of the cell (their weighted centre more than
      // a bandwidth away) a quadratic extrapolates: it gives way to the local mean, and far
      // to one side the cell is left blank.
      const offset = Math.hypot(normal[1] / s0, normal[2] / s0);
      if (offset > 1.5) continue;
      const towardsMean = Math.min(1, Math.max(0, offset - 0.5));
      // Ridge: slopes barely, curvatures more, so a fit on few or collinear points falls
      // back towards a local line, then a local mean.
      for (let p = 1; p < 6; p++) normal[p * 6 + p] += (p < 3 ? 1e-3 : 3e-2) * s0;
      const intercept = solveIntercept(normal, rhs);
      const mean = rhs[0] / s0;
      const fit = Number.isFinite(intercept) ? intercept : mean;
      const value = fit + towardsMean * (mean - fit);
      values[cell] = Math.min(high, Math.max(low, value));
      // Full confidence needs enough mass within a narrow kernel.
      const locality = Math.min(1, Math.max(0, (hMax - h) / Math.max(1e-9, hMax - 2 * hMin)));
      confidence[cell] = Math.min(1, s0 / fullWeight) * (0.3 + 0.7 * locality) * (1 - 0.4 * offset);
    }
  }
  return { nx, ny, values, confidence, failed };
}

/**
 * The first unknown of the symmetric system (upper triangle given) by Cholesky, in place;
 * NaN if the matrix is not positive definite.
 */
function solveIntercept(a: Float64Array, b: Float64Array): number {
  const n = 6;
  for (let p = 0; p < n; p++) for (let q = 0; q < p; q++) a[p * n + q] = a[q * n + p];
  for (let p = 0; p < n; p++) {
    let d = a[p * n + p];
    for (let k = 0; k < p; k++) d -= a[p * n + k] * a[p * n + k];
    if (!(d > 0)) return Number.NaN;
    const l = Math.sqrt(d);
    a[p * n + p] = l;
    for (let q = p + 1; q < n; q++) {
      let s = a[q * n + p];
      for (let k = 0; k < p; k++) s -= a[q * n + k] * a[p * n + k];
      a[q * n + p] = s / l;
    }
  }
  const y = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let s = b[p];
    for (let k = 0; k < p; k++) s -= a[p * n + k] * y[k];
    y[p] = s / a[p * n + p];
  }
  const x = new Float64Array(n);
  for (let p = n - 1; p >= 0; p--) {
    let s = y[p];
    for (let k = p + 1; k < n; k++) s -= a[k * n + p] * x[k];
    x[p] = s / a[p * n + p];
  }
  return x[0];
}

export interface Estimate1d {
  /** Cell centres. */
  xs: Float64Array;
  /** Estimated f; NaN where nothing is known. */
  values: Float64Array;
  confidence: Float64Array;
  failed: Uint8Array;
}

/** The same estimate over one coordinate (a grid of `n` cells across `range`). */
export function estimateLandscape1d(
  xs: readonly number[],
  fitness: readonly (number | null)[],
  range: Range,
  options: { n: number } & Omit<EstimateOptions, 'nx' | 'ny'>,
): Estimate1d {
  // A 2-D estimate one row high: the second coordinate is a constant 0 in [−1, 1).
  const points = xs.map((x) => [x, 0]);
  const estimate = estimateLandscape(
    points,
    fitness,
    0,
    1,
    range,
    { min: -1, max: 1 },
    {
      nx: options.n,
      ny: 1,
      ...(options.bandwidth !== undefined ? { bandwidth: options.bandwidth } : {}),
      ...(options.minWeight !== undefined ? { minWeight: options.minWeight } : {}),
      ...(options.fullWeight !== undefined ? { fullWeight: options.fullWeight } : {}),
    },
  );
  const centres = new Float64Array(options.n);
  for (let k = 0; k < options.n; k++) {
    centres[k] = range.min + ((k + 0.5) / options.n) * (range.max - range.min);
  }
  return {
    xs: centres,
    values: estimate.values,
    confidence: estimate.confidence,
    failed: estimate.failed,
  };
}

export interface CellSummary {
  /**
   * What a grid shows, for tests and assistive text: `cells` has one character per cell,
   * rows top (highest y) first, separated by "/": "." blank, "#" failed, "0"–"9" the value's
   * decile among the drawn cells (0 = best). `best` is the user-scale centre of the best cell.
   */
  grid: { nx: number; ny: number; x: number[]; y: number[]; cells: string; best: [number, number] | null };
  counts: { value: number; blank: number; failed: number };
}

export function summarizeCells(
  values: Float64Array,
  failed: Uint8Array | null,
  nx: number,
  ny: number,
  columnValue: (col: number) => number,
  rowValue: (row: number) => number,
): CellSummary {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const counts = { value: 0, blank: 0, failed: 0 };
  let best = -1;
  const lines: string[] = [];
  for (let row = ny - 1; row >= 0; row--) {
    let line = '';
    for (let col = 0; col < nx; col++) {
      const cell = row * nx + col;
      const v = values[cell];
      if (failed?.[cell]) {
        line += '#';
        counts.failed++;
      } else if (!Number.isFinite(v)) {
        line += '.';
        counts.blank++;
      } else {
        let low = 0;
        let high = finite.length;
        while (low < high) {
          const mid = (low + high) >> 1;
          if (finite[mid] < v) low = mid + 1;
          else high = mid;
        }
        line += String(Math.min(9, Math.floor((10 * low) / finite.length)));
        counts.value++;
        if (best < 0 || v < values[best]) best = cell;
      }
    }
    lines.push(line);
  }
  const round = (x: number) => Number(x.toPrecision(6));
  return {
    grid: {
      nx,
      ny,
      x: Array.from({ length: nx }, (_, c) => round(columnValue(c))),
      y: Array.from({ length: ny }, (_, r) => round(rowValue(r))),
      cells: lines.join('/'),
      best: best < 0 ? null : [round(columnValue(best % nx)), round(rowValue(Math.floor(best / nx)))],
    },
    counts,
  };
}
