/**
 * Baselines b for score-function (REINFORCE) gradient estimates, which weight each sample by
 * f − b: any b that does not depend on the sample keeps the estimate unbiased, and one close
 * to the typical f reduces its variance (Williams 1992; seed documents 000 and 001).
 */

/** The mean of a batch, summed as Σ vₖ/count in batch order. */
export function batchMean(values: ArrayLike<number>): number {
  const count = values.length;
  let mean = 0;
  for (let k = 0; k < count; k++) mean += values[k] / count;
  return mean;
}

/**
 * b ← decay·b + (1 − decay)·batchMean, starting from the first batch's mean (while
 * `previous` is not finite, e.g. NaN before the first batch).
 */
export function movingAverageBaseline(previous: number, decay: number, batchMean: number): number {
  return Number.isFinite(previous) ? decay * previous + (1 - decay) * batchMean : batchMean;
}
