/**
 * Which two parameters the ellipse view shows by default: the two coordinates along which
 * the search distribution is widest, i.e. where the strategy is still exploring.
 */
import type { DistributionView } from '../../../electron/ipc-contract';

/** Per-coordinate variance of a distribution (σ² included). */
export function coordinateVariances(distribution: DistributionView): number[] {
  const n = distribution.mean.length;
  if (distribution.covariance && distribution.covariance.length === n * n) {
    return Array.from({ length: n }, (_, i) => distribution.covariance![i * n + i]);
  }
  if (distribution.stdDevs && distribution.stdDevs.length === n) {
    return distribution.stdDevs.map((s) => s * s);
  }
  return Array.from({ length: n }, () => distribution.stepSize * distribution.stepSize);
}

/**
 * The pair (i, j), i < j, of the two largest variances; ties go to the lower index so the
 * choice is stable. Null for fewer than two coordinates.
 */
export function defaultPair(variances: readonly number[]): [number, number] | null {
  if (variances.length < 2) return null;
  const order = variances
    .map((value, index) => ({ value: Number.isFinite(value) ? value : -Infinity, index }))
    .sort((a, b) => b.value - a.value || a.index - b.index);
  const a = order[0].index;
  const b = order[1].index;
  return a < b ? [a, b] : [b, a];
}

/**
 * Keeps a user's pick while it is valid for dimension n, otherwise falls back to the
 * default pair. A pick of the same coordinate twice is invalid.
 */
export function resolvePair(
  picked: [number, number] | null,
  dimension: number,
  variances: readonly number[],
): [number, number] | null {
  if (
    picked &&
    picked[0] !== picked[1] &&
    picked.every((k) => Number.isInteger(k) && k >= 0 && k < dimension)
  ) {
    return picked;
  }
  return defaultPair(variances);
}
