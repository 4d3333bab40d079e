/**
 * Candidates built by perturbing a point coordinate-wise: independent Gaussian samples around
 * a mean, and mirrored (antithetic) pairs along given directions. Shared by the strategies
 * whose search distribution is diagonal in the internal coordinates.
 */
import type { Rng } from '../../core/rng';

/**
 * `count` samples xₖ = mean + stdDevs ⊙ zₖ, zₖ ~ N(0, I), drawn one after another; returns the
 * zₖ with them because the score-function updates are written in terms of zₖ.
 */
export function gaussianSamples(
  rng: Rng,
  mean: Float64Array,
  stdDevs: Float64Array,
  count: number,
): { noise: Float64Array[]; candidates: Float64Array[] } {
  const noise: Float64Array[] = [];
  const candidates: Float64Array[] = [];
  for (let k = 0; k < count; k++) {
    const z = rng.gaussians(new Float64Array(mean.length));
    noise.push(z);
    candidates.push(mean.map((m, i) => m + stdDevs[i] * z[i]));
  }
  return { noise, candidates };
}

/**
 * centre + scales ⊙ d and centre − scales ⊙ d for every direction d, in that order, pair by
 * pair: the perturbations of a pair are exact negatives of each other, so the difference of
 * their fitness values cancels the even-order terms of f around the centre.
 */
export function mirroredPairs(
  centre: Float64Array,
  directions: Float64Array[],
  scales: Float64Array,
): Float64Array[] {
  const n = centre.length;
  const points: Float64Array[] = [];
  for (const d of directions) {
    const plus = new Float64Array(n);
    const minus = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      plus[k] = centre[k] + scales[k] * d[k];
      minus[k] = centre[k] - scales[k] * d[k];
    }
    points.push(plus, minus);
  }
  return points;
}
