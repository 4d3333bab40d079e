/**
 * Gradient descent on central finite differences, with a backtracking (Armijo) line search
 * and an adaptive learning rate.
 *
 * Seed document 000 ("finite differences of F + backprop"): the partial derivative along a
 * unit direction d is estimated by
 *
 *   ∂f/∂d (x) ≈ (f(x + h d) − f(x − h d)) / (2h)                                Eq. (CD)
 *
 * and n such differences along an orthonormal basis d₁…dₙ give the gradient
 * ∇f(x) ≈ Σᵢ ∂f/∂dᵢ · dᵢ. The error is O(h²) (exact for a quadratic), the cost 2n
 * evaluations per gradient. The basis is the coordinate axes (`basis: "coordinate"`, fully
 * deterministic) or, by default, a fresh random orthonormal basis per gradient: the estimate
 * of a quadratic's gradient is the same, but the O(h²) truncation error of a non-quadratic
 * function is no longer aligned with the axes, and repeated runs with different seeds
 * sample different stencils. Integer parameters force the coordinate basis with each
 * coordinate's difference step at least its sampling floor (a rounding grid must be crossed).
 *
 * Steps: x ← x − α ∇f(x), accepted when the Armijo condition
 *
 *   f(x − α g) ≤ f(x) − c α |g|²                                                 Eq. (Armijo)
 *
 * holds (Nocedal & Wright, Numerical Optimization, Eq. 3.4); otherwise α is halved and the
 * shorter step tried (backtracking, Algorithm 3.1). A step accepted at the first try doubles
 * α for the next iteration, so α tracks the local curvature from both sides and the method
 * converges linearly on smooth strongly convex functions. The first α makes the first step
 * `stepSize` long.
 *
 * Generations: a gradient generation holds the 2n stencil points (plus x itself the first
 * time); a line-search generation holds the one trial step.
 */
import { defineStrategy, type InitContext, type OptionSpecs, type TellResult } from '../core/strategy';
import type { Rng } from '../core/rng';
import { flooredScales } from './shared/std-dev-floor';

export interface FiniteDifferenceState {
  x: Float64Array;
  /** f(x); NaN until x has been evaluated. */
  fitness: number;
  gradient: Float64Array | null;
  learningRate: number;
  phase: 'gradient' | 'line-search';
  backtracks: number;
  /** Length of the last step tried (internal units). */
  lastStepLength: number;
  differenceStep: number;
  stepSize: number;
  basis: 'random-orthogonal' | 'coordinate';
  sufficientDecrease: number;
  maxBacktracks: number;
  stdDevFloor: Float64Array | null;
  converged: boolean;
}

const options = {
  differenceStep: {
    default: 1e-5,
    min: 1e-12,
    max: 1,
    description:
      'difference step h along each direction, internal units (1 = whole range of a bounded parameter)',
  },
  stepSize: {
    default: 0.1,
    min: 1e-12,
    description: 'length of the first gradient step, internal units; later steps follow the learning rate',
  },
  basis: {
    default: 'random-orthogonal',
    choices: ['random-orthogonal', 'coordinate'],
    description:
      'difference directions: a fresh random orthonormal basis per gradient, or the coordinate axes',
  },
  sufficientDecrease: {
    default: 1e-4,
    min: 0,
    max: 0.5,
    description: 'Armijo constant c: a step must lower f by at least c·α·|g|²',
  },
  maxBacktracks: {
    default: 30,
    min: 1,
    integer: true,
    description: 'halvings of the learning rate before the gradient is estimated afresh',
  },
} satisfies OptionSpecs;

type Options = {
  differenceStep: number;
  stepSize: number;
  basis: string;
  sufficientDecrease: number;
  maxBacktracks: number;
};

/**
 * A random orthonormal basis of ℝⁿ (Gram–Schmidt on Gaussian vectors, which gives the
 * Haar-uniform distribution), as n row vectors.
 */
export function randomOrthonormalBasis(rng: Rng, n: number): Float64Array[] {
  const rows: Float64Array[] = [];
  while (rows.length < n) {
    const row = rng.gaussians(new Float64Array(n));
    for (const previous of rows) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += row[k] * previous[k];
      for (let k = 0; k < n; k++) row[k] -= dot * previous[k];
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += row[k] * row[k];
    norm = Math.sqrt(norm);
    // A (practically impossible) near-dependent draw is simply redrawn.
    if (norm < 1e-8) continue;
    for (let k = 0; k < n; k++) row[k] /= norm;
    rows.push(row);
  }
  return rows;
}

/** The coordinate axes of ℝⁿ as row vectors. */
export function coordinateBasis(n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
}

/**
 * The 2n stencil points x + hᵢ dᵢ, x − hᵢ dᵢ (in that order, pair by pair). `steps` holds one
 * difference step per direction.
 */
export function centralDifferenceStencil(
  x: Float64Array,
  directions: Float64Array[],
  steps: ArrayLike<number>,
) {
  const points: Float64Array[] = [];
  directions.forEach((d, i) => {
    const plus = new Float64Array(x.length);
    const minus = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      plus[k] = x[k] + steps[i] * d[k];
      minus[k] = x[k] - steps[i] * d[k];
    }
    points.push(plus, minus);
  });
  return points;
}

/**
 * The gradient from a central-difference stencil along mutually orthogonal directions:
 * ∇f ≈ Σᵢ (f₊ − f₋)/|δᵢ|² · δᵢ with δᵢ = x₊ − x₋ (Eq. (CD) for each direction, using the
 * difference vector as actually represented in floating point).
 */
