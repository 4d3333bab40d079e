/**
 * Scoring whole weight vectors on a minibatch, shared by `reinforce` and `es`: each
 * candidate's model is run on every sample of the batch, F is asked once per (candidate,
 * sample), and a candidate's loss is the mean over the samples F answered.
 */
import { modelOutputs, sampleLoss } from '../loss';
import type { Answer, Query, TrainContext } from '../trainer';

export function candidateQueries(
  context: TrainContext,
  candidates: Float64Array[],
  batch: number[],
): Query[] {
  const queries: Query[] = [];
  for (const weights of candidates)
    for (const sample of batch) queries.push({ sample, o: modelOutputs(context, weights, sample) });
  return queries;
}

/** Each candidate's mean loss (NaN when F failed on all its samples) and the failed samples. */
export function candidateLosses(
  context: TrainContext,
  candidates: number,
  batch: number[],
  answers: Answer[],
): { losses: number[]; dropped: number } {
  const losses: number[] = [];
  let dropped = 0;
  for (let c = 0; c < candidates; c++) {
    let sum = 0;
    let count = 0;
    batch.forEach((sample, b) => {
      const y = answers[c * batch.length + b].y;
      if (!y) {
        dropped += 1;
        return;
      }
      sum += sampleLoss(y, context.data.targets[sample], context.targetScale);
      count += 1;
    });
    losses.push(count ? sum / count : Number.NaN);
  }
  return { losses, dropped };
}
