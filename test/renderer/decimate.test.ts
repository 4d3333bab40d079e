import { describe, expect, it } from 'vitest';
import { decimateMinMax, logShift, lowerBound } from '../../renderer/src/lib/decimate';

describe('min-max decimation', () => {
  it('returns short series unchanged, skipping missing values', () => {
    const points = decimateMinMax([1, 2, 3, 4], [5, null, 3, Number.NaN], 10);
    expect(points).toEqual([
      { x: 1, y: 5 },
      { x: 3, y: 3 },
    ]);
  });

  it('bounds the output and keeps every bucket extreme, including single spikes', () => {
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, (_, k) => k);
    const ys = Array.from({ length: n }, (_, k) => Math.sin(k / 500));
    ys[31_337] = 50; // a spike a stride would miss
    ys[77_777] = -50;
    const started = performance.now();
    const points = decimateMinMax(xs, ys, 500);
    const elapsed = performance.now() - started;
    expect(points.length).toBeLessThanOrEqual(3 * 501);
    expect(points.length).toBeGreaterThan(500);
    expect(points).toContainEqual({ x: 31_337, y: 50 });
    expect(points).toContainEqual({ x: 77_777, y: -50 });
    expect(points[0]).toEqual({ x: 0, y: 0 });
    expect(points[points.length - 1].x).toBe(n - 1);
    for (let k = 1; k < points.length; k++) expect(points[k].x).toBeGreaterThan(points[k - 1].x);
    // Generous: other test files share the 2 cores; unloaded it takes ~10 ms after warm-up.
    expect(elapsed).toBeLessThan(1000);
  });

  it('restricts to the zoomed range plus one point either side', () => {
    const xs = Array.from({ length: 1000 }, (_, k) => k * 2);
    const ys = xs.map((x) => x);
    const points = decimateMinMax(xs, ys, 100, 500, 600);
    expect(points[0].x).toBe(498);
    expect(points[points.length - 1].x).toBe(600);
    expect(points.every((p) => p.x >= 498 && p.x <= 602)).toBe(true);
  });

  it('finds insertion points by binary search', () => {
    expect(lowerBound([1, 3, 3, 7], 3)).toBe(1);
    expect(lowerBound([1, 3, 3, 7], 4)).toBe(3);
    expect(lowerBound([1, 3, 3, 7], 99)).toBe(4);
  });

  it('shifts non-positive curves for a log axis only when needed', () => {
    expect(logShift([3, 1, 2])).toBe(0);
    const shift = logShift([-1, 0.5, 2, null]);
    expect(shift).toBeLessThan(-1);
    expect(-1 - shift).toBeGreaterThan(0);
    expect(-1 - shift).toBeLessThan(1e-6);
  });
});
