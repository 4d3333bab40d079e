import { describe, expect, it } from 'vitest';
import type { EvaluationSample } from '../../electron/ipc-contract';
import { analysisData } from '../../renderer/src/lib/analysis-sample';
import { contour, defaultContourPair } from '../../renderer/src/lib/contour';
import {
  axisPosition,
  axisValue,
  brushRange,
  brushSelection,
  drawOrder,
  parallelAxes,
} from '../../renderer/src/lib/parallel-coordinates';
import { slices } from '../../renderer/src/lib/slice';

/** Five evaluations of (a, b log-scaled, c fixed); the fourth failed. */
function sample(direction: 'minimize' | 'maximize' = 'minimize'): EvaluationSample {
  return {
    total: 50,
    direction,
    parameters: [
      { name: 'a', lower: -1, upper: 1 },
      { name: 'b', lower: 0.001, upper: 10, scale: 'log' },
      { name: 'c' },
    ],
    index: [0, 10, 20, 30, 40],
    generation: [0, 1, 2, 3, 4],
    fitness: [4, 1, 2, null, 3],
    params: [
      [-1, -0.5, 0, 0.5, 1],
      [0.001, 0.01, 0.1, 1, 10],
      [7, 7, 7, 7, 7],
    ],
  };
}

describe('analysis data', () => {
  it('drops constant parameters, logs log-scaled ones, ranks fitness and marks failures', () => {
    const data = analysisData(sample());
    expect(data.parameters.map((p) => p.name)).toEqual(['a', 'b']);
    expect(data.parameters[1].log).toBe(true);
    expect(Array.from(data.parameters[1].values)).toEqual([-3, -2, -1, 0, 1]);
    expect(data.parameters[1].toUser(-2)).toBeCloseTo(0.01, 12);
    expect(data.failed).toBe(1);
    expect(data.total).toBe(50);
    // Ranks among the successes: 1 best (0), 4 worst (1); the failure has none.
    expect(Array.from(data.quality)).toEqual([1, 0, 1 / 3, Number.NaN, 2 / 3]);
    expect(data.fitness.log).toBe(false);
  });

  it('ranks the largest best when maximising', () => {
    const data = analysisData(sample('maximize'));
    expect(data.quality[0]).toBe(0);
    expect(data.quality[1]).toBe(1);
  });

  it('puts a fitness spanning more than three decades on a log axis', () => {
    const s = sample();
    s.fitness = [1e-4, 1, 10, null, 100];
    const data = analysisData(s);
    expect(data.fitness.log).toBe(true);
    expect(data.fitness.range).toEqual({ min: -4, max: 2 });
  });
});

describe('parallel coordinates', () => {
  const data = analysisData(sample());
  const axes = parallelAxes(data);

  it('has the fitness axis first, then the varying parameters', () => {
    expect(axes.map((a) => [a.kind, a.column.name])).toEqual([
      ['fitness', 'fitness'],
      ['parameter', 'a'],
      ['parameter', 'b'],
    ]);
    expect(axisPosition(axes[1].column, 0)).toBe(0.5);
    expect(axisValue(axes[1].column, 0.75)).toBe(0.5);
    expect(Number.isNaN(axisPosition(axes[0].column, data.fitness.values[3]))).toBe(true);
  });

  it('selects everything without brushes, and ANDs brushes on several axes', () => {
    expect(brushSelection(axes, data.rows, []).count).toBe(5);
    const onA = brushSelection(axes, data.rows, [{ axis: 1, from: -0.6, to: 0.6 }]);
    expect(Array.from(onA.mask)).toEqual([0, 1, 1, 1, 0]);
    // b in plot coordinates (log10): 0.01 … 1 → rows 1–3; with a ∈ [0, 1]: rows 2–3.
    const both = brushSelection(axes, data.rows, [
      { axis: 2, from: -2, to: 0 },
      { axis: 1, from: 0, to: 1 },
    ]);
    expect(Array.from(both.mask)).toEqual([0, 0, 1, 1, 0]);
    expect(both.count).toBe(2);
    expect(brushRange(axes[2], { axis: 2, from: -2, to: 0 })).toEqual({ name: 'b', from: 0.01, to: 1 });
  });

  it('never selects a failed evaluation by fitness', () => {
    const all = brushSelection(axes, data.rows, [{ axis: 0, from: -Infinity, to: Infinity }]);
    expect(Array.from(all.mask)).toEqual([1, 1, 1, 0, 1]);
  });

  it('draws failed lines first, best last, selected over unselected', () => {
    expect(drawOrder(data.quality, new Uint8Array(5).fill(1))).toEqual([3, 0, 4, 2, 1]);
    // Row 0 (the worst) selected alone comes last.
    expect(drawOrder(data.quality, Uint8Array.from([1, 0, 0, 0, 0])).at(-1)).toBe(0);
  });
});

describe('slices', () => {
  it('plots every success against each parameter and keeps failures apart', () => {
    const data = analysisData(sample());
    const [a, b] = slices(data);
    expect(a.parameter.name).toBe('a');
    expect(Array.from(a.xs)).toEqual([-1, -0.5, 0, 1]);
    expect(Array.from(a.ys)).toEqual([4, 1, 2, 3]);
    expect(Array.from(a.failedXs)).toEqual([0.5]);
    expect(Array.from(a.age)).toEqual([0, 0.25, 0.5, 1]);
    expect(Array.from(b.xs)).toEqual([-3, -2, -1, 1]);
    expect(Array.from(b.failedXs)).toEqual([0]);
  });
});

describe('contour', () => {
  it('picks the two most important parameters, else the first two', () => {
    expect(defaultContourPair(3, [0.1, 0.3, 0.6])).toEqual([2, 1]);
    expect(defaultContourPair(3)).toEqual([0, 1]);
    expect(defaultContourPair(3, [0, 0, 0])).toEqual([0, 1]);
    expect(defaultContourPair(1)).toBeNull();
  });

  it('estimates only near the evaluations: a cluster leaves the rest unknown', () => {
    // 200 successes of a bowl clustered in one corner, 40 failures in the opposite one.
    const n = 240;
    const a: number[] = [];
    const b: number[] = [];
    const fitness: (number | null)[] = [];
    for (let k = 0; k < n; k++) {
      const t = (k * 0.618034) % 1;
      const u = (k * 0.381966) % 1;
      if (k < 200) {
        a.push(-1 + 0.6 * t);
        b.push(-1 + 0.6 * u);
        fitness.push((a[k] + 0.7) ** 2 + (b[k] + 0.7) ** 2);
      } else {
        a.push(0.6 + 0.4 * t);
        b.push(0.6 + 0.4 * u);
        fitness.push(null);
      }
    }
    const data = analysisData({
      total: n,
      direction: 'minimize',
      parameters: [{ name: 'a' }, { name: 'b' }],
      index: a.map((_, k) => k),
      generation: a.map((_, k) => Math.floor(k / 10)),
      fitness,
      params: [a, b],
    });
    const view = contour(data, 0, 1, 20);
    expect(view.xs.length).toBe(200);
    expect(view.failedXs.length).toBe(40);
    expect(view.counts.value + view.counts.blank + view.counts.failed).toBe(400);
    expect(view.counts.value).toBeGreaterThan(0);
    expect(view.counts.failed).toBeGreaterThan(0);
    // Most of the box (the middle band between the clusters) is unknown, not a value.
    expect(view.counts.blank).toBeGreaterThan(view.counts.value);
    // No cell far from the successes has a value: the cell at the box's centre is blank.
    const centre = 10 * 20 + 10;
    expect(Number.isNaN(view.estimate.values[centre])).toBe(true);
  });
});
