/**
 * `fd-backprop` — seed 000, first and second answers ("numerical derivative"): ∂F/∂o by
 * central differences, (F(o + h e_j) − F(o − h e_j)) / 2h, 2k calls per sample besides F(o)
 * itself, then ordinary backpropagation through NN with Adam.
 *
 * The step h_j = relativeStep · (typical |o_j|): the root mean square of o_j over recent
 * minibatches (an exponential average), so h follows the outputs' scale as training moves
 * them; never below minStep. A noisy or non-smooth F wants a larger relativeStep (the
 * difference must rise above the noise), a smooth one a small step (truncation error ∝ h²).
 */
import { defineTrainer, type Answer, type Told, type Query } from '../trainer';
import { adamStep, initialAdam, type AdamState } from '../adam-step';
import { modelOutputs } from '../loss';
import { backpropThroughF, type SampleSlope } from './backprop';

type FdBackpropOptions = { learningRate: number; relativeStep: number; minStep: number; scaleDecay: number };

export interface FdBackpropState {
  options: FdBackpropOptions;
  weights: Float64Array;
  adam: AdamState;
  /** Exponential average of o_j² (NaN before the first batch). */
  outputSquare: Float64Array;
  /** The step used by the last ask, per output. */
  step: Float64Array;
}

const options = {
  learningRate: { default: 0.01, min: 1e-9, description: 'Adam learning rate for the model weights' },
  relativeStep: {
    default: 1e-3,
    min: 1e-12,
    description:
      'finite-difference step h as a fraction of the outputs’ typical size (RMS over recent batches)',
  },
  minStep: { default: 1e-6, min: 1e-15, description: 'smallest finite-difference step, in o’s units' },
  scaleDecay: {
    default: 0.1,
    min: 0,
    max: 1,
    description: 'weight of the newest minibatch in the running RMS of o that sets h',
  },
};

/**
 * Each sample's F(o) and central-difference Jacobian from its 1 + 2k answers (o, then
 * o ± h_j e_j per output j); a sample with any failed answer is left out.
 */
export function differenceSlopes(
  k: number,
  step: ArrayLike<number>,
  batch: number[],
  answers: Answer[],
): SampleSlope[] {
  const perSample = 1 + 2 * k;
  const slopes: SampleSlope[] = [];
  batch.forEach((sample, b) => {
    const group = answers.slice(b * perSample, (b + 1) * perSample);
    if (group.some((a) => a.y === null)) return;
    const [center, ...sides] = group.map((answer) => answer.y as Float64Array);
    const m = center.length;
    const jacobian = Array.from({ length: m }, () => new Float64Array(k));
    for (let j = 0; j < k; j++) {
      const up = sides[2 * j];
      const down = sides[2 * j + 1];
      for (let i = 0; i < m; i++) jacobian[i][j] = (up[i] - down[i]) / (2 * step[j]);
    }
    slopes.push({ sample, y: center, jacobian });
  });
  return slopes;
}

export const fdBackprop = defineTrainer<FdBackpropState, FdBackpropOptions>({
  id: 'fd-backprop',
  title: 'Finite differences + backprop',
  summary:
    'Central differences of F with respect to the model outputs (2k extra calls per sample), then backpropagation with Adam.',
  reference: 'seed 000, answers 1 and 2 ("numerical derivative")',
  options,
  init(_rng, context, options, weights) {
    const k = context.outputScale.length;
    return {
      options,
      weights,
      adam: initialAdam(weights.length),
      outputSquare: new Float64Array(k).fill(Number.NaN),
      step: new Float64Array(k),
    };
  },
  ask(_rng, context, state, batch) {
    const k = context.outputScale.length;
    const outputs = batch.map((sample) => modelOutputs(context, state.weights, sample));
    const { relativeStep, minStep, scaleDecay } = state.options;
    const outputSquare = new Float64Array(k);
    const step = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (const o of outputs) sum += o[j] * o[j];
      const batchSquare = sum / Math.max(1, outputs.length);
      const previous = state.outputSquare[j];
      outputSquare[j] = Number.isNaN(previous)
        ? batchSquare
        : (1 - scaleDecay) * previous + scaleDecay * batchSquare;
      step[j] = Math.max(minStep, relativeStep * Math.sqrt(outputSquare[j]));
    }
    const queries: Query[] = [];
    batch.forEach((sample, b) => {
      const o = outputs[b];
      queries.push({ sample, o });
      for (let j = 0; j < k; j++) {
        const up = Float64Array.from(o);
        const down = Float64Array.from(o);
        up[j] += step[j];
        down[j] -= step[j];
        queries.push({ sample, o: up }, { sample, o: down });
      }
    });
    return { queries, state: { ...state, outputSquare, step } };
  },
  tell(_rng, context, state, batch, _queries, answers): Told<FdBackpropState> {
    const slopes = differenceSlopes(context.outputScale.length, state.step, batch, answers);
    const dropped = batch.length - slopes.length;
    if (!slopes.length) return { state, metrics: { trainLoss: Number.NaN, dropped } };
    const { loss, gradient } = backpropThroughF(context, state.weights, slopes);
    const next = adamStep(state.weights, gradient, state.adam, state.options.learningRate);
    return {
      state: { ...state, weights: next.params, adam: next.state },
      metrics: { trainLoss: loss, dropped, step: state.step[0] },
    };
  },
  weights: (state) => state.weights,
});
