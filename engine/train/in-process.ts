/**
 * Training with F as a plain synchronous function, no processes or files: the same
 * ask → F → tell loop as engine/node/train/session.ts, for tests and bench/train.ts, where
 * thousands of runs must be cheap. Validation loss is recorded against the training calls
 * of F made so far.
 */
import { drawBatch } from './batch';
import type { Rng } from '../core/rng';
import { predict } from './mlp';
import { sampleLoss, toOutputs } from './loss';
import type { Answer, TrainContext, Trainer } from './trainer';

/** F(x, o) → y, or null for a failed call; `gradient` adds ∂y/∂o for the oracle. */
export interface InProcessBlackBox {
  /** `id` numbers the calls (a noisy F may seed its noise with it). */
  evaluate(x: Float64Array, o: Float64Array, id: number): Float64Array | null;
  gradient?(x: Float64Array, o: Float64Array): Float64Array[];
}

export interface InProcessRun {
  trainer: Trainer;
  context: TrainContext;
  /** Raw training inputs (what F sees), row by row, matching context.data. */
  rawInputs: Float64Array[];
  validation: { inputs: Float64Array[]; standardised: Float64Array[]; targets: Float64Array[] };
  blackBox: InProcessBlackBox;
  rng: Rng;
  state: unknown;
  batchSize: number;
  steps?: number;
  fCalls?: number;
  validateEvery: number;
}

export interface CurvePoint {
  step: number;
  fCalls: number;
  validationLoss: number;
}

export function validationLoss(
  context: TrainContext,
  weights: Float64Array,
  validation: InProcessRun['validation'],
  blackBox: InProcessBlackBox,
  firstId = -1 - validation.inputs.length,
): number {
  let sum = 0;
  let count = 0;
  validation.standardised.forEach((x, r) => {
    const o = toOutputs(context, predict(context.model, weights, x));
    const y = blackBox.evaluate(validation.inputs[r], o, firstId + r);
    if (!y) return;
    sum += sampleLoss(y, validation.targets[r], context.targetScale);
    count += 1;
  });
  return count ? sum / count : Number.NaN;
}

/** Runs to the budget; returns the validation curve and the final state. */
export function trainInProcess(run: InProcessRun): { curve: CurvePoint[]; state: unknown; fCalls: number } {
  const { trainer, context, rng, blackBox } = run;
  let state = run.state;
  let fCalls = 0;
  const curve: CurvePoint[] = [];
  for (let step = 1; ; step++) {
    if (run.steps !== undefined && step > run.steps) break;
    if (run.fCalls !== undefined && fCalls >= run.fCalls) break;
    const batch = drawBatch(rng, context.data.inputs.length, run.batchSize);
    const asked = trainer.ask(rng, context, state, batch);
    const answers: Answer[] = asked.queries.map((q, i) => {
      const x = run.rawInputs[q.sample];
      const y = blackBox.evaluate(x, q.o, fCalls + i);
      if (!y || !q.gradient) return { y };
      return { y, jacobian: blackBox.gradient!(x, q.o) };
    });
    fCalls += asked.queries.length;
    state = trainer.tell(rng, context, asked.state, batch, asked.queries, answers).state;
    const last =
      (run.steps !== undefined && step >= run.steps) || (run.fCalls !== undefined && fCalls >= run.fCalls);
    if (step % run.validateEvery === 0 || last)
      curve.push({
        step,
        fCalls,
        validationLoss: validationLoss(context, trainer.weights(state), run.validation, blackBox),
      });
  }
  return { curve, state, fCalls };
}
