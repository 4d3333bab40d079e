import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  axisRatio,
  compactBatch,
  defaultLimits,
  EventBatcher,
  round,
} from '../../electron/backend/compact-events';
import type { GenerationEvent } from '../../engine/node/run/types';

function event(generation: number, n = 2, covariance = true): GenerationEvent {
  const cov = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? (k % n) + 1 : 0));
  return {
    runDir: '/runs/a',
    generation,
    evaluations: (generation + 1) * 3,
    failedEvaluations: 0,
    elapsedMs: generation,
    min: 1,
    median: 2,
    best: { params: { x: 1 }, fitness: 1, index: 0 },
    metrics: {},
    samples: [[0, 0]],
    sampleFitness: [1],
    failures: generation === 0 ? [{ index: 0, error: 'timeout', stderrTail: 'late' }] : [],
    distribution: {
      mean: Array(n).fill(0),
      ...(covariance ? { covariance: cov } : { stdDevs: Array(n).fill(1) }),
      stepSize: 1,
    },
    restart: 0,
  };
}

describe('event compaction', () => {
  it('computes the axis ratio from covariance or standard deviations', () => {
    expect(axisRatio({ mean: [0, 0], covariance: [9, 0, 0, 1], stepSize: 1 })).toBeCloseTo(3, 12);
    expect(axisRatio({ mean: [0, 0], covariance: [2, 1, 1, 2], stepSize: 1 })).toBeCloseTo(Math.sqrt(3), 12);
    expect(axisRatio({ mean: [0, 0, 0], stdDevs: [1, 4, 2], stepSize: 1 })).toBe(4);
    expect(axisRatio(null)).toBeNull();
  });

  it('sends samples and the distribution’s shape only with a strided subset of views and the last', () => {
    const events = Array.from({ length: 40 }, (_, g) => event(g, 20));
    const batch = compactBatch('/runs/a', events, {
      maxViews: 1000,
      samplesTail: 5,
      sampleBudget: 1,
      covarianceDimension: 12,
      alwaysShapeSize: 9,
      eigenDimension: 24,
      failures: 10,
    });
    expect(batch.generations).toHaveLength(40);
    // Over budget: the tail, plus every k-th generation (k = cost / budget = 120 here).
    expect(batch.generations.filter((g) => g.samples).map((g) => g.generation)).toEqual([
      0, 35, 36, 37, 38, 39,
    ]);
    // n = 20 > 12: replayable views carry standard deviations, the last one the covariance.
    expect(batch.generations[0].distribution?.covariance).toBeUndefined();
    expect(batch.generations[0].distribution?.stdDevs?.[19]).toBeCloseTo(Math.sqrt(20), 6);
    expect(batch.generations[1].distribution).toEqual({ mean: Array(20).fill(0), stepSize: 1 });
    expect(batch.generations[39].distribution?.covariance).toHaveLength(400);
    expect(batch.generations[0].axisRatio).toBeCloseTo(Math.sqrt(20), 5);
    expect(batch.generations[1].axisRatio).toBeCloseTo(Math.sqrt(20), 5);
    expect(batch.failures).toEqual([{ index: 0, error: 'timeout', stderrTail: 'late' }]);
    const roomy = compactBatch('/runs/a', events, { ...defaultLimits, sampleBudget: 20_000, samplesTail: 5 });
    expect(roomy.generations.every((g) => g.samples)).toBe(true);
    const strided = compactBatch('/runs/a', events, { ...defaultLimits, samplesTail: 2, sampleBudget: 30 });
    // 40 generations × 3 numbers = 120 over a budget of 30: every 4th, plus the tail.
    expect(strided.generations.filter((g) => g.samples).map((g) => g.generation)).toEqual([
      0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 38, 39,
    ]);
    // Small problems: the shape goes with every view.
    const small = compactBatch('/runs/a', [event(0, 2), event(1, 2)], {
      ...defaultLimits,
      sampleBudget: 1,
      samplesTail: 0,
    });
    expect(small.generations.map((g) => g.distribution?.covariance)).toEqual([
      [1, 0, 0, 2],
      [1, 0, 0, 2],
    ]);
  });

  it('rounds plotted numbers to 7 digits but never the best parameters', () => {
    const precise = { ...event(0), min: 1 / 3, best: { params: { x: 1 / 3 }, fitness: 2 / 3, index: 0 } };
    precise.distribution = { mean: [1 / 3, 2 / 3], stdDevs: [1 / 7, 1 / 9], stepSize: 1 / 11 };
    const [view] = compactBatch('/runs/a', [precise]).generations;
    expect(view.distribution).toEqual({
      mean: [0.3333333, 0.6666667],
      stdDevs: [0.1428571, 0.1111111],
      stepSize: 0.09090909,
    });
    expect(view.best).toEqual({ params: { x: 1 / 3 }, fitness: 2 / 3, index: 0 });
    expect(round(0)).toBe(0);
    expect(round(Number.NaN)).toBeNaN();
  });
});

describe('merging fast generations', () => {
  it('keeps at most maxViews per batch, with each bucket’s best value, stop reason and changed bests', () => {
    const events = Array.from({ length: 100 }, (_, g) => ({
      ...event(g),
      min: g === 37 ? -5 : g,
      best: { params: { x: g < 50 ? 1 : 2 }, fitness: g < 50 ? 1 : 0, index: g < 50 ? 3 : 150 },
    }));
    events[52].stopReason = 'target-reached';
    const batch = compactBatch('/runs/a', events, { ...defaultLimits, maxViews: 10 });
    expect(batch.generations.map((g) => g.generation)).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
    expect(batch.generations.map((g) => g.evaluations)).toEqual([
      30, 60, 90, 120, 150, 180, 210, 240, 270, 300,
    ]);
    expect(batch.generations[3].min).toBe(-5);
    expect(batch.generations[4].min).toBe(40);
    expect(batch.generations[5].stopReason).toBe('target-reached');
    expect(batch.generations.map((g) => g.best?.index ?? null)).toEqual([
      3,
      null,
      null,
      null,
      null,
      150,
      null,
      null,
      null,
      null,
    ]);
    const maximized = compactBatch('/runs/a', events, { ...defaultLimits, maxViews: 10 }, true);
    expect(maximized.generations[3].min).toBe(39);
  });
});

describe('event batching', () => {
  afterEach(() => vi.useRealTimers());

  it('sends at most one batch per interval, and everything pending on flush', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = new EventBatcher((batch) => sent.push(batch.generations.map((g) => g.generation)), 75);
    for (let g = 0; g < 10; g++) batcher.add(event(g));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(74);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    batcher.add(event(10));
    batcher.flush();
    expect(sent).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10]]);
    vi.advanceTimersByTime(200);
    expect(sent).toHaveLength(2);
  });
});
