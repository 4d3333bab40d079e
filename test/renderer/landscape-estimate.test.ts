import { describe, expect, it } from 'vitest';
import { createRng } from '../../engine/core/rng';
import {
  cellState,
  estimateLandscape,
  estimateLandscape1d,
  summarizeCells,
  type LandscapeEstimate,
} from '../../renderer/src/lib/landscape-estimate';

// The bowl of issue 12: minimum 0 at (0.2, −0.1), ten times steeper in b.
const bowl = (a: number, b: number) => (a - 0.2) ** 2 + 10 * (b + 0.1) ** 2;
const box = { min: -1, max: 1 };
const N = 40;
const centre = (k: number) => box.min + ((k + 0.5) / N) * (box.max - box.min);

/** Samples as an evolution strategy leaves them: a wide first cloud, then ever tighter ones
 * around a mean walking from (−0.5, 0.5) to the minimum; none left of a = −0.8. */
function strategyLikeSamples(seed: number) {
  const rng = createRng(seed);
  const points: number[][] = [];
  for (let g = 0; g < 30; g++) {
    const t = g / 29;
    const mean = [-0.5 + 0.7 * t, 0.5 - 0.6 * t];
    const sigma = 0.35 * (1 - t) + 0.03;
    for (let k = 0; k < 12; k++) {
      const a = mean[0] + sigma * rng.gaussian();
      const b = mean[1] + 0.6 * sigma * rng.gaussian();
      if (a > -0.8 && a < 1 && b > -1 && b < 1) points.push([a, b]);
    }
  }
  return points;
}

function best(estimate: LandscapeEstimate): [number, number] {
  let cell = -1;
  estimate.values.forEach((v, c) => {
    if (Number.isFinite(v) && (cell < 0 || v < estimate.values[cell])) cell = c;
  });
  return [centre(cell % N), centre(Math.floor(cell / N))];
}

