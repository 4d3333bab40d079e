/**
 * Simulated annealing with Gaussian proposals, an adaptive proposal scale and geometric
 * cooling.
 *
 * Kirkpatrick, Gelatt & Vecchi (1983), "Optimization by simulated annealing", Science 220;
 * Metropolis et al. (1953) for the acceptance rule; the proposal scale is adapted towards a
 * target acceptance rate as in Corana, Marchesi, Martini & Ridella (1987), "Minimizing
 * multimodal functions of continuous variables with the simulated annealing algorithm",
 * ACM TOMS 13, here in a smooth exponential form instead of Corana's per-coordinate batches.
 *
 * One chain, one proposal y = x + s·z, z ~ N(0, I) per generation. With Δ = f(y) − f(x):
 *
 *   accept y  if  Δ ≤ 0  or  u < exp(−Δ/T),   u ~ U[0, 1)          (Metropolis)
 *   T ← T · coolingRate                                           (geometric cooling)
 *   s ← s · exp((1[accepted] − targetAcceptance) / d)              (scale adaptation)
 *
 * The uniform u is drawn in `ask` together with the proposal (tell has no generator), so a
 * run stays reproducible and a checkpoint holds everything tell needs.
 *
 * Initial temperature: when `initialTemperature` is 0, generation 0 evaluates the start
 * point and `calibrationSamples` proposals around it, and sets T₀ so that the mean uphill
 * move among them would be accepted with probability `initialAcceptance`:
 * T₀ = −mean(Δ⁺)/ln(χ₀) (the usual acceptance-ratio rule, e.g. Johnson et al. 1989).
 *
 * On a quadratic the chain equilibrates at f ≈ n·T/2 above the minimum, so reaching a
 * precision ε takes about ln(T₀/ε)/(1 − coolingRate) proposals: SA is slow at polishing,
 * and pays for its ability to walk out of local minima.
 */
import { defineStrategy, type InitContext, type OptionSpecs, type TellResult } from '../core/strategy';
import type { Rng } from '../core/rng';
import { flooredScales } from './shared/std-dev-floor';

export interface SimulatedAnnealingState {
  /** Current point of the chain, internal coordinates. */
  current: Float64Array;
  /** f(current); NaN until generation 0 has been told. */
  currentFitness: number;
  /** Proposal scale s (internal units). */
  stepSize: number;
  temperature: number;
  coolingRate: number;
  targetAcceptance: number;
  damping: number;
  calibrationSamples: number;
  initialAcceptance: number;
  /** The uniform for the Metropolis test of the pending proposal. */
  uniform: number;
  /** Exponentially smoothed acceptance rate, for the metrics. */
  acceptanceRate: number;
  stdDevFloor: Float64Array | null;
}

const options = {
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description: 'initial proposal scale s (std of the Gaussian proposal), in internal units',
  },
  initialTemperature: {
    default: 0,
    min: 0,
    description: 'initial temperature T₀ in fitness units; 0 = calibrate from the first generation',
  },
  calibrationSamples: {
    default: 10,
    min: 1,
    integer: true,
    description: 'proposals evaluated in generation 0 to calibrate T₀ (only when initialTemperature is 0)',
  },
  initialAcceptance: {
    default: 0.5,
    min: 0.01,
    max: 0.99,
    description: 'calibration target χ₀: probability of accepting the mean uphill move at T₀',
  },
  coolingRate: {
    default: 0.99,
    dimensionDefault: (n: number) => 1 - 0.1 / n,
    defaultText: '1 − 0.1/n',
    min: 0.5,
    max: 1,
    description: 'geometric cooling factor applied to T after every proposal (1 = constant temperature)',
  },
  targetAcceptance: {
    default: 0.25,
    min: 0.01,
    max: 0.99,
    description: 'the proposal scale grows when more proposals are accepted than this, and shrinks otherwise',
  },
  damping: {
    default: 2.4,
    min: 0.1,
    description: 'damping d of the proposal-scale update exp((accepted − target)/d)',
  },
} satisfies OptionSpecs;

type Options = {
  stepSize: number;
  initialTemperature: number;
  calibrationSamples: number;
  initialAcceptance: number;
  coolingRate: number;
  targetAcceptance: number;
  damping: number;
};

