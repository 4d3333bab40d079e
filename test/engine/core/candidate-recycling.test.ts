import { describe, expect, it } from 'vitest';
import { Optimizer, type OptimizerConfig } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import type { Strategy } from '../../../engine/core/strategy';
import { cmaEs } from '../../../engine/strategies/cma-es';
import { sepCmaEs } from '../../../engine/strategies/sep-cma-es';
import { copyRows } from '../../../engine/strategies/cma/vectors';

/**
 * The optimizer hands the last told generation's candidate vectors back to the strategy's next
 * ask, and the state its last tell was given to the next tell (`spare`); CMA-ES and sep-CMA-ES
 * refill those arrays instead of allocating. These tests check that recycling happens and
 * changes nothing a caller can observe except the documented rule (a candidate's x is refilled
 * once the next generation is asked for).
 */

function rows(count: number, n: number, first: number): Float64Array {
  return Float64Array.from({ length: count * n }, (_, i) => first + i);
}

describe('copyRows with spare vectors', () => {
  for (const n of [3, 5000]) {
    it(`refills spare vectors of the right length (n = ${n})`, () => {
      const spare = Array.from({ length: 5 }, () => new Float64Array(n));
      const copied = copyRows(rows(4, n, 10), 4, n, spare);
      expect(copied).toHaveLength(4);
      copied.forEach((row, k) => {
        expect(row).toBe(spare[k]);
        expect(row[0]).toBe(10 + k * n);
        expect(row[n - 1]).toBe(10 + k * n + n - 1);
      });
    });
  }

  it('allocates new vectors when the spare ones are too few, too short or repeated', () => {
    const n = 6;
    const source = rows(3, n, 0);
    const one = new Float64Array(n);
    const cases: Float64Array[][] = [
      [new Float64Array(n), new Float64Array(n)],
      [new Float64Array(n), new Float64Array(n - 1), new Float64Array(n)],
      [one, one, new Float64Array(n)],
    ];
    for (const spare of cases) {
      const copied = copyRows(source, 3, n, spare);
      for (const row of copied) expect(spare).not.toContain(row);
      expect(Array.from(copied[2])).toEqual(Array.from(source.subarray(2 * n)));
      for (const s of spare) expect(s.every((v) => v === 0)).toBe(true);
    }
  });
});

/** The same strategy with the spare vectors and states ignored: every ask and tell allocates. */
function withoutRecycling(strategy: Strategy): Strategy {
  return {
    ...strategy,
    ask: (rng, state) => strategy.ask(rng, state),
    tell: (state, candidates, fitness) => strategy.tell(state, candidates, fitness),
  };
}

const rastrigin = (x: Float64Array) => x.reduce((s, v) => s + v * v - 10 * Math.cos(2 * Math.PI * v) + 10, 0);

/** Runs to the end; returns every generation's fitness values, copies of its x, and the optimizer. */
function trace(config: OptimizerConfig) {
  const optimizer = Optimizer.create(config);
  const fitness: number[][] = [];
  const vectors: Float64Array[][] = [];
  const xs: Float64Array[][] = [];
  const means: Float64Array[] = [];
  while (!optimizer.stopReason) {
    means.push((optimizer.strategyState as { mean: Float64Array }).mean);
    const candidates = optimizer.ask();
    if (candidates.length === 0) break;
    vectors.push(candidates.map((c) => c.x));
    xs.push(candidates.map((c) => Float64Array.from(c.x)));
    const values = candidates.map((c) => rastrigin(c.x));
    fitness.push(values);
    optimizer.tell(values.map((f) => ({ fitness: f })));
  }
  return { optimizer, fitness, vectors, xs, means };
}

describe.each([
  ['cma-es', cmaEs as Strategy, 6, 8000],
  ['sep-cma-es', sepCmaEs as Strategy, 300, 18_000],
])('optimizer candidate recycling, %s', (_name, strategy, n, budget) => {
  const space = new SearchSpace(Array.from({ length: n }, (_, i) => ({ name: `p${i}`, min: -5, max: 5 })));
  const config = (s: Strategy): OptimizerConfig => ({
    strategy: s,
    space,
    seed: 7,
    stop: { maxEvaluations: budget },
    restarts: { mode: 'ipop', maxRestarts: 3 },
    options: { stepSize: 0.5 },
  });

  it('refills the vectors of earlier generations, and runs exactly as without recycling', () => {
    const recycled = trace(config(strategy));
    const fresh = trace(config(withoutRecycling(strategy)));
    expect(recycled.fitness.length).toBeGreaterThan(5);
    expect(recycled.fitness).toEqual(fresh.fitness);
    expect(recycled.optimizer.best?.fitness).toBe(fresh.optimizer.best?.fitness);
    expect(recycled.vectors[1][0]).toBe(recycled.vectors[0][0]);
    expect(fresh.vectors[1][0]).not.toBe(fresh.vectors[0][0]);
    // The state of generation g + 2 is written into the arrays of generation g.
    expect(recycled.means[3]).toBe(recycled.means[1]);
    expect(recycled.means[2]).not.toBe(recycled.means[1]);
    expect(fresh.means[3]).not.toBe(fresh.means[1]);
    // IPOP restarts (a larger population) were part of the run.
    const sizes = new Set(recycled.fitness.map((f) => f.length));
    expect(sizes.size).toBeGreaterThan(1);
  });

  it('keeps a copy of the best x, not a vector that is refilled later', () => {
    const { optimizer, xs } = trace(config(strategy));
    const best = optimizer.best!;
    const firstIndex = xs.slice(0, best.generation).reduce((s, g) => s + g.length, 0);
    const asked = xs[best.generation][best.index - firstIndex];
    expect(Array.from(best.x)).toEqual(Array.from(asked));
    expect(rastrigin(best.x)).toBe(best.fitness);
  });
});
