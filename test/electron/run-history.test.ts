import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../scratch-directories';
import { curveFromRecords, decimateCurve, listRuns, readRun } from '../../electron/backend/run-history';
import type { JournalRecord } from '../../engine/node/run/folder';

const scratch = scratchDirectories('evobox-');

const record = (
  index: number,
  generation: number,
  fitness: number | null,
  error?: string,
): JournalRecord => ({
  index,
  generation,
  params: { x: index },
  fitness,
  ms: 1,
  worker: 0,
  ...(error ? { error } : {}),
});

describe('run history', () => {
  it('builds per-generation curves in the problem’s direction, counting duplicates once', () => {
    const records = [
      record(0, 0, 5),
      record(1, 0, 3),
      record(2, 1, 4),
      record(2, 1, 4),
      record(3, 1, null),
      record(4, 2, 1),
    ];
    expect(curveFromRecords(records, false)).toEqual({
      evaluations: [2, 4, 5],
      bestSoFar: [3, 3, 1],
      generationMin: [3, 4, 1],
      generationMedian: [4, 4, 1],
    });
    expect(curveFromRecords(records, true).bestSoFar).toEqual([5, 5, 5]);
    expect(curveFromRecords(records, true).generationMin).toEqual([5, 4, 1]);
  });

  it('decimates long curves to the last generation of each bucket with the bucket’s best', () => {
    const curve = {
      evaluations: [1, 2, 3, 4, 5, 6],
      bestSoFar: [6, 5, 4, 3, 2, 1],
      generationMin: [6, 1, 4, 3, 9, 2],
      generationMedian: [7, 6, 5, 4, 3, 2],
    };
    expect(decimateCurve(curve, 3, false)).toEqual({
      evaluations: [2, 4, 6],
      bestSoFar: [5, 3, 1],
      generationMin: [1, 3, 2],
      generationMedian: [6, 4, 2],
    });
    expect(decimateCurve(curve, 10, false)).toBe(curve);
  });

  it('reads a run without touching a torn last line (another process may be writing it)', () => {
    const dir = scratch('evobox-history-');
    const path = join(dir, 'journal.jsonl');
    writeFileSync(
      join(dir, 'problem.json'),
      JSON.stringify({ name: 'torn', objective: { builtin: 'sphere' } }),
    );
    writeFileSync(
      join(dir, 'run.json'),
      JSON.stringify({ createdAt: '2026-01-01T00:00:00.000Z', baseDir: dir }),
    );
    const text = `${JSON.stringify(record(0, 0, 1))}\n${JSON.stringify(record(1, 0, 2))}\n{"index":2,"gen`;
    writeFileSync(path, text);
    const detail = readRun(dir, 100);
    expect(detail.curve.evaluations).toEqual([2]);
    expect(detail.summary.evaluations).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('lists run folders newest first and reads one back', () => {
    const runsDir = scratch('evobox-runs-');
    const make = (name: string, createdAt: string, finished: boolean) => {
      const dir = join(runsDir, name);
      const problem = { name, objective: { builtin: 'sphere' }, strategy: { name: 'cma-es' } };
      mkdirSync(dir);
      writeFileSync(join(dir, 'problem.json'), JSON.stringify(problem));
      writeFileSync(join(dir, 'run.json'), JSON.stringify({ createdAt, baseDir: dir, evoboxVersion: '0' }));
      writeFileSync(
        join(dir, 'journal.jsonl'),
        [record(0, 0, 4), record(1, 0, null, 'exited with code 3'), record(2, 1, 2)]
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n',
      );
      writeFileSync(join(dir, 'best.json'), JSON.stringify({ params: { x: 2 }, fitness: 2 }));
      if (finished)
        writeFileSync(
          join(dir, 'result.json'),
          JSON.stringify({ stopReason: 'budget-evaluations', evaluations: 3 }),
        );
      return dir;
    };
    const older = make('a', '2026-01-01T00:00:00.000Z', true);
    const newer = make('b', '2026-02-01T00:00:00.000Z', false);
    mkdirSync(join(runsDir, 'not-a-run'));
    const runs = listRuns(runsDir, new Map());
    expect(runs.map((r) => [r.runDir, r.status, r.evaluations, r.bestFitness])).toEqual([
      [newer, 'interrupted', 3, 2],
      [older, 'finished', 3, 2],
    ]);
    expect(listRuns(runsDir, new Map([[newer, 'running' as const]]))[0].status).toBe('running');
    const detail = readRun(older, 100);
    expect(detail.summary.stopReason).toBe('budget-evaluations');
    expect(detail.curve.bestSoFar).toEqual([4, 2]);
    expect(detail.failures).toEqual([{ index: 1, error: 'exited with code 3', params: { x: 1 } }]);
    expect(detail.failedEvaluations).toBe(1);
    expect(() => readRun(join(runsDir, 'not-a-run'), 100)).toThrow(/not a run folder/);
  });
});
