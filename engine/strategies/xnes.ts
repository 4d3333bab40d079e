/**
 * Exponential natural evolution strategies (xNES) with a full covariance matrix.
 *
 * Glasmachers, Schaul, Sun, Wierstra & Schmidhuber, "Exponential Natural Evolution
 * Strategies", GECCO 2010; Wierstra, Schaul, Glasmachers, Sun, Peters & Schmidhuber,
 * "Natural Evolution Strategies", JMLR 15 (2014), its xNES pseudocode and table of default
 * parameters.
 *
 * The search distribution is N(μ, σ² B Bᵀ) with det B = 1: σ carries the scale, B the
 * shape. Each generation follows the natural gradient of the rank-shaped expected fitness
 * in the local (whitened) coordinates, where the Fisher matrix is the identity. The
 * updates, numbered as tagged in the code:
 *
 *   (1) zₖ ~ N(0, I),  xₖ = μ + σ B zₖ                                   (k = 1…λ)
 *   (2) uₖ = max(0, ln(λ/2 + 1) − ln rank(k)) / Σ − 1/λ                  utilities, best first
 *   (3) G_δ = Σ uₖ zₖ,   G_M = Σ uₖ (zₖ zₖᵀ − I)
 *   (4) G_σ = tr(G_M) / n,   G_B = G_M − G_σ I
 *   (5) μ ← μ + η_μ σ B G_δ
 *   (6) σ ← σ exp(η_σ/2 · G_σ)
 *   (7) B ← B exp(η_B/2 · G_B)
 *
 * with η_μ = 1 and η_σ = η_B = 3(3 + ln n)/(5 n √n). G_B is symmetric with zero trace, so
 * exp(η_B/2 · G_B) is symmetric positive definite with determinant 1: σ² B Bᵀ stays
 * positive definite by construction and no eigendecomposition is needed. The matrix
 * exponential is computed here by scaling and squaring of its Taylor series.
 */
import { defineStrategy, type OptionSpec, type ResolvedOptions } from '../core/strategy';
import { nesUtilities, rankByFitness } from './shared/fitness-shaping';

export interface XnesState {
  dimension: number;
  mean: Float64Array;
  /** Global step size σ. */
  stepSize: number;
  /** Shape factor B, row-major n×n, det B = 1. */
  shape: Float64Array;
  populationSize: number;
  meanLearningRate: number;
  stepSizeLearningRate: number;
  shapeLearningRate: number;
  /** Fitness-shaping utilities, best rank first, summing to zero. */
  utilities: Float64Array;
  /** Per-coordinate lower bound on the sampling standard deviation (integer parameters), or empty. */
  stdDevFloor: Float64Array;
  /** The standard-normal draws zₖ of the generation last asked for. */
  noise: Float64Array[];
  generation: number;
}

const defaultPopulation = (n: number): number => 4 + Math.floor(3 * Math.log(n));
// Default learning rate for σ and B, from the paper's table of default parameters.
const defaultShapeRate = (n: number): number => (3 * (3 + Math.log(n))) / (5 * n * Math.sqrt(n));

const options = {
  populationSize: {
    default: 10,
    dimensionDefault: defaultPopulation,
    defaultText: '4 + floor(3 ln n)',
    min: 2,
    integer: true,
    description: 'samples per generation (λ)',
  },
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description: 'initial step size σ, in internal units (1 = the whole range of a bounded parameter)',
  },
  meanLearningRate: {
    default: 1,
    min: 0,
    max: 2,
    description: 'learning rate of the mean (η_μ); 1 as in the paper',
  },
  stepSizeLearningRate: {
    default: 0.6,
    dimensionDefault: defaultShapeRate,
    defaultText: '3 (3 + ln n) / (5 n^1.5)',
    min: 0,
    description: 'learning rate of the step size (η_σ)',
  },
  shapeLearningRate: {
    default: 0.6,
    dimensionDefault: defaultShapeRate,
    defaultText: '3 (3 + ln n) / (5 n^1.5)',
    min: 0,
    description: 'learning rate of the covariance shape (η_B)',
  },
} satisfies Record<string, OptionSpec>;

export type XnesOptions = ResolvedOptions<typeof options>;

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j];
    }
  }
  return out;
}

/**
 * exp(M) for a symmetric n×n matrix by scaling and squaring: M/2^s has norm ≤ 1/2, its
 * Taylor series converges to machine precision within ~18 terms, and s squarings undo
 * the scaling. The result is symmetric positive definite (eigenvalues e^λ).
 */
export function symmetricMatrixExp(m: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(m[i * n + j]);
    norm = Math.max(norm, row);
  }
  const squarings = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
  const scale = 2 ** -squarings;
  const scaled = m.map((v) => v * scale);
  const result = new Float64Array(n * n);
  let term: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    result[i * n + i] = 1;
    term[i * n + i] = 1;
  }
  for (let k = 1; k <= 30; k++) {
    term = multiply(term, scaled, n).map((v) => v / k);
    let largest = 0;
    for (let i = 0; i < n * n; i++) {
      result[i] += term[i];
      largest = Math.max(largest, Math.abs(term[i]));
    }
    if (largest < 1e-17) break;
  }
  let out: Float64Array = result;
  for (let s = 0; s < squarings; s++) out = multiply(out, out, n);
  // Rounding in the products leaves a tiny asymmetry; the exact result is symmetric.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const average = 0.5 * (out[i * n + j] + out[j * n + i]);
      out[i * n + j] = average;
      out[j * n + i] = average;
    }
  }
  return out;
}

