/**
 * Eigenvalues of a small symmetric n×n matrix (row-major) by cyclic Jacobi rotations
 * (Golub & Van Loan, "Matrix Computations", §8.5). For the diagnostics (axis ratio, principal
 * axes' lengths at small n), not for CMA-ES's own decomposition (strategies/cma/eigen.ts).
 * Converges quadratically; stops when the off-diagonal mass is negligible relative to the
 * diagonal, so a covariance scaled by σ² = 1e-20 is decomposed as well as one near 1.
 */
export function jacobiEigenvalues(matrix: ArrayLike<number>, n: number): number[] {
  const a = Float64Array.from(matrix);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-30 * diagonal || off < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]);
}
