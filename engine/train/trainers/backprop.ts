/**
 * Backpropagation through F given ∂F/∂o: the chain rule of seed 000's first answer,
 * ∂ℓ/∂π = ∂ℓ/∂y · ∂F/∂o · ∂o/∂π, with ∂F/∂o from finite differences (`fd-backprop`) or from
 * the black box itself (`oracle`).
 */
import { backward, forward } from '../mlp';
import { lossGradient, sampleLoss } from '../loss';
import type { TrainContext } from '../trainer';

export interface SampleSlope {
  sample: number;
  /** F at the model's outputs. */
  y: Float64Array;
  /** ∂y_i/∂o_j, rows over y. */
  jacobian: Float64Array[];
}

/** The mean loss and its gradient over the weights, averaged over the given samples. */
export function backpropThroughF(
  context: TrainContext,
  weights: Float64Array,
  slopes: SampleSlope[],
): { loss: number; gradient: Float64Array } {
  const gradient = new Float64Array(weights.length);
  let loss = 0;
  const k = context.outputScale.length;
  for (const { sample, y, jacobian } of slopes) {
    const target = context.data.targets[sample];
    loss += sampleLoss(y, target, context.targetScale);
    const dy = lossGradient(y, target, context.targetScale);
    const dz = new Float64Array(k); // ∂ℓ/∂z = scale ⊙ Jᵀ ∂ℓ/∂y
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let i = 0; i < dy.length; i++) sum += jacobian[i][j] * dy[i];
      dz[j] = context.outputScale[j] * sum;
    }
    backward(
      context.model,
      weights,
      forward(context.model, weights, context.data.inputs[sample]),
      dz,
      gradient,
    );
  }
  const count = slopes.length;
  if (count) for (let i = 0; i < gradient.length; i++) gradient[i] /= count;
  return { loss: count ? loss / count : Number.NaN, gradient };
}
