/**
 * `count` zeroed vectors of length n. Each typed array with its own backing store costs V8 about
 * a microsecond, which dominates a generation at n ≈ 10; small sets therefore share one buffer
 * (views). Large ones get separate buffers, so that structured-cloning one vector never copies
 * its siblings.
 */
export function newVectors(count: number, n: number): Float64Array[] {
  const vectors: Float64Array[] = [];
  if (count * n > 2048) {
    for (let k = 0; k < count; k++) vectors.push(new Float64Array(n));
    return vectors;
  }
  const buffer = new ArrayBuffer(8 * count * n);
  for (let k = 0; k < count; k++) vectors.push(new Float64Array(buffer, 8 * k * n, n));
  return vectors;
}
