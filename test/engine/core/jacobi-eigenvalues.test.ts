import { describe, expect, it } from 'vitest';
import { jacobiEigenvalues } from '../../../engine/core/jacobi-eigenvalues';

describe('jacobiEigenvalues', () => {
  it('finds the eigenvalues of a symmetric matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    expect(jacobiEigenvalues([2, 1, 1, 2], 2).sort((a, b) => a - b)).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(3, 12),
    ]);
    const values = jacobiEigenvalues([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1], 3);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(8, 10); // trace
    // determinant: 4·(3 − 0.04) − 1·(1 − 0.1) + 0.5·(0.2 − 1.5) = 10.29
    expect(values.reduce((a, b) => a * b, 1)).toBeCloseTo(10.29, 8);
  });

  it('decomposes a tiny-scaled covariance as well as the unscaled one', () => {
    // σ² = 1e-20 times [[2, 1], [1, 2]]: an absolute stop threshold would return the diagonal (2, 2).
    const scaled = jacobiEigenvalues([2e-20, 1e-20, 1e-20, 2e-20], 2).sort((a, b) => a - b);
    expect(scaled[0] / 1e-20).toBeCloseTo(1, 10);
    expect(scaled[1] / 1e-20).toBeCloseTo(3, 10);
  });
});