describe('estimateLandscape', () => {
  const points = strategyLikeSamples(7);
  const fitness = points.map(([a, b]) => bowl(a, b));
  const estimate = estimateLandscape(points, fitness, 0, 1, box, box, { nx: N, ny: N });

  it('puts the minimum of the bowl where it is', () => {
    const [a, b] = best(estimate);
    expect(Math.abs(a - 0.2)).toBeLessThan(0.1);
    expect(Math.abs(b + 0.1)).toBeLessThan(0.06);
  });

  it('follows the bowl where the data are dense (not four flat quadrants)', () => {
    let error = 0;
    let count = 0;
    const seen = new Set<number>();
    estimate.values.forEach((v, c) => {
      if (!Number.isFinite(v) || estimate.confidence[c] < 0.6) return;
      const truth = bowl(centre(c % N), centre(Math.floor(c / N)));
      error += Math.abs(v - truth);
      count++;
      seen.add(Math.round(v * 1000));
    });
    expect(count).toBeGreaterThan(50);
    // The values range over ~0…3; a flat-quadrant map would be off by ~1 on average.
    expect(error / count).toBeLessThan(0.08);
    expect(seen.size).toBeGreaterThan(count / 2);
    // Along b through the minimum the estimate falls, then rises.
    const column = Math.floor(((0.2 - box.min) / 2) * N);
    const along = (b: number) => estimate.values[Math.floor(((b - box.min) / 2) * N) * N + column];
    expect(along(-0.2)).toBeGreaterThan(along(-0.1));
    expect(along(0.1)).toBeGreaterThan(along(-0.1));
  });

  it('leaves cells blank where no evaluation is near', () => {
    // Three of the widest bandwidths (6 % of the range), plus a cell's diagonal, in user units.
    const reach = 3 * 0.06 * 2 + Math.SQRT2 * (2 / N);
    let blank = 0;
    for (let c = 0; c < N * N; c++) {
      const x = centre(c % N);
      const y = centre(Math.floor(c / N));
      const nearest = Math.min(...points.map(([a, b]) => Math.hypot(a - x, b - y)));
      if (nearest > reach) expect(cellState(estimate, c)).toBe('blank');
      if (cellState(estimate, c) === 'blank') blank++;
    }
    // The samples cover the upper left and the minimum; most of the box says nothing.
    expect(blank).toBeGreaterThan(0.4 * N * N);
    // Below b = −0.5 there are no samples at all.
    for (let col = 0; col < N; col++) expect(estimate.values[8 * N + col]).toBeNaN();
  });

  it('never draws a value better or worse than the evaluations it rests on', () => {
    const low = Math.min(...fitness);
    const high = Math.max(...fitness);
    for (const v of estimate.values) if (Number.isFinite(v)) expect(v).toBeGreaterThanOrEqual(low);
    for (const v of estimate.values) if (Number.isFinite(v)) expect(v).toBeLessThanOrEqual(high);
  });

  it('marks regions where evaluations failed as failed, with no value', () => {
    // Uniform samples over the box; the program fails for a > 0.4.
    const rng = createRng(3);
    const spread = Array.from({ length: 600 }, () => [2 * rng.uniform() - 1, 2 * rng.uniform() - 1]);
    const answers = spread.map(([a, b]) => (a > 0.4 ? null : bowl(a, b)));
    const failedEstimate = estimateLandscape(spread, answers, 0, 1, box, box, { nx: N, ny: N });
    let failedCells = 0;
    for (let c = 0; c < N * N; c++) {
      const x = centre(c % N);
      const state = cellState(failedEstimate, c);
      if (state === 'failed') failedCells++;
      if (x > 0.5) expect(state).toBe('failed');
      if (x < 0.3) expect(state).not.toBe('failed');
    }
    expect(failedCells).toBeGreaterThan(0.25 * N * N);
  });

  it('is defined when the points are degenerate: one spot, one line', () => {
    const spot = estimateLandscape(
      [
        [0.1, 0.1],
        [0.1, 0.1],
      ],
      [2, 4],
      0,
      1,
      box,
      box,
      { nx: 10, ny: 10 },
    );
    const values = Array.from(spot.values).filter(Number.isFinite);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(v).toBeCloseTo(3, 9);
    const line = estimateLandscape(
      [-0.5, -0.25, 0, 0.25, 0.5].map((a) => [a, 0]),
      [-0.5, -0.25, 0, 0.25, 0.5],
      0,
      1,
      box,
      box,
      { nx: 20, ny: 20 },
    );
    for (const v of line.values) if (!Number.isNaN(v)) expect(Number.isFinite(v)).toBe(true);
    // On the line itself the local linear fit reproduces f = a.
    expect(line.values[10 * 20 + 12]).toBeCloseTo(-1 + 12.5 / 10, 1);
  });

  it('is blank everywhere without evaluations', () => {
    const empty = estimateLandscape([], [], 0, 1, box, box, { nx: 4, ny: 4 });
    expect(Array.from(empty.values).every(Number.isNaN)).toBe(true);
    expect(Array.from(empty.failed).every((f) => f === 0)).toBe(true);
  });
});

describe('estimateLandscape1d', () => {
  it('draws nothing where every evaluation failed and no value beyond the data', () => {
    const xs = Array.from({ length: 81 }, (_, k) => -1 + k / 40);
    // Minimum 0 at x = 0.5, but the program fails for x > 0.3.
    const ys = xs.map((x) => (x > 0.3 ? null : (x - 0.5) ** 2));
    const kept = xs.map((x, k) => ({ x, y: ys[k] })).filter((p) => p.x < 0.9);
    const estimate = estimateLandscape1d(
      kept.map((p) => p.x),
      kept.map((p) => p.y),
      { min: -1.5, max: 1.5 },
      { n: 60, bandwidth: 0.03 },
    );
    estimate.xs.forEach((x, k) => {
      if (x < -1.2) expect(estimate.values[k]).toBeNaN(); // left of all data
      if (x > 0.45 && x < 0.85) {
        expect(estimate.failed[k]).toBe(1);
        expect(estimate.values[k]).toBeNaN();
      }
      if (x > 1.1) expect(estimate.values[k]).toBeNaN();
      if (x > -0.9 && x < 0.1) expect(estimate.values[k]).toBeCloseTo((x - 0.5) ** 2, 1);
    });
  });
});

describe('summarizeCells', () => {
  it('writes rows top first with deciles, blanks and failures, and the best cell', () => {
    const values = Float64Array.from([1, 2, Number.NaN, 0.5]);
    const summary = summarizeCells(
      values,
      Uint8Array.from([0, 0, 1, 0]),
      2,
      2,
      (c) => c * 10,
      (r) => r * 100,
    );
    expect(summary.grid.cells).toBe('#0/36');
    expect(summary.grid.best).toEqual([10, 100]);
    expect(summary.counts).toEqual({ value: 3, blank: 0, failed: 1 });
  });
});
