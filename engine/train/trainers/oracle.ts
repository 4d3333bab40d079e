/**
 * `oracle` — true backpropagation, for black boxes that are JS modules exporting their
 * gradient ∂F/∂o as well. Not a black-box method: the reference line the others are
 * measured against in tests and bench/train.ts.
 */
import { defineTrainer, type Told } from '../trainer';
import { adamStep, initialAdam, type AdamState } from '../adam-step';
import { modelOutputs } from '../loss';
import { backpropThroughF, type SampleSlope } from './backprop';

type OracleOptions = { learningRate: number };

export interface OracleState {
  options: OracleOptions;
  weights: Float64Array;
  adam: AdamState;
}

export const oracle = defineTrainer<OracleState, OracleOptions>({
  id: 'oracle',
  title: 'Oracle backprop (reference)',
  summary:
    'Backpropagation with the gradient the module black box exports: the reference, not a black-box method.',
  reference: 'exact gradient; the bound the black-box trainers are compared with',
  options: {
    learningRate: { default: 0.01, min: 1e-9, description: 'Adam learning rate for the model weights' },
  },
  needsGradient: true,
  init: (_rng, _context, options, weights) => ({ options, weights, adam: initialAdam(weights.length) }),
  ask(_rng, context, state, batch) {
    const queries = batch.map((sample) => ({
      sample,
      o: modelOutputs(context, state.weights, sample),
      gradient: true,
    }));
    return { queries, state };
  },
  tell(_rng, context, state, batch, _queries, answers): Told<OracleState> {
    const slopes: SampleSlope[] = [];
    batch.forEach((sample, b) => {
      const { y, jacobian } = answers[b];
      if (y && jacobian) slopes.push({ sample, y, jacobian });
    });
    const dropped = batch.length - slopes.length;
    if (!slopes.length) return { state, metrics: { trainLoss: Number.NaN, dropped } };
    const { loss, gradient } = backpropThroughF(context, state.weights, slopes);
    const next = adamStep(state.weights, gradient, state.adam, state.options.learningRate);
    return {
      state: { ...state, weights: next.params, adam: next.state },
      metrics: { trainLoss: loss, dropped },
    };
  },
  weights: (state) => state.weights,
});
