import { describe, expect, it } from 'vitest';
import { jobUnpacker, packJobs } from '../../../../engine/node/evaluation/packed-jobs';
import type { EvaluationJob } from '../../../../engine/node/evaluation/types';

describe('packed jobs (params as one Float64Array across threads)', () => {
  for (const n of [3, 100, 300]) {
    it(`rebuilds the same params objects, keys in order, doubles exact (n = ${n})`, () => {
      const names = Array.from({ length: n }, (_, i) => `p${i}`);
      const jobs: EvaluationJob[] = [0, 1, 2].map((j) => ({
        index: 40 + j,
        params: Object.fromEntries(names.map((name, i) => [name, i === 0 ? -0 : Math.sin(j * n + i) * 1e-7])),
      }));
      const packed = packJobs(jobs, names);
      expect(packed).not.toBeNull();
      const unpack = jobUnpacker(names);
      const rebuilt = unpack(structuredClone(packed!));
      expect(rebuilt.map((job) => job.index)).toEqual([40, 41, 42]);
      // One job at a time (module objectives): the same job as the whole chunk's.
      rebuilt.forEach((job, j) => {
        const alone = unpack.one(packed!, j);
        expect(alone.index).toBe(job.index);
        expect(Object.keys(alone.params)).toEqual(names);
        expect(JSON.stringify(alone.params)).toBe(JSON.stringify(job.params));
      });
      rebuilt.forEach((job, j) => {
        expect(Object.keys(job.params)).toEqual(names);
        expect(JSON.stringify(job.params)).toBe(JSON.stringify(jobs[j].params));
        names.forEach((name) => expect(Object.is(job.params[name], jobs[j].params[name])).toBe(true));
      });
    });
  }

  it('packs jobs that carry their values without reading their params, the same doubles as from params', () => {
    const names = ['a', 'b', 'c'];
    const params = [
      { a: -0, b: 1.5, c: 1e-300 },
      { a: 2, b: -3, c: 7 },
    ];
    const unread = params.map((p, j) => ({
      index: j,
      values: Float64Array.from(names, (name) => p[name as keyof typeof p]),
      get params(): Record<string, number> {
        throw new Error('params read');
      },
    }));
    const packed = packJobs(unread, names);
    expect(packed).toEqual(
      packJobs(
        params.map((p, j) => ({ index: j, params: p })),
        names,
      ),
    );
    expect(Object.is(packed!.values[0], -0)).toBe(true);
    // Values of another length than the names: the params objects decide, as without values.
    expect(packJobs([{ index: 0, params: { a: 1, b: 2, c: 3 }, values: [1, 2] }], names)?.values).toEqual(
      Float64Array.of(1, 2, 3),
    );
  });

  it('declines jobs whose params are not exactly the names, in order, all numbers', () => {
    const names = ['a', 'b'];
    expect(packJobs([{ index: 0, params: { b: 1, a: 2 } }], names)).toBeNull();
    expect(packJobs([{ index: 0, params: { a: 1 } }], names)).toBeNull();
    expect(packJobs([{ index: 0, params: { a: 1, b: 2, c: 3 } }], names)).toBeNull();
    expect(packJobs([{ index: 0, params: { a: 1, b: '2' as unknown as number } }], names)).toBeNull();
    expect(packJobs([{ index: 0, params: { a: 1, b: 2 } }], [])).toBeNull();
    expect(packJobs([{ index: 0, params: { a: 1, b: 2 }, batch: [{ a: 1, b: 2 }] }], names)).toBeNull();
    expect(packJobs([{ index: 0, params: { a: 1, b: 2 } }], names)?.values).toEqual(Float64Array.of(1, 2));
  });
});
