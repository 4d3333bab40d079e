/**
 * Plain number[] copies of typed arrays, for records that cross JSON or IPC. `Array.from` on a
 * Float64Array walks the iterator protocol: at n = 10 000 it takes ≈ 200 µs a vector, ten times
 * an indexed copy into a preallocated array (V8, Node 20), and the run loop copies 31
 * candidates and the distribution every generation. The copies hold the same doubles.
 */

/** `Array.from(values)`, or `Array.from(values, map)`, by index. */
export function toNumberArray(values: ArrayLike<number>, map?: (value: number) => number): number[] {
  const out = new Array<number>(values.length);
  if (map) for (let i = 0; i < values.length; i++) out[i] = map(values[i]);
  else for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

/**
 * `Array.from(values).sort((a, b) => b - a)`, four times faster at n = 10 000: a typed sort (no
 * comparator calls) reversed gives the same numbers in the same order. With a NaN or a zero the
 * comparator sort itself: where it puts a NaN depends on its algorithm, and it keeps −0 and +0
 * in their input order where the typed sort puts −0 first.
 */
export function sortedDescending(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values);
  for (let i = 0; i < sorted.length; i++)
    if (Number.isNaN(sorted[i]) || sorted[i] === 0) return toNumberArray(values).sort((a, b) => b - a);
  sorted.sort();
  const out = new Array<number>(sorted.length);
  for (let i = 0, j = sorted.length - 1; j >= 0; i++, j--) out[i] = sorted[j];
  return out;
}
