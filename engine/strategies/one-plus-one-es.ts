/**
 * (1+1)-ES with the one-fifth success rule.
 *
 * One parent, one Gaussian offspring per generation; the offspring replaces the parent when
 * it is at least as good. The step size follows Rechenberg's (1973) one-fifth success rule
 * in the smooth exponential form of Kern et al. (2004), "Learning probability distributions
 * in continuous evolutionary algorithms — a comparative review", Natural Computing 3, and
 * Auger & Hansen, "Tutorial: Evolution Strategies and CMA-ES" (GECCO):
 *
 *   σ ← σ · exp((1[f(child) ≤ f(parent)] − p_target) / d)
 *
 * so σ is stationary when the success rate equals p_target = 1/5, grows when more
 * offspring succeed (the step is too small to matter) and shrinks otherwise. With
 * d = 12/5 it is the tutorial's "multiply by exp(1/3) on success, by exp(−1/12) on failure".
 *
 * Generation 0 evaluates the start point and a first offspring; every later generation is one
 * offspring.
 */
import { defineStrategy, type InitContext, type OptionSpecs, type TellResult } from '../core/strategy';
import type { Rng } from '../core/rng';
import { flooredScales } from './shared/std-dev-floor';

export interface OnePlusOneState {
  /** Current parent, internal coordinates. */
  mean: Float64Array;
  /** f(parent); NaN until the start point has been evaluated. */
  meanFitness: number;
  stepSize: number;
  successTarget: number;
  damping: number;
  /** Per-coordinate lower bound on the sampling standard deviation (integer parameters). */
  stdDevFloor: Float64Array | null;
  /** Successes among the recent offspring (exponentially smoothed), for the metrics. */
  successRate: number;
}

const options = {
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description: 'initial step size σ, in internal units (1 = the whole range of a bounded parameter)',
  },
  successTarget: {
    default: 0.2,
    min: 0.01,
    max: 0.99,
    description: 'target success rate p_target: σ is stationary at this rate (the 1/5 rule)',
  },
  damping: {
    default: 2.4,
    min: 0.1,
    description: 'damping d of the step-size update exp((success − p_target)/d); 12/5 is the tutorial’s rule',
  },
} satisfies OptionSpecs;

type Options = { stepSize: number; successTarget: number; damping: number };

function stdDevs(state: OnePlusOneState): Float64Array {
  return flooredScales(state.mean.length, state.stepSize, state.stdDevFloor);
}

export const onePlusOneEs = defineStrategy<OnePlusOneState, Options>({
  id: 'one-plus-one-es',
  title: '(1+1)-ES',
  summary:
    'One parent, one Gaussian child per generation, step size by the 1/5 success rule. Cheap and robust on ' +
    'unimodal problems; one evaluation per generation, so it cannot use parallel workers.',
  reference:
    'Rechenberg 1973; Kern et al. 2004, Natural Computing 3; Auger & Hansen, GECCO tutorial on evolution strategies',
  options,

  init(_rng: Rng, start: Float64Array, opts: Options, context?: InitContext): OnePlusOneState {
    return {
      mean: Float64Array.from(start),
      meanFitness: Number.NaN,
      stepSize: opts.stepSize,
      successTarget: opts.successTarget,
      damping: opts.damping,
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null,
      successRate: opts.successTarget,
    };
  },

  ask(rng, state) {
    const scales = stdDevs(state);
    const child = new Float64Array(state.mean.length);
    for (let i = 0; i < child.length; i++) child[i] = state.mean[i] + scales[i] * rng.gaussian();
    // Generation 0 also evaluates the start point, the first parent.
    const candidates = Number.isNaN(state.meanFitness) ? [Float64Array.from(state.mean), child] : [child];
    return { candidates, state };
  },

  tell(state, candidates, fitness): TellResult<OnePlusOneState> {
    const first = Number.isNaN(state.meanFitness);
    const parentFitness = first ? fitness[0] : state.meanFitness;
    const childFitness = fitness[candidates.length - 1];
    const success = childFitness <= parentFitness;
    const indicator = success ? 1 : 0;
    const next: OnePlusOneState = {
      ...state,
      mean: success ? Float64Array.from(candidates[candidates.length - 1]) : state.mean,
      meanFitness: success ? childFitness : parentFitness,
      // Eq. (1/5 rule): σ ← σ·exp((1[success] − p_target)/d)   (Kern et al. 2004; Auger & Hansen)
      stepSize: state.stepSize * Math.exp((indicator - state.successTarget) / state.damping),
      successRate: 0.9 * state.successRate + 0.1 * indicator,
    };
    return { state: next, metrics: { stepSize: next.stepSize, successRate: next.successRate } };
  },

  distribution(state) {
    return {
      mean: state.mean,
      stdDevs: stdDevs(state),
      stepSize: state.stepSize,
    };
  },
});
