/**
 * SPSA — simultaneous perturbation stochastic approximation.
 *
 * Spall (1992), "Multivariate stochastic approximation using a simultaneous perturbation
 * gradient approximation", IEEE Trans. Automatic Control 37(3); practical guidelines from
 * Spall (1998), "Implementation of the simultaneous perturbation algorithm for stochastic
 * optimization", IEEE Trans. Aerospace and Electronic Systems 34(3).
 *
 * Every coordinate is perturbed at once by ±c_k (Bernoulli ±1 directions Δ), so a gradient
 * estimate costs two evaluations whatever the dimension:
 *
 *   ĝ_k,i = (f(θ_k + c_k Δ_k) − f(θ_k − c_k Δ_k)) / (2 c_k Δ_k,i)              Eq. (SP gradient)
 *   θ_{k+1} = θ_k − a_k ĝ_k                                                     Eq. (SA recursion)
 *   a_k = a / (k + 1 + A)^α,   c_k = c / (k + 1)^γ                              Eq. (gains)
 *
 * with Spall's recommended α = 0.602 and γ = 0.101 (the asymptotically optimal 1 and 1/6
 * decay too fast in finite samples). With `perturbations` q > 1, q independent estimates are
 * averaged per iteration (2q evaluations per generation).
 *
 * The gain a is scale-dependent. When `gain` is 0 it is calibrated from the first
 * generation as Spall (1998) recommends: a is set so that a₀ times the mean magnitude of
 * the first gradient estimate's components equals `stepSize`, the desired change of each
 * coordinate in the early iterations.
 */
import { defineStrategy, type InitContext, type OptionSpecs, type TellResult } from '../core/strategy';
import { mirroredPairs } from './shared/perturbations';
import { flooredScales } from './shared/std-dev-floor';

export interface SpsaState {
  theta: Float64Array;
  /** Iteration counter k. */
  iteration: number;
  /** Gain a; 0 until calibrated. */
  gain: number;
  stabilityConstant: number;
  perturbation: number;
  alpha: number;
  gamma: number;
  stepSize: number;
  perturbations: number;
  calibrationPerturbations: number;
  stdDevFloor: Float64Array | null;
}

const options = {
  stepSize: {
    default: 0.1,
    min: 1e-12,
    description:
      'desired change of each coordinate in the first iterations (internal units); calibrates the gain a',
  },
  gain: {
    default: 0,
    min: 0,
    description: 'gain a of a_k = a/(k+1+A)^α; 0 = calibrate from stepSize and the first gradient estimate',
  },
  stabilityConstant: {
    default: 50,
    min: 0,
    description: 'stability constant A of a_k (Spall: about 10 % of the expected number of iterations)',
  },
  perturbation: {
    default: 1e-3,
    min: 1e-12,
    description: 'perturbation size c of c_k = c/(k+1)^γ, internal units (about the noise level, Spall)',
  },
  alpha: { default: 0.602, min: 0.5, max: 1, description: 'decay exponent α of the gain sequence a_k' },
  gamma: {
    default: 0.101,
    min: 0,
    max: 0.5,
    description: 'decay exponent γ of the perturbation sequence c_k',
  },
  perturbations: {
    default: 1,
    min: 1,
    integer: true,
    description: 'simultaneous-perturbation gradient estimates averaged per iteration (2 evaluations each)',
  },
  calibrationPerturbations: {
    default: 5,
    min: 1,
    integer: true,
    description:
      'gradient estimates averaged in the first iteration to calibrate the gain a (when gain is 0)',
  },
} satisfies OptionSpecs;

type Options = {
  stepSize: number;
  gain: number;
  stabilityConstant: number;
  perturbation: number;
  alpha: number;
  gamma: number;
  perturbations: number;
  calibrationPerturbations: number;
};

