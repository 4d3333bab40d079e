import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../engine/core/rng';
import { multiplyVector } from '../../../../engine/strategies/cma/dense-kernels';

function randomVector(length: number, seed: number): Float64Array {
  return createRng(seed).gaussians(new Float64Array(length));
}

describe('dense kernels against the textbook loops', () => {
  // Sizes around the two-sum unrolling, odd and even.
  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 31];

  it('multiplyVector = M·v', () => {
    for (const n of sizes) {
      const m = randomVector(n * n, n);
      const v = randomVector(n, 500 + n);
      const out = new Float64Array(n);
      multiplyVector(n, m, v, out);
      for (let i = 0; i < n; i++) {
        let expected = 0;
        for (let j = 0; j < n; j++) expected += m[i * n + j] * v[j];
        expect(out[i]).toBeCloseTo(expected, 12);
      }
    }
  });
});
