import { describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../../electron/ipc-contract';
import {
  evenlySpaced,
  GenerationSeries,
  stripData,
  topKByRange,
} from '../../../renderer/src/lib/diagnostics/generation-series';

function record(generation: number, min: number, vectors = true): GenerationRecord {
  return {
    generation,
    evaluations: 10 * (generation + 1),
    best: min,
    min,
    median: min + 1,
    stepSize: 1 / (generation + 1),
    axisRatio: 1 + generation,
    ...(vectors ? { mean: [generation, -generation], stdDevs: [1, 0.5], axisLengths: [2, 1] } : {}),
  };
}

describe('GenerationSeries', () => {
  it('keeps the later copy of generations logged again after a resume', () => {
    const series = new GenerationSeries();
    series.push([record(0, 5), record(1, 4), record(2, 3, false), record(3, 2)]);
    series.push([record(2, 3.5), record(3, 2.5), record(4, 1)]);
    expect(series.generation).toEqual([0, 1, 2, 3, 4]);
    expect(series.min).toEqual([5, 4, 3.5, 2.5, 1]);
    expect(series.vectorGeneration).toEqual([0, 1, 2, 3, 4]);
    expect(series.means[2]).toEqual([2, -2]);
    expect(series.dimension).toBe(2);
  });

  it('f − f_best against the best of the whole run, zero left out (log axis)', () => {
    const series = new GenerationSeries();
    series.push([record(0, 5), record(1, 2), { ...record(2, 3), best: 2 }]);
    expect(series.distanceToBest('min', false)).toEqual([3, null, 1]);
    expect(series.distanceToBest('median', false)).toEqual([4, 1, 2]);
    // Maximising: best is the largest value.
    const up = new GenerationSeries();
    up.push([
      { ...record(0, 1), best: 1 },
      { ...record(1, 4), best: 4 },
      { ...record(2, 3), best: 4 },
    ]);
    expect(up.distanceToBest('min', true)).toEqual([3, null, 1]);
  });
});

describe('selection for many coordinates', () => {
  it('evenlySpaced keeps the first and last and never repeats', () => {
    expect(evenlySpaced(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenlySpaced(101, 5)).toEqual([0, 25, 50, 75, 100]);
    const picked = evenlySpaced(1000, 37);
    expect(new Set(picked).size).toBe(37);
    expect(picked[0]).toBe(0);
    expect(picked[36]).toBe(999);
  });

  it('topKByRange picks the coordinates that moved most', () => {
    const rows = [
      [0, 0, 0, 0],
      [0.1, 5, -1, 0],
      [0.2, 9, 1, 3],
    ];
    expect(topKByRange(rows, 2)).toEqual([1, 3]);
    expect(topKByRange(rows, 10)).toEqual([0, 1, 2, 3]);
  });

  it('stripData lays out rows = coordinates, log10 when asked, NaN for unknown', () => {
    const vectors = [
      [1, 100],
      [10, 0],
      [1000, 1],
    ];
    const strip = stripData(vectors, [5, 10, 15], 10, true);
    expect(strip.rows).toBe(2);
    expect(strip.columns).toBe(3);
    expect(Array.from(strip.values.slice(0, 3))).toEqual([0, 1, 3]);
    expect(strip.values[4]).toBeNaN(); // log of 0
    expect([strip.min, strip.max]).toEqual([0, 3]);
    expect(strip.xs).toEqual([5, 10, 15]);
    const thin = stripData(
      Array.from({ length: 1000 }, (_, k) => [k]),
      Array.from({ length: 1000 }, (_, k) => k),
      100,
      false,
    );
    expect(thin.columns).toBe(100);
    expect(thin.xs[99]).toBe(999);
  });
});
