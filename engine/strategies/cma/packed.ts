/**
 * Full CMA-ES keeps C as its packed lower triangle: row i holds C_i0 … C_ii and the rows follow
 * one another, so C_ij (j ≤ i) is entry i(i+1)/2 + j of n(n+1)/2. C is symmetric, and the upper
 * triangle a full n×n array holds is n(n−1)/2 numbers nobody needs (16 MB at n = 2 000, kept
 * twice: the state's and the spare state's).
 */

/** Entries of the packed lower triangle of an n×n matrix. */
export function packedLength(n: number): number {
  return (n * (n + 1)) / 2;
}

/** Where row i starts. */
export function packedRow(i: number): number {
  return (i * (i + 1)) / 2;
}

/** Where C_ii is. */
export function packedDiagonal(i: number): number {
  return (i * (i + 3)) / 2;
}

/** The packed identity. */
export function packedIdentity(n: number): Float64Array {
  const c = new Float64Array(packedLength(n));
  for (let i = 0; i < n; i++) c[packedDiagonal(i)] = 1;
  return c;
}

/** `out` (n×n, row-major) = the symmetric matrix whose lower triangle is `packed`. */
export function unpackSymmetric(packed: Float64Array, n: number, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = packedRow(i);
    for (let j = 0; j <= i; j++) {
      const v = packed[row + j];
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** The packed lower triangle of the row-major n×n `full`. */
export function packLowerTriangle(full: Float64Array, n: number): Float64Array {
  const packed = new Float64Array(packedLength(n));
  for (let i = 0; i < n; i++) packed.set(full.subarray(i * n, i * n + i + 1), packedRow(i));
  return packed;
}
