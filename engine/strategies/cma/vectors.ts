import { SHARED_BUFFER_LIMIT, viewsOf } from '../../core/number-arrays';

/**
 * The first `count` rows of length n of `source` as separate vectors, by the rule of newVectors.
 * Copy-constructing a large vector skips the zero-filling that `new Float64Array(n)` + `set`
 * pays (≈ 40 % less time for 31 vectors of 10 000).
 */
export function copyRows(
  source: Float64Array,
  count: number,
  n: number,
  spare?: readonly Float64Array[],
): Float64Array[] {
  if (reusable(spare, count, n)) {
    const rows = spare.slice(0, count);
    if (n > 64) {
      for (let k = 0; k < count; k++) rows[k].set(source.subarray(k * n, (k + 1) * n));
      return rows;
    }
    // Short rows: a subarray view per row would cost more than copying its numbers.
    for (let k = 0; k < count; k++) {
      const row = rows[k];
      const offset = k * n;
      for (let j = 0; j < n; j++) row[j] = source[offset + j];
    }
    return rows;
  }
  if (count * n > SHARED_BUFFER_LIMIT) {
    return Array.from({ length: count }, (_, k) => new Float64Array(source.subarray(k * n, (k + 1) * n)));
  }
  return viewsOf(new Float64Array(source.subarray(0, count * n)).buffer, count, n);
}

/** Whether `spare` (a strategy's `ask` argument) has at least `count` vectors of length n, all distinct. */
function reusable(
  spare: readonly Float64Array[] | undefined,
  count: number,
  n: number,
): spare is readonly Float64Array[] {
  if (!spare || spare.length < count) return false;
  for (let k = 0; k < count; k++) if (spare[k].length !== n) return false;
  // Pairwise for small sets: a Set and a slice per generation cost more than the comparisons.
  if (count > 32) return new Set(spare.slice(0, count)).size === count;
  for (let k = 1; k < count; k++) {
    for (let j = 0; j < k; j++) if (spare[j] === spare[k]) return false;
  }
  return true;
}

/**
 * `spare` (an array of a state the caller handed back to `tell`) when it is a vector of this
 * length that the current state does not also hold (`inUse`), else a new zeroed one. The caller
 * must overwrite every element.
 */
export function reuseVector(
  spare: Float64Array | null | undefined,
  length: number,
  inUse: Float64Array | null | undefined,
): Float64Array {
  return spare instanceof Float64Array && spare.length === length && spare !== inUse
    ? spare
    : new Float64Array(length);
}
