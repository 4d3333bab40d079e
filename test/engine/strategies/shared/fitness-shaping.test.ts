import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../engine/core/rng';
import { rankByFitness } from '../../../../engine/strategies/shared/fitness-shaping';

/** The definition: indices ordered by (fitness, index), by the engine's typed-array sort. */
function reference(fitness: Float64Array): number[] {
  const order = Int32Array.from(fitness, (_, i) => i);
  return Array.from(order.sort((a, b) => fitness[a] - fitness[b] || a - b));
}

describe('rankByFitness', () => {
  it('orders by fitness, ties (also equal infinities) in candidate order, at every population size', () => {
    const rng = createRng('rank-by-fitness');
    const pool = [0, -0, 1, 1, 2, -3, Infinity, Infinity, -Infinity, -Infinity, 1e-300, 5];
    for (let count = 1; count <= 40; count++) {
      for (let trial = 0; trial < 20; trial++) {
        const fitness = Float64Array.from({ length: count }, () =>
          trial % 2 ? pool[rng.integer(pool.length)] : rng.gaussian(),
        );
        expect(Array.from(rankByFitness(fitness))).toEqual(reference(fitness));
      }
    }
  });

  it('is the permutation the comparator sort gives when a value is NaN', () => {
    const fitness = Float64Array.from([3, Number.NaN, 1, 2, Number.NaN, 0]);
    expect(Array.from(rankByFitness(fitness))).toEqual(reference(fitness));
  });
});
