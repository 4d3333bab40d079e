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
      const rebuilt = jobUnpacker(names)(structuredClone(packed!));
      expect(rebuilt.map((job) => job.index)).toEqual([40, 41, 42]);
      rebuilt.forEach((job, j) => {
        expect(Object.keys(job.params)).toEqual(names);
        expect(JSON.stringify(job.params)).toBe(JSON.stringify(jobs[j].params));
        names.forEach((name) => expect(Object.is(job.params[name], jobs[j].params[name])).toBe(true));
      });
    });
  }

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
