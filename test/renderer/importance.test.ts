import { describe, expect, it } from 'vitest';
import { createRng } from '../../engine/core/rng';
import { fitForest, importanceMethod, parameterImportance, predict } from '../../renderer/src/lib/importance';

/** n points uniform in [-1, 1]^d from a fixed seed, as columns. */
function uniformColumns(n: number, d: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: d }, () => Array.from({ length: n }, () => 2 * rng.uniform() - 1));
}

describe('extra-trees regression forest', () => {
  it('fits a smooth function well inside the data', () => {
    const [a, b] = uniformColumns(800, 2, 5);
    const y = a.map((v, k) => v * v + 0.5 * b[k]);
    const forest = fitForest([a, b], y, { seed: 2 });
    let error = 0;
    for (let k = 0; k < 50; k++) {
      const p = [-0.8 + (1.6 * k) / 49, 0.3];
      error += (predict(forest, p) - (p[0] * p[0] + 0.15)) ** 2;
    }
    // Var(y) ≈ 0.17; the forest's error is a small fraction of it.
    expect(Math.sqrt(error / 50)).toBeLessThan(0.08);
  });

  it('is reproducible from its seed and leaves failed rows out', () => {
    const [a] = uniformColumns(200, 1, 9);
    const y = a.map((v, k) => (k % 10 === 0 ? Number.NaN : v));
    const one = fitForest([a], y, { seed: 4 });
    const two = fitForest([a], y, { seed: 4 });
    expect(predict(one, [0.3])).toBe(predict(two, [0.3]));
    expect(Number.isFinite(predict(one, [0.3]))).toBe(true);
  });
});

describe('parameter importance (fANOVA-style main effects)', () => {
  it('orders f = 10·x1² + x2² + 0·x3 as x1 ≫ x2 > x3 ≈ 0 with the expected shares', () => {
    const columns = uniformColumns(1000, 3, 11);
    const [x1, x2] = columns;
    const fitness = x1.map((v, k) => 10 * v * v + x2[k] * x2[k]);
    const result = parameterImportance(columns, fitness, { seed: 3 });
    const [s1, s2, s3] = result.shares;
    expect(result.method).toBe(importanceMethod);
    expect(s1 + s2 + s3).toBeCloseTo(1, 10);
    // Exact main-effect variances for x uniform on [-1, 1]: 100·4/45 and 4/45, so shares 0.990
    // and 0.0099; the forest underestimates the small one beside the dominant one (its greedy
    // splits go to x1 first), but keeps it well clear of the irrelevant x3.
    expect(s1).toBeGreaterThan(0.95);
    expect(s2).toBeGreaterThan(0.001);
    expect(s2).toBeLessThan(0.03);
    expect(s3).toBeLessThan(s2 / 10);
    // No interactions in f: the main effects hold nearly all of the forest's variance.
    expect(result.explained).toBeGreaterThan(0.85);
    expect(result.rows).toBe(1000);
  });

  it('recovers comparable shares: f = 2·x1² + x2² + 0·x3 gives 0.8, 0.2, 0', () => {
    const columns = uniformColumns(1000, 3, 17);
    const [x1, x2] = columns;
    const fitness = x1.map((v, k) => 2 * v * v + x2[k] * x2[k]);
    const [s1, s2, s3] = parameterImportance(columns, fitness, { seed: 5 }).shares;
    expect(s1).toBeGreaterThan(0.7);
    expect(s1).toBeLessThan(0.9);
    expect(s2).toBeGreaterThan(0.1);
    expect(s2).toBeLessThan(0.3);
    expect(s3).toBeLessThan(0.02);
  });

  it('leaves failed evaluations out and gives a constant parameter no share', () => {
    const [a, b] = uniformColumns(300, 2, 21);
    const constant = a.map(() => 0.5);
    const fitness = a.map((v, k) => (k % 7 === 0 ? null : v + 0.1 * b[k]));
    const result = parameterImportance([a, constant, b], fitness, { seed: 1 });
    expect(result.rows).toBe(300 - Math.ceil(300 / 7));
    expect(result.shares[1]).toBe(0);
    expect(result.shares[0]).toBeGreaterThan(result.shares[2]);
  });

  it('says nothing from too few evaluations', () => {
    const result = parameterImportance([[1, 2, 3]], [1, null, 3]);
    expect(result.shares).toEqual([0]);
    expect(result.rows).toBe(2);
  });
});
