/**
 * Small dense loops of full-covariance CMA-ES that run in JavaScript. The O(n²)-per-candidate
 * ones (sampling and the covariance update) are WebAssembly SIMD kernels: engine/wasm/kernels.ts.
 */

/** out = M·v for a row-major n×n matrix M. */
export function multiplyVector(n: number, matrix: Float64Array, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      s0 += matrix[r + j] * v[j];
      s1 += matrix[r + j + 1] * v[j + 1];
    }
    if (j < n) s0 += matrix[r + j] * v[j];
    out[i] = s0 + s1;
  }
}
