import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  axisLengthsOf,
  generationLogFile,
  keepsVectors,
  readGenerationLog,
  round,
} from '../../../../engine/node/run/generation-log';
import fc from 'fast-check';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { startRun } from '../../../../engine/node/run/runner';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evobox-generation-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('generation log', () => {
  it('rounds to six significant digits as Number(v.toPrecision(6)) does, to the same double', () => {
    const same = (v: number) =>
      Object.is(round(v), Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(6)) : v);
    fc.assert(fc.property(fc.double(), same), { seed: 3, numRuns: 20_000 });
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        (e, m) => same(m * 10 ** Math.round(e)),
      ),
      { seed: 4, numRuns: 20_000 },
    );
    // Halves and their neighbours in the sixth digit, and powers of ten (where log10 may be off by one).
    for (let e = -25; e <= 25; e++) {
      for (const digits of [100_000, 123_456, 999_999]) {
        for (const tail of [0.5, 0.4999999, 0.5000001, 0, 0.9999999]) {
          const v = (digits + tail) * 10 ** (e - 5);
          for (const w of [v, -v, v * (1 + 2 ** -52), v * (1 - 2 ** -52)])
            expect(same(w), String(w)).toBe(true);
        }
      }
    }
    for (let e = -300; e <= 300; e++)
      for (const w of [10 ** e, 10 ** e * (1 - 2 ** -53), 10 ** e * (1 + 2 ** -52)])
        expect(same(w), String(w)).toBe(true);
  });

  it('thins the vectors of long high-dimensional runs, about 128 lines per doubling', () => {
    expect(Array.from({ length: 5000 }, (_, g) => g).every((g) => keepsVectors(g, 40))).toBe(true);
    const kept = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => from + k).filter((g) => keepsVectors(g, 1000)).length;
    expect(kept(0, 256)).toBe(256);
    expect(kept(256, 512)).toBe(128);
    expect(kept(1024, 2048)).toBe(128);
    expect(kept(65536, 131072)).toBe(128);
  });

  it('axis lengths are √eigenvalues of the covariance, longest first', () => {
    // C = R diag(9, 1) Rᵀ with a 30° rotation: axes 3 and 1.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const cov = [9 * c * c + s * s, (9 - 1) * c * s, (9 - 1) * c * s, 9 * s * s + c * c];
    const lengths = axisLengthsOf({
      mean: new Float64Array(2),
      covariance: Float64Array.from(cov),
      stepSize: 1,
    })!;
    expect(lengths[0]).toBeCloseTo(3, 10);
    expect(lengths[1]).toBeCloseTo(1, 10);
    expect(
      axisLengthsOf({ mean: new Float64Array(3), stdDevs: Float64Array.from([1, 4, 2]), stepSize: 1 }),
    ).toEqual([4, 2, 1]);
  });

  it('the runner writes one line per generation matching its σ and evaluation counts', async () => {
    const problem = parseProblem(
      {
        name: 'log',
        objective: { builtin: 'ellipsoid', dimension: 4 },
        strategy: { name: 'cma-es' },
        budget: { evaluations: 400 },
        seed: 3,
      },
      dir,
    );
    const sigmas: number[] = [];
    const counts: number[] = [];
    const run = await startRun(problem, {
      runDir: join(dir, 'run'),
      onGeneration: (event) => {
        sigmas.push(event.distribution!.stepSize);
        counts.push(event.evaluations);
      },
    });
    await run.done;
    const { records, next } = readGenerationLog(join(dir, 'run', generationLogFile));
    expect(records.map((r) => r.evaluations)).toEqual(counts);
    records.forEach((r, k) => expect(Math.abs(r.stepSize - sigmas[k])).toBeLessThanOrEqual(1e-5 * sigmas[k]));
    expect(records.every((r) => r.mean?.length === 4 && r.axisLengths?.length === 4)).toBe(true);
    // CMA-ES reports its own axis lengths: their ratio is the axis ratio.
    const last = records[records.length - 1];
    const ratio = last.axisLengths![0] / last.axisLengths![3];
    expect(Math.abs(last.axisRatio! - ratio)).toBeLessThanOrEqual(1e-5 * ratio); // 6 significant digits
    expect(next).toBe(readFileSync(join(dir, 'run', generationLogFile)).length);
  });

  it('reads from an offset and leaves a half-written line for later', () => {
    const path = join(dir, generationLogFile);
    const line = (g: number) => `${JSON.stringify({ generation: g, evaluations: g, stepSize: 1 })}\n`;
    writeFileSync(path, line(0) + line(1));
    const first = readGenerationLog(path);
    expect(first.records.map((r) => r.generation)).toEqual([0, 1]);
    appendFileSync(path, line(2).slice(0, 10));
    const partial = readGenerationLog(path, first.next);
    expect(partial.records).toEqual([]);
    expect(partial.next).toBe(first.next);
    appendFileSync(path, line(2).slice(10));
    expect(readGenerationLog(path, first.next).records.map((r) => r.generation)).toEqual([2]);
  });
});
