import { describe, expect, it } from 'vitest';
import { evaluateModuleJob, vectorOf } from '../../../../engine/node/evaluation/module-objective';
import { freshVector } from '../../../../engine/core/number-arrays';

const job = { index: 3, params: { x: 2, y: -1 }, values: Float64Array.of(2, -1) };

describe('evaluateModuleJob', () => {
  it('gives a synchronous result at once (no promise) and an async one as a promise, the same outcome', async () => {
    const sync = evaluateModuleJob((p) => (p as { x: number }).x * 10, job, 1);
    expect(sync).not.toBeInstanceOf(Promise);
    expect(sync).toMatchObject({ fitness: 20, worker: 1 });
    const later = evaluateModuleJob(async (p) => (p as { x: number }).x * 10, job, 1);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toMatchObject({ fitness: 20, worker: 1 });
  });

  it('names what went wrong the same way either way: a throw, a rejection, a result that is no number', async () => {
    const boom = () => {
      throw new Error('bad x\nsecond line');
    };
    expect(evaluateModuleJob(boom, job, 0)).toMatchObject({ fitness: null, error: 'objective threw: bad x' });
    const rejected = await evaluateModuleJob(() => Promise.reject(new Error('late')), job, 0);
    expect(rejected).toMatchObject({ fitness: null, error: 'objective threw: late' });
    const garbage = evaluateModuleJob(() => 'twelve', job, 0) as { fitness: null; error: string };
    expect(garbage.fitness).toBeNull();
    expect(garbage.error).toMatch(/^objective result must be a number/);
    expect(await evaluateModuleJob(async () => 'twelve', job, 0)).toEqual({
      ...garbage,
      ms: expect.any(Number),
    });
    expect(evaluateModuleJob(() => ({ error: 'no licence' }), job, 0)).toMatchObject({
      fitness: null,
      error: 'objective result reports an error: no licence',
    });
    expect(evaluateModuleJob(() => ({ fitness: 1, at: new Date(0) }), job, 0)).toMatchObject({
      extras: { at: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('hands a vector module its own copy of the values, or the params in name order', () => {
    const seen: Float64Array[] = [];
    evaluateModuleJob((x) => (seen.push(x as Float64Array), 0), job, 0, ['x', 'y']);
    expect(Array.from(seen[0])).toEqual([2, -1]);
    seen[0][0] = Number.NaN;
    expect(job.values[0]).toBe(2);
    expect(Array.from(vectorOf({ index: 0, params: { y: 5, x: 4 } }, ['x', 'y']))).toEqual([4, 5]);
  });
});

describe('freshVector', () => {
  it('hands out zeroed vectors that share no numbers, small ones from one block', () => {
    const vectors = Array.from({ length: 50 }, (_, k) => freshVector(k % 7 === 0 ? 600 : 100));
    vectors.forEach((v, k) => {
      expect(v.every((x) => x === 0)).toBe(true);
      v.fill(k + 1);
    });
    vectors.forEach((v, k) => expect(v.every((x) => x === k + 1)).toBe(true));
    expect(vectors[1].buffer).toBe(vectors[2].buffer); // 100 numbers: carved from a block
    expect(vectors[7].byteLength).toBe(4800);
    expect(vectors[7].buffer.byteLength).toBe(4800); // above a quarter block: its own
  });
});