export function centralDifferenceGradient(points: Float64Array[], values: ArrayLike<number>): Float64Array {
  const n = points[0].length;
  const gradient = new Float64Array(n);
  const delta = new Float64Array(n);
  for (let p = 0; p + 1 < points.length; p += 2) {
    let squared = 0;
    for (let k = 0; k < n; k++) {
      delta[k] = points[p][k] - points[p + 1][k];
      squared += delta[k] * delta[k];
    }
    if (squared === 0) continue;
    const slope = (values[p] - values[p + 1]) / squared; // Eq. (CD)
    for (let k = 0; k < n; k++) gradient[k] += slope * delta[k];
  }
  return gradient;
}

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < v.length; k++) sum += v[k] * v[k];
  return Math.sqrt(sum);
}

function trialPoint(state: FiniteDifferenceState): Float64Array {
  const g = state.gradient!;
  return Float64Array.from(state.x, (v, k) => v - state.learningRate * g[k]);
}

function differenceSteps(state: FiniteDifferenceState): Float64Array {
  return flooredScales(state.x.length, state.differenceStep, state.stdDevFloor);
}

export const finiteDifference = defineStrategy<FiniteDifferenceState, Options>({
  id: 'finite-difference',
  title: 'Finite-difference gradient descent',
  summary:
    'Gradient descent on central differences (2n evaluations per gradient) with an Armijo backtracking line ' +
    'search and an adaptive learning rate. Fast and exact on smooth, cheap, noise-free problems of modest ' +
    'dimension; misled by noise or jagged objectives.',
  reference: 'Seed 000 (finite differences); Nocedal & Wright, Numerical Optimization, Alg. 3.1',
  options,

  init(_rng, start, opts, context?: InitContext): FiniteDifferenceState {
    const stdDevFloor = context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null;
    return {
      x: Float64Array.from(start),
      fitness: Number.NaN,
      gradient: null,
      learningRate: 0,
      phase: 'gradient',
      backtracks: 0,
      lastStepLength: opts.stepSize,
      differenceStep: opts.differenceStep,
      stepSize: opts.stepSize,
      basis: stdDevFloor || opts.basis === 'coordinate' ? 'coordinate' : 'random-orthogonal',
      sufficientDecrease: opts.sufficientDecrease,
      maxBacktracks: opts.maxBacktracks,
      stdDevFloor,
      converged: false,
    };
  },

  ask(rng, state) {
    if (state.phase === 'line-search') return { candidates: [trialPoint(state)], state };
    const n = state.x.length;
    const directions = state.basis === 'coordinate' ? coordinateBasis(n) : randomOrthonormalBasis(rng, n);
    const stencil = centralDifferenceStencil(state.x, directions, differenceSteps(state));
    const candidates = Number.isNaN(state.fitness) ? [Float64Array.from(state.x), ...stencil] : stencil;
    return { candidates, state };
  },

  tell(state, candidates, fitness): TellResult<FiniteDifferenceState> {
    if (state.phase === 'gradient') {
      const withCentre = Number.isNaN(state.fitness);
      const offset = withCentre ? 1 : 0;
      const gradient = centralDifferenceGradient(candidates.slice(offset), fitness.subarray(offset));
      const gradientNorm = norm(gradient);
      const next: FiniteDifferenceState = {
        ...state,
        fitness: withCentre ? fitness[0] : state.fitness,
        gradient,
        phase: 'line-search',
        backtracks: 0,
      };
      if (gradientNorm === 0) {
        next.converged = true;
        next.phase = 'gradient';
      } else if (next.learningRate === 0) {
        next.learningRate = state.stepSize / gradientNorm;
      }
      next.lastStepLength = next.learningRate * gradientNorm;
      return { state: next, metrics: { gradientNorm, learningRate: next.learningRate } };
    }

    const gradient = state.gradient!;
    const gradientNormSquared = norm(gradient) ** 2;
    const armijo = state.fitness - state.sufficientDecrease * state.learningRate * gradientNormSquared;
    const next: FiniteDifferenceState = { ...state };
    if (fitness[0] <= armijo) {
      next.x = Float64Array.from(candidates[0]);
      next.fitness = fitness[0];
      next.phase = 'gradient';
      if (state.backtracks === 0) next.learningRate = state.learningRate * 2;
    } else {
      next.learningRate = state.learningRate / 2;
      next.backtracks = state.backtracks + 1;
      // After many halvings the gradient estimate itself is suspect (noise, or h too coarse).
      if (next.backtracks >= state.maxBacktracks) next.phase = 'gradient';
    }
    next.lastStepLength = next.learningRate * Math.sqrt(gradientNormSquared);
    // No representable step left: x − αg rounds back to x in every coordinate.
    const smallest = Math.max(...Array.from(state.x, (v) => Math.abs(v) * 1e-16), 1e-300);
    if (next.lastStepLength < smallest) next.converged = true;
    return {
      state: next,
      metrics: {
        learningRate: next.learningRate,
        stepLength: next.lastStepLength,
        backtracks: next.backtracks,
      },
    };
  },

  distribution(state) {
    return { mean: state.x, stdDevs: differenceSteps(state), stepSize: state.lastStepLength };
  },

  shouldStop(state) {
    return state.converged ? 'strategy-converged' : undefined;
  },
});
