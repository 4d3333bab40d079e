import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../engine/core/rng';
import {
  multiplyVector,
  sampleFromBasis,
  symmetricDecayAndOuterProducts,
} from '../../../../engine/strategies/cma/dense-kernels';

function randomVector(length: number, seed: number): Float64Array {
  return createRng(seed).gaussians(new Float64Array(length));
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const m = randomVector(n * n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) m[j * n + i] = m[i * n + j];
  return m;
}

describe('dense kernels against the textbook loops', () => {
  // Sizes around the 2×4 tiling: below, at and past multiples of 2 and 4, and odd counts.
  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 31];

  it('symmetricDecayAndOuterProducts = decay·C + Σ a_k b_kᵀ, exactly symmetric', () => {
    for (const n of sizes) {
      for (const count of [1, 2, 5, 18]) {
        const c = randomSymmetric(n, n);
        const y = randomVector(count * n, 100 + n);
        const coefficients = randomVector(count, 200 + count);
        const a = y.map((v, index) => coefficients[Math.floor(index / n)] * v);
        const out = new Float64Array(n * n).fill(Number.NaN);
        symmetricDecayAndOuterProducts(n, c, 0.9, a, y, count, out);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let expected = 0.9 * c[i * n + j];
            for (let k = 0; k < count; k++) expected += a[k * n + i] * y[k * n + j];
            expect(out[i * n + j], `n=${n} count=${count} (${i},${j})`).toBeCloseTo(expected, 12);
            expect(out[i * n + j]).toBe(out[j * n + i]);
          }
        }
      }
    }
  });

  it('sampleFromBasis = mean + σ·B·s_k for every k', () => {
    for (const n of sizes) {
      for (const count of [1, 3, 4, 6, 17]) {
        const basis = randomVector(n * n, n);
        const scaled = randomVector(count * n, 300 + count);
        const mean = randomVector(n, 400 + n);
        const out = Array.from({ length: count }, () => new Float64Array(n));
        sampleFromBasis(n, basis, scaled, count, mean, 0.3, out);
        for (let k = 0; k < count; k++) {
          for (let i = 0; i < n; i++) {
            let expected = 0;
            for (let j = 0; j < n; j++) expected += basis[i * n + j] * scaled[k * n + j];
            expect(out[k][i]).toBeCloseTo(mean[i] + 0.3 * expected, 12);
          }
        }
      }
    }
  });

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
