import { describe, expect, it } from 'vitest';
import {
  builtinLandscape,
  gaussianNodes,
  smoothedEstimate,
  rankColors,
  smoothedGrid,
  tabulate,
  userValue,
} from '../../renderer/src/lib/landscape';

describe('landscape', () => {
  it('evaluates a built-in objective at internal points through the search space', () => {
    const landscape = builtinLandscape({ builtin: 'sphere' }, [
      { name: 'a', lower: -5, upper: 5 },
      { name: 'b', lower: -5, upper: 5 },
    ])!;
    // Internal 0.5 is the middle of [-5, 5]; 0.7 is 2.
    expect(landscape.evaluate([0.5, 0.5])).toBe(0);
    expect(landscape.evaluate([0.7, 0.5])).toBeCloseTo(4, 12);
    expect(userValue(landscape.space, 1, 0.6, [0.5, 0.5])).toBeCloseTo(1, 12);
  });

  it('has no tabulated landscape for executables or mismatched dimensions', () => {
    expect(builtinLandscape({ command: '/bin/true' }, [{ name: 'a', lower: 0, upper: 1 }])).toBeNull();
    expect(builtinLandscape({ builtin: 'sinc' }, [{ name: 'a' }, { name: 'b' }])).toBeNull();
    expect(builtinLandscape({ builtin: 'nope' }, [{ name: 'a' }])).toBeNull();
  });

  it('tabulates over cell centres, row 0 at the lowest y', () => {
    const landscape = builtinLandscape({ builtin: 'sphere' }, [{ name: 'a' }, { name: 'b' }])!;
    const grid = tabulate(landscape, [0, 0], 0, 1, { min: 0, max: 2 }, { min: 0, max: 4 }, 2, 2);
    expect(Array.from(grid)).toEqual([0.5 * 0.5 + 1 * 1, 1.5 * 1.5 + 1, 0.25 + 9, 2.25 + 9]);
  });

  it('smooths with Gaussian weights: E[x²] = μ² + σ², σ = 0 is f itself', () => {
    const nodes = gaussianNodes(201);
    expect(nodes.w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const grid = smoothedGrid((x) => x * x, { min: -1, max: 1 }, { min: 0, max: 0.5 }, 3, 2, nodes);
    expect(grid[0]).toBe(1); // μ = −1, σ = 0
    expect(grid[1]).toBe(0);
    // σ = 0.5: a grid truncated at ±4σ loses ~0.03 % of the variance.
    expect(grid[3]).toBeCloseTo(1 + 0.25, 3);
    expect(grid[4]).toBeCloseTo(0.25, 3);
  });

  it('smooths away the ripples of seed 001’s jagged function', () => {
    const jagged = builtinLandscape({ builtin: 'jagged' }, [{ name: 'x' }])!;
    const f = (x: number) => jagged.evaluate([x]);
    const row = smoothedGrid(f, { min: -6, max: 6 }, { min: 2, max: 2 }, 121, 1);
    let signChanges = 0;
    for (let k = 2; k < row.length; k++) {
      if (Math.sign(row[k] - row[k - 1]) !== Math.sign(row[k - 1] - row[k - 2])) signChanges++;
    }
    expect(signChanges).toBeLessThanOrEqual(4);
  });

  it('colours by rank, dark for low values, transparent for NaN', () => {
    const pixels = rankColors(Float64Array.from([1e9, 1, Number.NaN, 5]));
    expect(Array.from(pixels.subarray(4, 8))).toEqual([68, 1, 84, 255]);
    expect(Array.from(pixels.subarray(0, 4))).toEqual([253, 231, 37, 255]);
    expect(pixels[11]).toBe(0);
  });

  it('greys out cells of low confidence', () => {
    const values = Float64Array.from([1, 1]);
    const pixels = rankColors(values, Float64Array.from([1, 0]));
    expect(Array.from(pixels.subarray(0, 4))).toEqual([68, 1, 84, 255]);
    // Confidence 0: three quarters of the way to the grey background.
    expect(pixels[4]).toBe(Math.round(225 + 0.25 * (68 - 225)));
  });

  it('smooths a partly known objective: blank where unknown, failed where failures weigh in', () => {
    // Known on [−1, 1] (f = x²), failed on (1, 2], unknown elsewhere.
    const f = (x: number) => (Math.abs(x) <= 1 ? x * x : Number.NaN);
    const failedAt = (x: number) => x > 1 && x <= 2;
    const grid = smoothedEstimate(f, failedAt, { min: -2, max: 2 }, { min: 0, max: 0.2 }, 9, 2);
    // σ = 0: f itself where known, failed on (1, 2], blank left of −1.
    expect(grid.values[4]).toBe(0); // μ = 0
    expect(grid.values[0]).toBeNaN(); // μ = −2: unknown
    expect(grid.failed[0]).toBe(0);
    expect(grid.failed[8]).toBe(1); // μ = 2
    expect(grid.values[8]).toBeNaN();
    // σ = 0.2 at μ = 0: E[x²] = 0.04; at μ = 1 half the mass is on failures.
    expect(grid.values[9 + 4]).toBeCloseTo(0.04, 3);
    expect(grid.failed[9 + 6]).toBe(1);
  });
});