function proposalStdDevs(state: SimulatedAnnealingState): Float64Array {
  return flooredScales(state.current.length, state.stepSize, state.stdDevFloor);
}

function propose(rng: Rng, state: SimulatedAnnealingState): Float64Array {
  const stdDevs = proposalStdDevs(state);
  const y = new Float64Array(state.current.length);
  for (let i = 0; i < y.length; i++) y[i] = state.current[i] + stdDevs[i] * rng.gaussian();
  return y;
}

/** The Metropolis rule: downhill always, uphill with probability exp(−Δ/T). */
export function metropolisAccepts(delta: number, temperature: number, uniform: number): boolean {
  if (delta <= 0) return true;
  if (!(temperature > 0)) return false;
  return uniform < Math.exp(-delta / temperature); // Eq. (Metropolis)
}

export const simulatedAnnealing = defineStrategy<SimulatedAnnealingState, Options>({
  id: 'simulated-annealing',
  title: 'Simulated annealing',
  summary:
    'One Metropolis chain with Gaussian proposals, geometric cooling and a proposal scale adapted towards a ' +
    'target acceptance rate. Can walk out of local minima; slow to polish (thousands of evaluations on a 10-D ' +
    'sphere) and sequential: one evaluation per generation.',
  reference: 'Kirkpatrick et al. 1983, Science 220; Metropolis et al. 1953; Corana et al. 1987, ACM TOMS 13',
  options,

  init(_rng, start, opts, context?: InitContext): SimulatedAnnealingState {
    return {
      current: Float64Array.from(start),
      currentFitness: Number.NaN,
      stepSize: opts.stepSize,
      temperature: opts.initialTemperature,
      coolingRate: opts.coolingRate,
      targetAcceptance: opts.targetAcceptance,
      damping: opts.damping,
      calibrationSamples: opts.initialTemperature > 0 ? 0 : opts.calibrationSamples,
      initialAcceptance: opts.initialAcceptance,
      uniform: 0,
      acceptanceRate: opts.targetAcceptance,
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null,
    };
  },

  ask(rng, state) {
    if (Number.isNaN(state.currentFitness)) {
      const candidates: Float64Array[] = [Float64Array.from(state.current)];
      for (let k = 0; k < state.calibrationSamples; k++) candidates.push(propose(rng, state));
      return { candidates, state };
    }
    const candidate = propose(rng, state);
    return { candidates: [candidate], state: { ...state, uniform: rng.uniform() } };
  },

  tell(state, candidates, fitness): TellResult<SimulatedAnnealingState> {
    if (Number.isNaN(state.currentFitness)) {
      const f0 = fitness[0];
      let temperature = state.temperature;
      if (!(temperature > 0)) {
        let uphill = 0;
        let uphillCount = 0;
        let absolute = 0;
        for (let k = 1; k < fitness.length; k++) {
          const delta = fitness[k] - f0;
          absolute += Math.abs(delta);
          if (delta > 0) {
            uphill += delta;
            uphillCount++;
          }
        }
        const typical = uphillCount > 0 ? uphill / uphillCount : absolute / Math.max(1, fitness.length - 1);
        temperature = typical > 0 ? -typical / Math.log(state.initialAcceptance) : 1;
      }
      const next = { ...state, currentFitness: f0, temperature };
      return { state: next, metrics: { temperature, stepSize: next.stepSize } };
    }
    const delta = fitness[0] - state.currentFitness;
    const accepted = metropolisAccepts(delta, state.temperature, state.uniform);
    const indicator = accepted ? 1 : 0;
    const next: SimulatedAnnealingState = {
      ...state,
      current: accepted ? Float64Array.from(candidates[0]) : state.current,
      currentFitness: accepted ? fitness[0] : state.currentFitness,
      temperature: state.temperature * state.coolingRate, // Eq. (geometric cooling)
      stepSize: state.stepSize * Math.exp((indicator - state.targetAcceptance) / state.damping),
      acceptanceRate: 0.95 * state.acceptanceRate + 0.05 * indicator,
    };
    return {
      state: next,
      metrics: {
        temperature: next.temperature,
        stepSize: next.stepSize,
        acceptanceRate: next.acceptanceRate,
      },
    };
  },

  distribution(state) {
    return {
      mean: state.current,
      stdDevs: proposalStdDevs(state),
      stepSize: state.stepSize,
    };
  },
});
