import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../../../engine/strategies/cma/eigen';
import { createRng } from '../../../../engine/core/rng';
import { fixedRotation } from '../../../../engine/objectives/builtin';
import { tiling } from '../../../../engine/strategies/cma/wasm-backend';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(`eigen-test:${seed}`);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.gaussian();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/** Q·diag(values)·Qᵀ for a fixed random rotation Q: a matrix with known eigenvalues. */
function withEigenvalues(values: number[]): Float64Array {
  const n = values.length;
  const q = fixedRotation(n, 'eigen-test');
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k * n + i] * values[k] * q[k * n + j];
      a[i * n + j] = s;
    }
  }
  // Exact symmetry, as CMA-ES keeps it.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  return a;
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

function decompose(a: Float64Array, n: number) {
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const ok = symmetricEigen(a, n, values, vectors);
  return { ok, values, vectors };
}

/** max |A − B·Λ·Bᵀ| / ‖A‖_F and max |BᵀB − I|. */
function errors(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array) {
  let reconstruction = 0;
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        o += vectors[k * n + i] * vectors[k * n + j];
      }
      reconstruction = Math.max(reconstruction, Math.abs(s - a[i * n + j]));
      orthogonality = Math.max(orthogonality, Math.abs(o - (i === j ? 1 : 0)));
    }
  }
  return { reconstruction: reconstruction / Math.max(frobenius(a), Number.MIN_VALUE), orthogonality };
}

describe('symmetricEigen', () => {
  it.each([1, 2, 3, 4, 5, 10, 17, 50, 120])('decomposes random symmetric matrices of size %i', (n) => {
    for (const seed of [1, 2]) {
      const a = randomSymmetric(n, seed + 10 * n);
      const copy = Float64Array.from(a);
      const { ok, values, vectors } = decompose(a, n);
      expect(ok).toBe(true);
      expect(a).toEqual(copy);
      const { reconstruction, orthogonality } = errors(a, n, values, vectors);
      expect(reconstruction).toBeLessThan(1e-13 * Math.max(1, Math.sqrt(n)));
      expect(orthogonality).toBeLessThan(1e-13 * Math.max(1, Math.sqrt(n)));
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    }
  });

  it('finds known eigenvalues, including repeated and widely spread ones', () => {
    const cases = [
      [1, 1, 1, 1, 1, 1],
      [2, 2, 2, 5, 5, 9, 9, 9],
      Array.from({ length: 12 }, (_, i) => 10 ** (i - 6)), // condition number 1e11
      [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3.000001],
    ];
    for (const expected of cases) {
      const n = expected.length;
      const a = withEigenvalues(expected);
      const { ok, values, vectors } = decompose(a, n);
      expect(ok).toBe(true);
      const sorted = [...expected].sort((x, y) => x - y);
      for (let i = 0; i < n; i++) expect(Math.abs(values[i] - sorted[i])).toBeLessThan(1e-13 * sorted[n - 1]);
      const { reconstruction, orthogonality } = errors(a, n, values, vectors);
      expect(reconstruction).toBeLessThan(1e-14);
      expect(orthogonality).toBeLessThan(1e-13);
    }
  });

  it('handles diagonal and already tridiagonal matrices, and the zero matrix', () => {
    const n = 7;
    const diagonal = new Float64Array(n * n);
    [5, -1, 3, 0, 2, 2, 8].forEach((v, i) => (diagonal[i * n + i] = v));
    const diag = decompose(diagonal, n);
    expect(Array.from(diag.values)).toEqual([-1, 0, 2, 2, 3, 5, 8]);
    expect(errors(diagonal, n, diag.values, diag.vectors).orthogonality).toBe(0);

    const tridiagonal = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      tridiagonal[i * n + i] = 2;
      if (i > 0) tridiagonal[i * n + i - 1] = tridiagonal[(i - 1) * n + i] = -1;
    }
    const tri = decompose(tridiagonal, n);
    // Eigenvalues of the 1-D Laplacian: 2 − 2cos(kπ/(n+1)).
    for (let k = 1; k <= n; k++) {
      expect(tri.values[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 14);
    }

    const zero = decompose(new Float64Array(n * n), n);
    expect(zero.ok).toBe(true);
    expect(Array.from(zero.values).every((v) => v === 0)).toBe(true);
    expect(errors(new Float64Array(n * n), n, zero.values, zero.vectors).orthogonality).toBe(0);
  });

  it('reads only the lower triangle', () => {
    const n = 9;
    const a = randomSymmetric(n, 99);
    const scrambled = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) scrambled[i * n + j] = 1e6 * (i - j);
    const x = decompose(a, n);
    const y = decompose(scrambled, n);
    expect(y.values).toEqual(x.values);
    expect(y.vectors).toEqual(x.vectors);
  });

  it('gives identical results when called again (no state leaks between calls)', () => {
    const a = randomSymmetric(30, 5);
    const first = decompose(a, 30);
    decompose(randomSymmetric(30, 6), 30);
    decompose(randomSymmetric(8, 7), 8);
    const again = decompose(a, 30);
    expect(again.values).toEqual(first.values);
    expect(again.vectors).toEqual(first.vectors);
  });

  it.each([9, 30, 31])(
    'above the tiling limit decomposes in the array of the eigenvectors, to the same doubles (n = %i)',
    (n) => {
      // At n = 2 000 that keeps 48 MB of regions (P and the triangle being reduced) out of a
      // memory that never shrinks. The limit is lowered so that n takes that path, with blocks of
      // 8 rows (several, and a short last one) and the reflectors in chunks of about one row.
      const a = randomSymmetric(n, 40 + n);
      const inMemory = decompose(a, n);
      const saved = { ...tiling };
      let outside: ReturnType<typeof decompose>;
      try {
        Object.assign(tiling, { maxDoubles: n * n - 1, blockDoubles: 1 });
        outside = decompose(a, n);
      } finally {
        Object.assign(tiling, saved);
      }
      expect(outside.ok).toBe(true);
      expect(outside.values).toEqual(inMemory.values);
      expect(outside.vectors).toEqual(inMemory.vectors);
      expect(errors(a, n, outside.values, outside.vectors).orthogonality).toBeLessThan(1e-13);
    },
  );
});
