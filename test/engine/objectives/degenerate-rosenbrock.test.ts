import { describe, expect, it } from 'vitest';
import { builtinFunctions } from '../../../engine/objectives/index';
import { degenerateImageDimension, degenerateMap } from '../../../engine/objectives/degenerate-rosenbrock';

/** Aᵀ(AAᵀ)⁻¹ r: the minimum-norm ψ with A ψ = r (Gaussian elimination on the 10×10 Gram matrix). */
function minimumNormSolution(n: number, r: number[]): Float64Array {
  const m = degenerateImageDimension;
  const a = degenerateMap(n);
  const gram = Array.from({ length: m }, (_, i) =>
    Array.from({ length: m }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k] * a[j * n + k];
      return sum;
    }),
  );
  const rhs = [...r];
  for (let c = 0; c < m; c++) {
    for (let row = c + 1; row < m; row++) {
      const q = gram[row][c] / gram[c][c];
      for (let k = c; k < m; k++) gram[row][k] -= q * gram[c][k];
      rhs[row] -= q * rhs[c];
    }
  }
  const y = new Array(m).fill(0);
  for (let row = m - 1; row >= 0; row--) {
    let sum = rhs[row];
    for (let k = row + 1; k < m; k++) sum -= gram[row][k] * y[k];
    y[row] = sum / gram[row][row];
  }
  return Float64Array.from({ length: n }, (_, k) => y.reduce((s, yi, i) => s + a[i * n + k] * yi, 0));
}

function image(n: number, x: Float64Array): number[] {
  const a = degenerateMap(n);
  return Array.from({ length: degenerateImageDimension }, (_, i) =>
    x.reduce((s, v, k) => s + a[i * n + k] * v, 0),
  );
}

describe('degenerate-rosenbrock', () => {
  const n = 100;
  const fn = builtinFunctions['degenerate-rosenbrock'];

  it('is registered as a built-in through engine/objectives/index', () => {
    expect(fn.id).toBe('degenerate-rosenbrock');
    expect(fn.domain).toEqual([-5, 5]);
    expect(fn.minimum).toBe(0);
  });

  it('is Rosenbrock of a fixed 10×n map: f(0) = 9, the same A every time', () => {
    const f = fn.create(n);
    expect(f(new Float64Array(n))).toBe(9);
    expect(Array.from(degenerateMap(n))).toEqual(Array.from(degenerateMap(n)));
    expect(fn.create(n)(Float64Array.from({ length: n }, (_, k) => Math.sin(k)))).toBe(
      f(Float64Array.from({ length: n }, (_, k) => Math.sin(k))),
    );
  });

  it('has its minimum 0 on a 90-D affine subspace that crosses the default box near its centre', () => {
    const f = fn.create(n);
    const optimum = minimumNormSolution(n, new Array(degenerateImageDimension).fill(1));
    expect(f(optimum)).toBeLessThan(1e-20);
    expect(Math.max(...Array.from(optimum, Math.abs))).toBeLessThan(1.5);
    // Moving along the null space of A (a vector minus its projection on A's rows) keeps f = 0.
    const vector = Float64Array.from({ length: n }, (_, k) => Math.cos(3 * k));
    const rowPart = minimumNormSolution(n, image(n, vector));
    const direction = Float64Array.from(vector, (v, k) => v - rowPart[k]);
    expect(Math.hypot(...direction)).toBeGreaterThan(1);
    const moved = Float64Array.from(optimum, (v, k) => v + 0.5 * direction[k]);
    expect(f(moved)).toBeLessThan(1e-20);
    const a = degenerateMap(n);
    // …while moving along a row of A does not.
    expect(f(Float64Array.from(optimum, (v, k) => v + 0.1 * a[k]))).toBeGreaterThan(1e-4);
  });
});