/**
 * Keeps every coordinate's sampling std ≥ its floor by scaling that row of σB (a positive
 * diagonal rescaling, so the covariance stays positive definite), then splits the scaled
 * factor back into σ and a determinant-one B.
 */
function applyFloor(stepSize: number, shape: Float64Array, floor: Float64Array, n: number) {
  if (floor.length === 0) return { stepSize, shape };
  const factors = new Float64Array(n).fill(1);
  let raised = false;
  for (let i = 0; i < n; i++) {
    let rowSquares = 0;
    for (let j = 0; j < n; j++) rowSquares += shape[i * n + j] ** 2;
    const std = stepSize * Math.sqrt(rowSquares);
    if (std < floor[i]) {
      factors[i] = floor[i] / std;
      raised = true;
    }
  }
  if (!raised) return { stepSize, shape };
  const logDet = factors.reduce((sum, f) => sum + Math.log(f), 0);
  const detRoot = Math.exp(logDet / n);
  const scaled = shape.map((v, index) => (v * factors[Math.floor(index / n)]) / detRoot);
  return { stepSize: stepSize * detRoot, shape: scaled };
}

export const xnes = defineStrategy<XnesState, XnesOptions>({
  id: 'xnes',
  title: 'xNES (exponential natural ES)',
  summary:
    'Natural-gradient ES with a full covariance adapted through a matrix exponential, rank-based utilities ' +
    'and the paper’s default learning rates. Invariant to rotations and rescaling; learns ill-conditioned ' +
    'problems, at O(n³) cost per generation, so best up to a few dozen parameters.',
  reference: 'Glasmachers et al. 2010 (GECCO); Wierstra et al. 2014, JMLR 15, "Natural Evolution Strategies"',
  options,
  populationOption: 'populationSize',

  init(_rng, start, opts, context) {
    const n = start.length;
    const shape = new Float64Array(n * n);
    for (let i = 0; i < n; i++) shape[i * n + i] = 1;
    const populationSize = Math.max(2, Math.round(opts.populationSize));
    const stdDevFloor = context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : new Float64Array(0);
    const floored = applyFloor(opts.stepSize, shape, stdDevFloor, n);
    return {
      dimension: n,
      mean: Float64Array.from(start),
      stepSize: floored.stepSize,
      shape: floored.shape,
      populationSize,
      meanLearningRate: opts.meanLearningRate,
      stepSizeLearningRate: opts.stepSizeLearningRate,
      shapeLearningRate: opts.shapeLearningRate,
      utilities: nesUtilities(populationSize),
      stdDevFloor,
      noise: [],
      generation: 0,
    };
  },

  ask(rng, state) {
    const n = state.dimension;
    const noise: Float64Array[] = [];
    const candidates: Float64Array[] = [];
    for (let k = 0; k < state.populationSize; k++) {
      const z = rng.gaussians(new Float64Array(n));
      const x = Float64Array.from(state.mean);
      for (let i = 0; i < n; i++) {
        let bz = 0;
        for (let j = 0; j < n; j++) bz += state.shape[i * n + j] * z[j];
        x[i] += state.stepSize * bz; // Eq. (1)
      }
      noise.push(z);
      candidates.push(x);
    }
    return { candidates, state: { ...state, noise } };
  },

  tell(state, _candidates, fitness) {
    const n = state.dimension;
    const order = rankByFitness(fitness);
    const meanGradient = new Float64Array(n);
    const matrixGradient = new Float64Array(n * n);
    order.forEach((k, rank) => {
      const u = state.utilities[rank]; // Eq. (2)
      const z = state.noise[k];
      for (let i = 0; i < n; i++) {
        meanGradient[i] += u * z[i]; // Eq. (3)
        for (let j = 0; j < n; j++) matrixGradient[i * n + j] += u * (z[i] * z[j] - (i === j ? 1 : 0)); // Eq. (3)
      }
    });
    let trace = 0;
    for (let i = 0; i < n; i++) trace += matrixGradient[i * n + i];
    const stepSizeGradient = trace / n; // Eq. (4)
    const exponent = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const shapeGradient = matrixGradient[i * n + j] - (i === j ? stepSizeGradient : 0); // Eq. (4)
        exponent[i * n + j] = 0.5 * state.shapeLearningRate * shapeGradient;
      }
    }

    const mean = Float64Array.from(state.mean);
    for (let i = 0; i < n; i++) {
      let step = 0;
      for (let j = 0; j < n; j++) step += state.shape[i * n + j] * meanGradient[j];
      mean[i] += state.meanLearningRate * state.stepSize * step; // Eq. (5)
    }
    const stepSize = state.stepSize * Math.exp(0.5 * state.stepSizeLearningRate * stepSizeGradient); // Eq. (6)
    const shape = multiply(state.shape, symmetricMatrixExp(exponent, n), n); // Eq. (7)
    const floored = applyFloor(stepSize, shape, state.stdDevFloor, n);

    return {
      state: {
        ...state,
        mean,
        stepSize: floored.stepSize,
        shape: floored.shape,
        noise: [],
        generation: state.generation + 1,
      },
      metrics: { stepSize: floored.stepSize },
    };
  },

  distribution(state) {
    const n = state.dimension;
    const covariance = new Float64Array(n * n);
    const variance = state.stepSize * state.stepSize;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += state.shape[i * n + k] * state.shape[j * n + k];
        covariance[i * n + j] = variance * dot;
      }
    }
    return { mean: Float64Array.from(state.mean), covariance, stepSize: state.stepSize };
  },

  shouldStop(state) {
    if (!Number.isFinite(state.stepSize) || state.mean.some((v) => !Number.isFinite(v)))
      return 'strategy-converged';
    return undefined;
  },
});
