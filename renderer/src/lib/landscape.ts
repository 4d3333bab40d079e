/**
 * The objective landscape behind the sampling-ellipse view, in the strategy's internal
 * coordinates (where the ellipses live). For built-in objectives the renderer tabulates the
 * function itself (engine/objectives/builtin.ts is pure TypeScript and cheap); for anything
 * else the map is estimated from the evaluations seen so far (mean per grid cell, empty
 * cells filled from the nearest filled one), which is what a 2-D executable problem has.
 */
import { SearchSpace, type ParameterSpec } from '../../../engine/core/search-space';
import { builtinFunctions } from '../../../engine/objectives/index';
import type { ParameterRow } from '../../../electron/ipc-contract';

export interface Landscape {
  space: SearchSpace;
  /** Objective at an internal point (user scale, noise-free). */
  evaluate(x: ArrayLike<number>): number;
}

export interface Range {
  min: number;
  max: number;
}

/** A tabulated landscape when the objective is a built-in, else null. */
export function builtinLandscape(
  objective: Record<string, unknown>,
  parameters: readonly ParameterRow[],
): Landscape | null {
  const id = objective.builtin;
  if (typeof id !== 'string' || !builtinFunctions[id] || parameters.length === 0) return null;
  const fn = builtinFunctions[id];
  if (fn.fixedDimension !== undefined && fn.fixedDimension !== parameters.length) return null;
  let space: SearchSpace;
  try {
    space = new SearchSpace(parameters as ParameterSpec[]);
  } catch {
    return null;
  }
  const f = fn.create(parameters.length);
  const names = parameters.map((p) => p.name);
  const vector = new Float64Array(names.length);
  return {
    space,
    evaluate(x) {
      const params = space.toParams(x);
      for (let k = 0; k < names.length; k++) vector[k] = params[names[k]];
      return f(vector);
    },
  };
}

/** The user-scale value of coordinate `index` at internal value `x` (others at `base`). */
export function userValue(space: SearchSpace, index: number, x: number, base: ArrayLike<number>): number {
  const point = Float64Array.from(base);
  point[index] = x;
  return space.toParams(point)[space.freeNames[index]];
}

/**
 * f over an nx × ny grid of coordinates (i, j), the others held at `base`; row-major with
 * row 0 at y = yRange.min. Cell centres are sampled.
 */
export function tabulate(
  landscape: Landscape,
  base: ArrayLike<number>,
  i: number,
  j: number,
  xRange: Range,
  yRange: Range,
  nx: number,
  ny: number,
): Float64Array {
  const out = new Float64Array(nx * ny);
  const point = Float64Array.from(base);
  for (let row = 0; row < ny; row++) {
    point[j] = yRange.min + ((row + 0.5) / ny) * (yRange.max - yRange.min);
    for (let col = 0; col < nx; col++) {
      point[i] = xRange.min + ((col + 0.5) / nx) * (xRange.max - xRange.min);
      out[row * nx + col] = landscape.evaluate(point);
    }
  }
  return out;
}

/**
 * Landscape estimated from evaluated samples: the mean fitness of the samples in each cell;
 * cells without samples take the value of the nearest cell that has some (breadth-first),
 * NaN if there are no samples at all.
 */
export function binSamples(
  samples: readonly (readonly number[])[],
  fitness: readonly (number | null)[],
  i: number,
  j: number,
  xRange: Range,
  yRange: Range,
  nx: number,
  ny: number,
): Float64Array {
  const sum = new Float64Array(nx * ny);
  const count = new Uint32Array(nx * ny);
  samples.forEach((x, k) => {
    const value = fitness[k];
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const col = Math.floor(((x[i] - xRange.min) / (xRange.max - xRange.min)) * nx);
    const row = Math.floor(((x[j] - yRange.min) / (yRange.max - yRange.min)) * ny);
    if (col < 0 || col >= nx || row < 0 || row >= ny) return;
    sum[row * nx + col] += value;
    count[row * nx + col] += 1;
  });
  const out = new Float64Array(nx * ny).fill(Number.NaN);
  let queue: number[] = [];
  for (let c = 0; c < out.length; c++) {
    if (count[c] > 0) {
      out[c] = sum[c] / count[c];
      queue.push(c);
    }
  }
  while (queue.length > 0) {
    const next: number[] = [];
    for (const c of queue) {
      const row = Math.floor(c / nx);
      const col = c % nx;
      const neighbours = [
        col > 0 ? c - 1 : -1,
        col < nx - 1 ? c + 1 : -1,
        row > 0 ? c - nx : -1,
        row < ny - 1 ? c + nx : -1,
      ];
      for (const d of neighbours) {
        if (d >= 0 && Number.isNaN(out[d])) {
          out[d] = out[c];
          next.push(d);
        }
      }
    }
    queue = next;
  }
  return out;
}

