/**
 * Separable natural evolution strategies (SNES): a diagonal Gaussian search distribution
 * with one step size per coordinate, adapted by the natural gradient.
 *
 * Schaul, Glasmachers & Schmidhuber, "High Dimensions and Heavy Tails for Natural
 * Evolution Strategies", GECCO 2011; also Wierstra et al., "Natural Evolution Strategies",
 * JMLR 15 (2014), section on separable NES. The updates, numbered as tagged in the code:
 *
 *   (1) zₖ ~ N(0, I),  xₖ = μ + σ ⊙ zₖ                        (k = 1…λ)
 *   (2) uₖ = max(0, ln(λ/2 + 1) − ln rank(k)) / Σ − 1/λ        rank-based utilities
 *   (3) ∇_μ J = Σ uₖ zₖ,   ∇_σ J = Σ uₖ (zₖ² − 1)              natural gradients, local coords
 *   (4) μ ← μ + η_μ σ ⊙ ∇_μ J
 *   (5) σ ← σ ⊙ exp(η_σ/2 · ∇_σ J)
 *
 * with η_μ = 1 and η_σ = (3 + ln n) / (5 √n) by default. Cost and memory are O(n) per
 * sample, so it scales to thousands of parameters, but it cannot learn correlations:
 * on rotated ill-conditioned problems it is slow.
 */
import { defineStrategy, type OptionSpec, type ResolvedOptions } from '../core/strategy';
import { nesUtilities, rankByFitness } from './shared/fitness-shaping';
import { gaussianSamples } from './shared/perturbations';

export interface SnesState {
  dimension: number;
  mean: Float64Array;
  /** Per-coordinate standard deviations σᵢ. */
  stdDevs: Float64Array;
  populationSize: number;
  meanLearningRate: number;
  stepSizeLearningRate: number;
  utilities: Float64Array;
  /** Per-coordinate floor on σᵢ (integer parameters), or empty. */
  stdDevFloor: Float64Array;
  /** The standard-normal draws zₖ of the generation last asked for. */
  noise: Float64Array[];
}

const options = {
  populationSize: {
    default: 10,
    dimensionDefault: (n: number) => 4 + Math.floor(3 * Math.log(n)),
    defaultText: '4 + floor(3 ln n)',
    min: 2,
    integer: true,
    description: 'samples per generation (λ)',
  },
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description: 'initial standard deviation of every coordinate, in internal units (1 = a bounded range)',
  },
  meanLearningRate: {
    default: 1,
    min: 0,
    max: 2,
    description: 'learning rate of the mean (η_μ); 1 as in the paper',
  },
  stepSizeLearningRate: {
    default: 0.35,
    dimensionDefault: (n: number) => (3 + Math.log(n)) / (5 * Math.sqrt(n)),
    defaultText: '(3 + ln n) / (5 √n)',
    min: 0,
    description: 'learning rate of the per-coordinate step sizes (η_σ)',
  },
} satisfies Record<string, OptionSpec>;

export type SnesOptions = ResolvedOptions<typeof options>;

function floored(stdDevs: Float64Array, floor: Float64Array): Float64Array {
  return floor.length ? stdDevs.map((s, i) => Math.max(s, floor[i])) : stdDevs;
}

export const snes = defineStrategy<SnesState, SnesOptions>({
  id: 'snes',
  title: 'SNES (separable natural ES)',
  summary:
    'Natural-gradient ES with one step size per coordinate (diagonal covariance). O(n) per sample, so it ' +
    'scales to many parameters and handles badly scaled axes; it cannot learn correlations between ' +
    'parameters (use xnes or cma-es for rotated problems).',
  reference: 'Schaul, Glasmachers & Schmidhuber 2011 (GECCO), "High Dimensions and Heavy Tails for NES"',
  options,
  populationOption: 'populationSize',

  init(_rng, start, opts, context) {
    const n = start.length;
    const stdDevFloor = context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : new Float64Array(0);
    const populationSize = Math.max(2, Math.round(opts.populationSize));
    return {
      dimension: n,
      mean: Float64Array.from(start),
      stdDevs: floored(new Float64Array(n).fill(opts.stepSize), stdDevFloor),
      populationSize,
      meanLearningRate: opts.meanLearningRate,
      stepSizeLearningRate: opts.stepSizeLearningRate,
      utilities: nesUtilities(populationSize),
      stdDevFloor,
      noise: [],
    };
  },

  ask(rng, state) {
    // Eq. (1): xₖ = μ + σ ⊙ zₖ.
    const { noise, candidates } = gaussianSamples(rng, state.mean, state.stdDevs, state.populationSize);
    return { candidates, state: { ...state, noise } };
  },

  tell(state, _candidates, fitness) {
    const n = state.dimension;
    const order = rankByFitness(fitness);
    const meanGradient = new Float64Array(n);
    const stdDevGradient = new Float64Array(n);
    order.forEach((k, rank) => {
      const u = state.utilities[rank]; // Eq. (2)
      const z = state.noise[k];
      for (let i = 0; i < n; i++) {
        meanGradient[i] += u * z[i]; // Eq. (3)
        stdDevGradient[i] += u * (z[i] * z[i] - 1);
      }
    });
    const mean = state.mean.map((m, i) => m + state.meanLearningRate * state.stdDevs[i] * meanGradient[i]); // Eq. (4)
    const stdDevs = floored(
      state.stdDevs.map((s, i) => s * Math.exp(0.5 * state.stepSizeLearningRate * stdDevGradient[i])), // Eq. (5)
      state.stdDevFloor,
    );
    let logSum = 0;
    for (const s of stdDevs) logSum += Math.log(s);
    return {
      state: { ...state, mean, stdDevs, noise: [] },
      metrics: { stepSize: Math.exp(logSum / n), axisRatio: Math.max(...stdDevs) / Math.min(...stdDevs) },
    };
  },

  distribution(state) {
    let logSum = 0;
    for (const s of state.stdDevs) logSum += Math.log(s);
    // SNES has no separate global σ; the geometric mean of the σᵢ plays that role in plots.
    return {
      mean: Float64Array.from(state.mean),
      stdDevs: Float64Array.from(state.stdDevs),
      stepSize: Math.exp(logSum / state.dimension),
    };
  },
});
