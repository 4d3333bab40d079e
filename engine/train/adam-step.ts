/**
 * An Adam optimiser over a flat parameter vector as plain state, on top of the moment
 * updates in engine/strategies/shared/adam.ts (Kingma & Ba 2015, Algorithm 1).
 */
import { adamDirection, updateFirstMoment, updateSecondMoment } from '../strategies/shared/adam';

export interface AdamState {
  firstMoment: Float64Array;
  secondMoment: Float64Array;
  steps: number;
}

export function initialAdam(size: number): AdamState {
  return { firstMoment: new Float64Array(size), secondMoment: new Float64Array(size), steps: 0 };
}

const beta1 = 0.9;
const beta2 = 0.999;
const epsilon = 1e-8;

/** θ ← θ − rate · m̂/(√v̂ + ε) for the loss gradient g. Returns the new θ and state. */
export function adamStep(
  params: Float64Array,
  gradient: ArrayLike<number>,
  state: AdamState,
  rate: number,
): { params: Float64Array; state: AdamState } {
  const firstMoment = updateFirstMoment(state.firstMoment, gradient, beta1);
  const secondMoment = updateSecondMoment(state.secondMoment, gradient, beta2);
  const steps = state.steps + 1;
  const direction = adamDirection(firstMoment, secondMoment, steps, beta1, beta2, epsilon);
  return {
    params: params.map((p, i) => p - rate * direction[i]),
    state: { firstMoment, secondMoment, steps },
  };
}
