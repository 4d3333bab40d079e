import { describe, expect, it } from 'vitest';
import { pathIndices, pathOpacity } from '../../renderer/src/lib/mean-path';

describe('mean path decimation', () => {
  it('keeps a short path whole', () => {
    expect(pathIndices(5)).toEqual([0, 1, 2, 3, 4]);
    expect(pathIndices(1)).toEqual([0]);
    expect(pathIndices(0)).toEqual([]);
  });

  it('keeps the recent generations in full and thins the old ones', () => {
    const indices = pathIndices(1000, 100);
    // Ascending, first and last kept.
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(999);
    for (let k = 1; k < indices.length; k++) expect(indices[k]).toBeGreaterThan(indices[k - 1]);
    // The last 100 generations, every one of them.
    expect(indices.slice(-100)).toEqual(Array.from({ length: 100 }, (_, k) => 900 + k));
    // The stride grows with age: 500–600 generations back it is 5 or 6, so 100 generations
    // keep 17–20 points; 800–900 back, 9 or 10.
    const old = indices.filter((k) => k >= 400 && k < 500).length;
    expect(old).toBeGreaterThanOrEqual(16);
    expect(old).toBeLessThanOrEqual(20);
    const oldest = indices.filter((k) => k >= 100 && k < 200).length;
    expect(oldest).toBeGreaterThanOrEqual(10);
    expect(oldest).toBeLessThanOrEqual(12);
    expect(oldest).toBeLessThan(old);
  });

  it('stays bounded (≈ recent · (1 + ln(count / recent))) for very long runs', () => {
    for (const count of [2000, 10_000, 1_000_000]) {
      const n = pathIndices(count, 100).length;
      expect(n).toBeLessThan(100 * (2 + Math.log(count / 100)));
      expect(n).toBeGreaterThan(100);
    }
  });

  it('fades the path with age', () => {
    expect(pathOpacity(999, 1000)).toBe(1);
    expect(pathOpacity(0, 1000)).toBeCloseTo(0.12, 10);
    expect(pathOpacity(500, 1000)).toBeGreaterThan(pathOpacity(100, 1000));
    expect(pathOpacity(0, 1)).toBe(1);
  });
});
