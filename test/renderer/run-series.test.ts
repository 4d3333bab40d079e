import { describe, expect, it } from 'vitest';
import type { GenerationView } from '../../electron/ipc-contract';
import { RunSeries } from '../../renderer/src/lib/run-series';

function view(generation: number, withSamples: boolean, best: number | null): GenerationView {
  return {
    generation,
    evaluations: (generation + 1) * 4,
    failedEvaluations: 0,
    elapsedMs: generation * 10,
    min: best,
    median: best === null ? null : best + 1,
    best: best === null ? null : { params: { x: best }, fitness: best, index: generation * 4 },
    metrics: {},
    ...(withSamples ? { samples: [[generation, 0]], sampleFitness: [best] } : {}),
    distribution: { mean: [generation, 0], stdDevs: [1, 1], stepSize: 0.5 },
    axisRatio: 1,
    restart: 0,
  };
}

describe('run series', () => {
  it('accumulates columns and carries best-so-far over generations without a best', () => {
    const series = new RunSeries();
    series.push({ generations: [view(0, true, 5), view(1, false, null), view(2, true, 3)], failures: [] });
    expect(series.evaluations).toEqual([4, 8, 12]);
    expect(series.bestSoFar).toEqual([5, 5, 3]);
    expect(series.generationMin).toEqual([5, null, 3]);
    expect(series.stepSize).toEqual([0.5, 0.5, 0.5]);
    expect(series.meanPath()).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(series.meanPath(1)).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(series.meanPath(2, 2)).toEqual([
      [0, 0],
      [2, 0],
    ]);
    expect(series.version).toBe(1);
    expect(series.samplesAt(1)?.index).toBe(0);
    expect(series.samplesAt(2)?.points).toEqual([[2, 0]]);
  });

  it('keeps samples, landscape points and failures within their limits', () => {
    const series = new RunSeries({ sampleGenerations: 3, landscapePoints: 5, failures: 2 });
    const generations = Array.from({ length: 10 }, (_, g) => view(g, true, g));
    series.push({
      generations,
      failures: [1, 2, 3].map((index) => ({ index, error: 'boom' })),
    });
    expect([...series.samples.keys()]).toEqual([7, 8, 9]);
    expect(series.landscapePoints).toHaveLength(5);
    expect(series.landscapePoints[0]).toEqual([5, 0]);
    // Slightly over the limit is left alone until the next trim (amortised).
    series.push({ generations: [view(10, true, 10)], failures: [] });
    expect(series.landscapePoints).toHaveLength(6);
    expect(series.failures.map((f) => f.index)).toEqual([1, 2]);
    expect(series.samplesAt(3)).toBeNull();
  });

  it('finds the nearest view that carries the distribution’s shape', () => {
    const series = new RunSeries();
    const bare = (g: number) => ({ ...view(g, false, 1), distribution: { mean: [g, 0], stepSize: 0.5 } });
    series.push({
      generations: [view(0, true, 1), bare(1), bare(2), view(3, true, 1), bare(4)],
      failures: [],
    });
    expect(series.shapeIndexAt(2)).toBe(0);
    expect(series.shapeIndexAt(4)).toBe(3);
    expect(series.shapeIndexAt(3)).toBe(3);
    expect(new RunSeries().shapeIndexAt(0)).toBeNull();
  });

  it('builds a series from a stored curve', () => {
    const series = RunSeries.fromCurve({
      evaluations: [10, 20],
      bestSoFar: [3, 2],
      generationMin: [3, 2],
      generationMedian: [4, 3],
    });
    expect(series.length).toBe(2);
    expect(series.bestSoFar).toEqual([3, 2]);
    expect(series.distributions).toEqual([null, null]);
  });
});