// Viridis, sampled at 9 stops (perceptually uniform, readable in grey).
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

export function viridis(t: number): [number, number, number] {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - k;
  const a = VIRIDIS[k];
  const b = VIRIDIS[k + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/**
 * RGBA pixels for a grid, coloured by rank (quantile) rather than value: objectives span
 * many decades (Rosenbrock), and a rank scale shows the basin's shape whatever the units.
 * Low (good) values are dark. NaN cells are transparent.
 */
export function rankColors(values: Float64Array): Uint8ClampedArray {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const pixels = new Uint8ClampedArray(values.length * 4);
  const last = Math.max(1, finite.length - 1);
  for (let c = 0; c < values.length; c++) {
    const v = values[c];
    if (!Number.isFinite(v)) continue;
    // Rank by binary search: position of v among the sorted values.
    let low = 0;
    let high = finite.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (finite[mid] < v) low = mid + 1;
      else high = mid;
    }
    const [r, g, b] = viridis(low / last);
    pixels[4 * c] = r;
    pixels[4 * c + 1] = g;
    pixels[4 * c + 2] = b;
    pixels[4 * c + 3] = 255;
  }
  return pixels;
}

/** Nodes and weights of a Gaussian average: z on a uniform grid over ±4σ, weights ∝ φ(z), Σw = 1. */
export function gaussianNodes(count = 121): { z: Float64Array; w: Float64Array } {
  const z = new Float64Array(count);
  const w = new Float64Array(count);
  let total = 0;
  for (let k = 0; k < count; k++) {
    z[k] = -4 + (8 * k) / (count - 1);
    w[k] = Math.exp(-0.5 * z[k] * z[k]);
    total += w[k];
  }
  for (let k = 0; k < count; k++) w[k] /= total;
  return { z, w };
}

/**
 * The Gaussian-smoothed objective of seed 001, g(μ, σ) = E_{x~N(μ, σ²)}[f(x)], over a grid of
 * μ (columns) and σ (rows, row 0 at σ = sigmaRange.min). σ = 0 gives f itself.
 */
export function smoothedGrid(
  f: (x: number) => number,
  muRange: Range,
  sigmaRange: Range,
  nMu: number,
  nSigma: number,
  nodes = gaussianNodes(),
): Float64Array {
  const out = new Float64Array(nMu * nSigma);
  for (let row = 0; row < nSigma; row++) {
    const sigma =
      sigmaRange.min + (nSigma === 1 ? 0 : (row / (nSigma - 1)) * (sigmaRange.max - sigmaRange.min));
    for (let col = 0; col < nMu; col++) {
      const mu = muRange.min + (nMu === 1 ? 0 : (col / (nMu - 1)) * (muRange.max - muRange.min));
      if (sigma <= 0) {
        out[row * nMu + col] = f(mu);
        continue;
      }
      let sum = 0;
      for (let k = 0; k < nodes.z.length; k++) sum += nodes.w[k] * f(mu + sigma * nodes.z[k]);
      out[row * nMu + col] = sum;
    }
  }
  return out;
}

/**
 * A 1-D function through evaluated points (piecewise linear between the sorted sample
 * positions, constant beyond them), for smoothing an executable's 1-D objective.
 */
export function interpolate1d(
  xs: readonly number[],
  ys: readonly (number | null)[],
): ((x: number) => number) | null {
  const points = xs
    .map((x, k) => ({ x, y: ys[k] }))
    .filter(
      (p): p is { x: number; y: number } => p.y !== null && Number.isFinite(p.y) && Number.isFinite(p.x),
    )
    .sort((a, b) => a.x - b.x);
  if (points.length === 0) return null;
  return (x) => {
    if (x <= points[0].x) return points[0].y;
    const lastPoint = points[points.length - 1];
    if (x >= lastPoint.x) return lastPoint.y;
    let low = 0;
    let high = points.length - 1;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (points[mid].x <= x) low = mid;
      else high = mid;
    }
    const a = points[low];
    const b = points[high];
    return b.x === a.x ? a.y : a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y);
  };
}