/** c_k, per coordinate (integer parameters keep at least their sampling floor). */
export function perturbationSizes(state: SpsaState): Float64Array {
  const ck = state.perturbation / (state.iteration + 1) ** state.gamma; // Eq. (gains)
  return flooredScales(state.theta.length, ck, state.stdDevFloor);
}

export const spsa = defineStrategy<SpsaState, Options>({
  id: 'spsa',
  title: 'SPSA (simultaneous perturbation)',
  summary:
    'Stochastic approximation with simultaneous-perturbation gradients: two evaluations per gradient estimate ' +
    'whatever the dimension, decaying gains a_k, c_k (Spall 1992). For high-dimensional, noisy problems; ' +
    'converges slowly (sublinearly) once close.',
  reference: 'Spall 1992, IEEE TAC 37(3); Spall 1998, IEEE TAES 34(3)',
  options,

  init(_rng, start, opts, context?: InitContext): SpsaState {
    return {
      theta: Float64Array.from(start),
      iteration: 0,
      gain: opts.gain,
      stabilityConstant: opts.stabilityConstant,
      perturbation: opts.perturbation,
      alpha: opts.alpha,
      gamma: opts.gamma,
      stepSize: opts.stepSize,
      perturbations: opts.perturbations,
      calibrationPerturbations: opts.calibrationPerturbations,
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null,
    };
  },

  ask(rng, state) {
    const n = state.theta.length;
    // The first iteration averages more estimates when it also calibrates the gain.
    const count =
      state.gain === 0 ? Math.max(state.perturbations, state.calibrationPerturbations) : state.perturbations;
    const directions = Array.from(
      { length: count },
      () => Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1)), // Bernoulli ±1
    );
    return { candidates: mirroredPairs(state.theta, directions, perturbationSizes(state)), state };
  },

  tell(state, candidates, fitness): TellResult<SpsaState> {
    const n = state.theta.length;
    const gradient = new Float64Array(n);
    for (let p = 0; p + 1 < candidates.length; p += 2) {
      const difference = fitness[p] - fitness[p + 1];
      for (let i = 0; i < n; i++) {
        // x₊ − x₋ = 2 c_k Δ_i, so this is (f₊ − f₋)/(2 c_k Δ_i).
        gradient[i] += difference / (candidates[p][i] - candidates[p + 1][i]); // Eq. (SP gradient)
      }
    }
    const estimates = candidates.length / 2;
    for (let i = 0; i < n; i++) gradient[i] /= estimates;

    let gain = state.gain;
    if (gain === 0) {
      // Mean magnitude of the individual estimates' components (not of their average, which
      // shrinks with the number of estimates when the slope is small against the noise).
      let meanMagnitude = 0;
      for (let p = 0; p + 1 < candidates.length; p += 2) {
        const difference = fitness[p] - fitness[p + 1];
        for (let i = 0; i < n; i++) {
          meanMagnitude += Math.abs(difference / (candidates[p][i] - candidates[p + 1][i])) / (n * estimates);
        }
      }
      // Spall (1998): a₀·|ĝ₀| ≈ the desired early change; a flat start keeps a = 0 until a slope shows.
      if (meanMagnitude > 0)
        gain = (state.stepSize * (state.stabilityConstant + 1) ** state.alpha) / meanMagnitude;
    }
    const ak = gain / (state.iteration + 1 + state.stabilityConstant) ** state.alpha; // Eq. (gains)
    const theta = Float64Array.from(state.theta, (v, i) => v - ak * gradient[i]); // Eq. (SA recursion)
    const next: SpsaState = { ...state, theta, gain, iteration: state.iteration + 1 };
    return { state: next, metrics: { gainA: ak, perturbationC: perturbationSizes(next)[0] } };
  },

  distribution(state) {
    const sizes = perturbationSizes(state);
    return {
      mean: state.theta,
      stdDevs: sizes,
      stepSize: state.perturbation / (state.iteration + 1) ** state.gamma,
    };
  },
});
