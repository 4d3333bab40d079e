import { describe, expect, it } from 'vitest';
import { symmetricMatrixExp, xnes } from '../../../engine/strategies/xnes';
import { cholesky } from '../../../engine/strategies/shared/cholesky';
import { nesUtilities } from '../../../engine/strategies/shared/fitness-shaping';
import { createRng } from '../../../engine/core/rng';
import { Optimizer } from '../../../engine/core/optimizer';
import { builtinFunctions, fixedRotation } from '../../../engine/objectives/builtin';
import { runUntilStop, unboundedSpace } from './helpers';

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

/** Diagonal of the Cholesky factor; throws if the matrix is not numerically positive definite. */
function choleskyDiagonal(matrix: Float64Array, n: number): Float64Array {
  const factor = cholesky(matrix, n);
  if (!factor) throw new Error('not positive definite');
  return Float64Array.from({ length: n }, (_, i) => factor[i * n + i]);
}

function randomSymmetric(n: number, seed: number, scale: number): Float64Array {
  const rng = createRng(seed);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const v = scale * rng.gaussian();
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  return m;
}

describe('xnes', () => {
  it('uses utilities that sum to zero and give extra weight only to the better half', () => {
    const u = nesUtilities(10);
    expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
    for (let k = 1; k < 10; k++) expect(u[k]).toBeLessThanOrEqual(u[k - 1]);
    for (let k = 0; k < 5; k++) expect(u[k]).toBeGreaterThan(-0.1);
    for (let k = 5; k < 10; k++) expect(u[k]).toBeCloseTo(-0.1, 14);
  });

  it('computes the exponential of a symmetric matrix', () => {
    // exp of a diagonal matrix is the exponential of its entries.
    const diagonal = Float64Array.from([2, 0, 0, 0, -3, 0, 0, 0, 0.5]);
    const expDiagonal = symmetricMatrixExp(diagonal, 3);
    expect(expDiagonal[0]).toBeCloseTo(Math.exp(2), 12);
    expect(expDiagonal[4]).toBeCloseTo(Math.exp(-3), 14);
    expect(expDiagonal[8]).toBeCloseTo(Math.exp(0.5), 13);
    expect(expDiagonal[1]).toBe(0);
    // exp(M) exp(−M) = I, also for norms that need several squarings.
    const n = 5;
    const m = randomSymmetric(n, 9, 2);
    const product = multiply(
      symmetricMatrixExp(m, n),
      symmetricMatrixExp(
        m.map((v) => -v),
        n,
      ),
      n,
    );
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 8);
    // det exp(M) = exp(tr M): the product of the Cholesky diagonal squared.
    const small = randomSymmetric(n, 10, 0.3);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += small[i * n + i];
    const diag = choleskyDiagonal(symmetricMatrixExp(small, n), n);
    expect(diag.reduce((a, b) => a + 2 * Math.log(b), 0)).toBeCloseTo(trace, 12);
  });

  it('learns a rotated ellipsoid (n = 5): reaches 1e-8, covariance stays PD and aligns with the inverse Hessian', () => {
    const n = 5;
    const f = builtinFunctions['rotated-ellipsoid'].create(n);
    const optimizer = Optimizer.create({
      strategy: xnes,
      space: unboundedSpace(n),
      seed: 3,
      stop: { maxEvaluations: 4_000, target: 1e-8 },
    });
    const first = optimizer.ask();
    const startBest = Math.min(...first.map((c) => f(c.x)));
    optimizer.tell(first.map((c) => ({ fitness: f(c.x) })));
    let covariance = optimizer.distribution().covariance!;
    runUntilStop(
      optimizer,
      (c) => f(c.x),
      () => {
        covariance = optimizer.distribution().covariance!;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < i; j++) expect(covariance[i * n + j]).toBe(covariance[j * n + i]);
        expect(() => choleskyDiagonal(covariance, n)).not.toThrow();
      },
    );
    expect(optimizer.stopReason).toBe('target-reached');
    expect(optimizer.best!.fitness).toBeLessThan(startBest * 1e-8);
    // The function is Σ wᵢ (rᵢ·x)² with w from 1 to 1e6; a learned covariance ∝ H⁻¹ has
    // variance along rᵢ ∝ 1/wᵢ, a ratio of 1e6 between the first and last axis.
    const rotation = fixedRotation(n);
    const along = (axis: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          sum += rotation[axis * n + i] * covariance[i * n + j] * rotation[axis * n + j];
      return sum;
    };
    const ratio = along(0) / along(n - 1);
    expect(ratio).toBeGreaterThan(1e4);
    expect(ratio).toBeLessThan(1e8);
  });

  it('keeps det B = 1 so σ alone carries the scale', () => {
    const rng = createRng(5);
    const n = 4;
    let state = xnes.init(rng, new Float64Array(n), {
      populationSize: 8,
      stepSize: 0.3,
      meanLearningRate: 1,
      stepSizeLearningRate: 0.2,
      shapeLearningRate: 0.2,
    });
    const f = builtinFunctions.ellipsoid.create(n);
    for (let g = 0; g < 100; g++) {
      const asked = xnes.ask(rng, state);
      state = xnes.tell(asked.state, asked.candidates, Float64Array.from(asked.candidates, f)).state;
    }
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < n; k++) gram[i * n + j] += state.shape[i * n + k] * state.shape[j * n + k];
    const logDet = choleskyDiagonal(gram, n).reduce((a, b) => a + 2 * Math.log(b), 0);
    expect(logDet).toBeCloseTo(0, 9);
  });
});
