/**
 * The loss of one sample, ℓ = (1/m) Σ_j ((y_j − t_j)/s_j)², mean squared error in standardised
 * target units: 1 is what always predicting the targets' mean scores, 0 is a perfect fit.
 * ‖Y − F(X, NN(X))‖² of seed 000, scaled so losses compare across problems.
 */
import type { TrainContext } from './trainer';
import { predict } from './mlp';

export function sampleLoss(
  y: ArrayLike<number>,
  target: ArrayLike<number>,
  scale: ArrayLike<number>,
): number {
  let sum = 0;
  for (let j = 0; j < target.length; j++) sum += ((y[j] - target[j]) / scale[j]) ** 2;
  return sum / target.length;
}

/** ∂ℓ/∂y = (2/m)(y − t)/s². */
export function lossGradient(
  y: ArrayLike<number>,
  target: ArrayLike<number>,
  scale: ArrayLike<number>,
): Float64Array {
  const m = target.length;
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) out[j] = (2 / m) * ((y[j] - target[j]) / (scale[j] * scale[j]));
  return out;
}

/** o = offset + scale ⊙ z for the network's raw output z. */
export function toOutputs(context: TrainContext, z: ArrayLike<number>): Float64Array {
  const o = new Float64Array(z.length);
  for (let j = 0; j < z.length; j++) o[j] = context.outputOffset[j] + context.outputScale[j] * z[j];
  return o;
}

/** The model's outputs o for one sample under `weights`. */
export function modelOutputs(
  context: TrainContext,
  weights: ArrayLike<number>,
  sample: number,
): Float64Array {
  return toOutputs(context, predict(context.model, weights, context.data.inputs[sample]));
}

/** Mean of the finite entries, NaN when there are none. */
export function finiteMean(values: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const v of values)
    if (Number.isFinite(v)) {
      sum += v;
      count += 1;
    }
  return count ? sum / count : Number.NaN;
}
