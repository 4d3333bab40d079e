/**
 * The trainer contract: ask / tell over plain state, like the strategies (engine/core/strategy.ts),
 * with the black box F between them. `ask` turns a minibatch into the points (sample, o) at
 * which F must be evaluated; `tell` reads F's answers and updates the model. State is plain
 * data (Float64Arrays, numbers), written to checkpoints through engine/core/state-codec.ts,
 * so a resumed run continues bit for bit.
 */
import type { Rng } from '../core/rng';
import type { Catalogued, OptionValue } from '../core/strategy';
import type { MlpSpec } from './mlp';

/** The data a trainer sees: standardised inputs, raw targets and the loss's scale per target. */
export interface TrainSet {
  /** NN inputs, standardised (x − mean)/std, one row per sample. */
  inputs: Float64Array[];
  /** Targets Y in F's units, one row per sample. */
  targets: Float64Array[];
}

/** Everything fixed for a run that trainers need besides their options. */
export interface TrainContext {
  model: MlpSpec;
  /** o = offset + scale ⊙ NN(x̃): the model's raw outputs mapped to F's units. */
  outputOffset: Float64Array;
  outputScale: Float64Array;
  /** Targets' mean and standard deviation: the loss is in standardised target units. */
  targetMean: Float64Array;
  targetScale: Float64Array;
  data: TrainSet;
}

/** One evaluation of F wanted: at sample `sample`'s inputs x and model outputs o. */
export interface Query {
  sample: number;
  o: Float64Array;
  /** Also return ∂F/∂o (the `oracle` reference mode; only module black boxes can). */
  gradient?: boolean;
}

/** F's answer: y, or null when the call failed (the sample is dropped from the step). */
export interface Answer {
  y: Float64Array | null;
  /** ∂y_i/∂o_j, rows i over y, when the query asked for it. */
  jacobian?: Float64Array[];
}

export type TrainMetrics = {
  /** Mean loss of the step's minibatch at the points F was asked (NaN if every sample failed). */
  trainLoss: number;
  /** Samples (or candidates) dropped because F failed for them. */
  dropped: number;
} & Record<string, number>;

/** What tell returns. */
export type Told<State> = { state: State; metrics: TrainMetrics };

export interface Trainer<
  State = unknown,
  Options extends Record<string, OptionValue> = Record<string, OptionValue>,
> extends Catalogued {
  /** Which answer of seed 000 (or paper) it implements. */
  reference: string;
  /** True if it needs ∂F/∂o from the black box (only `oracle`). */
  needsGradient?: boolean;
  /** Options beyond `options` are accepted and checked by init (es: the strategy's own). */
  passThroughOptions?: boolean;
  init(rng: Rng, context: TrainContext, options: Options, weights: Float64Array): State;
  ask(rng: Rng, context: TrainContext, state: State, batch: number[]): { queries: Query[]; state: State };
  tell(
    rng: Rng,
    context: TrainContext,
    state: State,
    batch: number[],
    queries: Query[],
    answers: Answer[],
  ): Told<State>;
  /** The model weights to validate and export now (for ES/REINFORCE: the distribution's mean). */
  weights(state: State): Float64Array;
  /**
   * A state read back from a checkpoint in the form this version keeps (see Strategy.revive);
   * the same state when it already is.
   */
  revive?(state: State): State;
}

export function defineTrainer<State, Options extends Record<string, OptionValue>>(
  trainer: Trainer<State, Options>,
): Trainer<State, Options> {
  return trainer;
}
