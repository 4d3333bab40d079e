/**
 * Cholesky factorisation of a symmetric positive definite matrix (Golub & Van Loan,
 * "Matrix Computations", Algorithm 4.2.1, row by row).
 */

/**
 * The lower-triangular L with L·Lᵀ = `matrix` (row-major n×n, only its lower triangle is
 * read), or null when a pivot is not positive: the matrix is not numerically positive definite.
 */
export function cholesky(matrix: Float64Array, n: number): Float64Array | null {
  const factor = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j];
      for (let k = 0; k < j; k++) sum -= factor[i * n + k] * factor[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        factor[i * n + i] = Math.sqrt(sum);
      } else {
        factor[i * n + j] = sum / factor[j * n + j];
      }
    }
  }
  return factor;
}
