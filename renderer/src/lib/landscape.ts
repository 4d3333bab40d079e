/**
 * The objective landscape behind the sampling-ellipse view, in the strategy's internal
 * coordinates (where the ellipses live). For built-in objectives the renderer tabulates the
 * function itself (engine/objectives/builtin.ts is pure TypeScript and cheap); for anything
 * else the map is estimated from the evaluations seen so far (landscape-estimate.ts), blank
 * where there are none and hatched where they failed.
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

/** The plot background the views draw under heat maps; low-confidence cells fade to it. */
export const UNKNOWN_GREY: [number, number, number] = [225, 228, 234];

/**
 * RGBA pixels for a grid, coloured by rank (quantile) rather than value: objectives span
 * many decades (Rosenbrock), and a rank scale shows the basin's shape whatever the units.
 * Low (good) values are dark. NaN cells are transparent. With `confidence` (0…1 per cell),
 * a cell's colour is mixed towards grey as its confidence drops, so an estimate resting on
 * one evaluation does not look as certain as one resting on fifty.
 */
export function rankColors(values: Float64Array, confidence?: Float64Array): Uint8ClampedArray {
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
    // At confidence 0 a cell keeps a quarter of its colour: visible, but plainly uncertain.
    const keep = confidence ? 0.25 + 0.75 * Math.min(1, Math.max(0, confidence[c])) : 1;
    pixels[4 * c] = UNKNOWN_GREY[0] + keep * (r - UNKNOWN_GREY[0]);
    pixels[4 * c + 1] = UNKNOWN_GREY[1] + keep * (g - UNKNOWN_GREY[1]);
    pixels[4 * c + 2] = UNKNOWN_GREY[2] + keep * (b - UNKNOWN_GREY[2]);
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

export interface SmoothedEstimate {
  values: Float64Array;
  /** 1 where a noticeable share of N(μ, σ²) falls on failed evaluations. */
  failed: Uint8Array;
}

/**
 * g(μ, σ) of an objective known only in places: `f` is NaN where nothing is known and
 * `failedAt` says where evaluations failed. A cell gets a value only when at least
 * `minKnown` of the Gaussian's weight falls where f is known; it is marked failed when more
 * than `maxFailed` falls on failures (a strategy sampling there loses that share of its
 * offspring); otherwise it stays blank (NaN).
 */
export function smoothedEstimate(
  f: (x: number) => number,
  failedAt: (x: number) => boolean,
  muRange: Range,
  sigmaRange: Range,
  nMu: number,
  nSigma: number,
  { nodes = gaussianNodes(), minKnown = 0.9, maxFailed = 0.1 } = {},
): SmoothedEstimate {
  const values = new Float64Array(nMu * nSigma).fill(Number.NaN);
  const failed = new Uint8Array(nMu * nSigma);
  for (let row = 0; row < nSigma; row++) {
    const sigma =
      sigmaRange.min + (nSigma === 1 ? 0 : (row / (nSigma - 1)) * (sigmaRange.max - sigmaRange.min));
    for (let col = 0; col < nMu; col++) {
      const mu = muRange.min + (nMu === 1 ? 0 : (col / (nMu - 1)) * (muRange.max - muRange.min));
      const cell = row * nMu + col;
      let sum = 0;
      let known = 0;
      let failedShare = 0;
      const count = sigma <= 0 ? 1 : nodes.z.length;
      for (let k = 0; k < count; k++) {
        const x = sigma <= 0 ? mu : mu + sigma * nodes.z[k];
        const w = sigma <= 0 ? 1 : nodes.w[k];
        if (failedAt(x)) {
          failedShare += w;
          continue;
        }
        const y = f(x);
        if (!Number.isFinite(y)) continue;
        sum += w * y;
        known += w;
      }
      if (failedShare > maxFailed) failed[cell] = 1;
      else if (known >= minKnown) values[cell] = sum / known;
    }
  }
  return { values, failed };
}
