/**
 * A page attaching to a live run gets a snapshot and, around it, events it may already hold;
 * a resumed run replays generations from its checkpoint. The series skips what it holds, so
 * counters never run backwards and nothing is drawn twice.
 */
import { describe, expect, it } from 'vitest';
import type { GenerationView } from '../../electron/ipc-contract';
import { RunSeries } from '../../renderer/src/lib/run-series';

function view(g: number, elapsedMs = 100 * g): GenerationView {
  return {
    generation: g,
    evaluations: 6 * (g + 1),
    failedEvaluations: 0,
    elapsedMs,
    min: 10 - g,
    median: 12 - g,
    best: { params: { x: g }, fitness: 10 - g, index: 6 * g },
    metrics: {},
    distribution: { mean: [g, g], stepSize: 0.5 },
    axisRatio: 1,
    restart: 0,
  };
}

describe('RunSeries when attaching and resuming', () => {
  it('skips views at or below its last evaluation count and failures it holds', () => {
    const series = new RunSeries();
    series.push({ generations: [0, 1, 2, 3].map((g) => view(g)), failures: [{ index: 3, error: 'boom' }] });
    // Events in flight overlap the snapshot: 2 and 3 again, then new ones.
    series.push({ generations: [2, 3, 4, 5].map((g) => view(g)), failures: [{ index: 3, error: 'boom' }] });
    expect(series.evaluations).toEqual([6, 12, 18, 24, 30, 36]);
    expect(series.generation).toEqual([0, 1, 2, 3, 4, 5]);
    expect(series.failures.map((f) => f.index)).toEqual([3]);
    expect(series.best?.fitness).toBe(5);
  });

  it('continues a curve read from the folder without going back in evaluations or time', () => {
    const series = RunSeries.fromCurve({
      evaluations: [6, 12, 18, 24],
      bestSoFar: [9, 8, 7, 7],
      generationMin: [9, 8, 7, 7.5],
      generationMedian: [10, 9, 8, 8],
    });
    series.push({ generations: [view(4, 900)], failures: [] });
    // A resume restarts from its checkpoint: generations 2–4 again, with an earlier clock.
    series.push({ generations: [view(2, 500), view(4, 700), view(5, 800)], failures: [] });
    expect(series.evaluations).toEqual([6, 12, 18, 24, 30, 36]);
    expect(series.elapsedMs).toBe(900);
    series.push({ generations: [view(6, 1000)], failures: [] });
    expect(series.elapsedMs).toBe(1000);
  });
});
