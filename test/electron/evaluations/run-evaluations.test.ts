import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunEvaluations } from '../../../electron/backend/evaluations/run-evaluations';
import { readRun } from '../../../electron/backend/run-history';
import {
  mergeOrders,
  sortNumericRows,
  sortRows,
} from '../../../electron/backend/evaluations/evaluation-query';

let dir: string;

function writeRun(objective: Record<string, unknown>): void {
  writeFileSync(
    join(dir, 'problem.json'),
    JSON.stringify({
      name: 't',
      objective,
      parameters: [
        { name: 'a', lower: -5, upper: 5 },
        { name: 'b', lower: 0, upper: 10 },
      ],
      strategy: { name: 'cma-es' },
      budget: { evaluations: 100 },
      seed: 1,
    }),
  );
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ evoboxVersion: 'x', createdAt: '', baseDir: dir }));
}

function record(
  index: number,
  a: number,
  b: number,
  fitness: number | null,
  extra: Record<string, unknown> = {},
) {
  return `${JSON.stringify({ index, generation: Math.floor(index / 4), params: { a, b }, fitness, ms: index + 0.5, worker: index % 2, ...extra })}\n`;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evobox-evaluations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RunEvaluations', () => {
  it('pages, sorts (failures last both ways) and filters the journal', async () => {
    writeRun({ builtin: 'sphere' });
    const lines = [
      record(0, 1, 2, 5),
      record(1, -1, 3, 2, { extras: { loss: 7, tag: 'x' } }),
      record(2, 3, 9, null, { error: 'exit code 1', stderrTail: 'Traceback' }),
      record(3, 0.5, 1, 0.25),
      record(4, -4, 8, 9),
    ];
    writeFileSync(join(dir, 'journal.jsonl'), lines.join(''));
    const store = new RunEvaluations();
    const all = await store.page(dir, 0, 10);
    expect(all.total).toBe(5);
    expect(all.failed).toBe(1);
    expect(all.parameterNames).toEqual(['a', 'b']);
    expect(all.extraNames).toEqual(['loss', 'tag']);
    expect(all.rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(all.rows[1].extras).toEqual([7, 'x']);
    expect(all.rows[2].error).toBe('exit code 1');

    const ascending = await store.page(dir, 0, 10, { column: 'fitness' });
    expect(ascending.rows.map((r) => r.fitness)).toEqual([0.25, 2, 5, 9, null]);
    const descending = await store.page(dir, 0, 10, { column: 'fitness', descending: true });
    expect(descending.rows.map((r) => r.fitness)).toEqual([9, 5, 2, 0.25, null]);
    expect((await store.page(dir, 1, 2, { column: 'param:a' })).rows.map((r) => r.params[0])).toEqual([
      -1, 0.5,
    ]);

    expect((await store.page(dir, 0, 10, undefined, { failedOnly: true })).rows.map((r) => r.index)).toEqual([
      2,
    ]);
    const band = await store.page(dir, 0, 10, { column: 'index' }, { fitnessBelow: 5, fitnessAbove: 1 });
    expect(band.matched).toBe(2);
    expect(band.rows.map((r) => r.index)).toEqual([0, 1]);
    const range = await store.page(dir, 0, 10, undefined, { ranges: [{ parameter: 'b', min: 2, max: 8 }] });
    expect(range.rows.map((r) => r.index)).toEqual([0, 1, 4]);
    await expect(store.page(dir, 0, 10, undefined, { ranges: [{ parameter: 'zz' }] })).rejects.toThrow(
      /filter.ranges\[0\].parameter: no parameter named "zz"/,
    );
    await expect(store.page(dir, 0, 10, { column: 'bogus' })).rejects.toThrow(/sort.column must be one of/);
  });

  it('picks up appended rows of a live run, ignores a half-written line, and keeps sorted orders merged', async () => {
    writeRun({ builtin: 'sphere' });
    const path = join(dir, 'journal.jsonl');
    writeFileSync(path, record(0, 1, 1, 3) + record(1, 2, 2, 1));
    const store = new RunEvaluations();
    expect((await store.page(dir, 0, 10, { column: 'fitness' })).rows.map((r) => r.index)).toEqual([1, 0]);
    const partial = record(2, 0, 0, 2);
    appendFileSync(path, partial.slice(0, 20));
    expect((await store.page(dir, 0, 10)).total).toBe(2);
    appendFileSync(path, partial.slice(20) + record(3, 0, 0, 0.5));
    const sorted = await store.page(dir, 0, 10, { column: 'fitness' });
    expect(sorted.total).toBe(4);
    expect(sorted.rows.map((r) => r.index)).toEqual([3, 1, 2, 0]);
  });

  it('answers the first page of a long journal before reading all of it, and shares one read between requests', async () => {
    writeRun({ builtin: 'sphere' });
    const rows = 30_000; // ≈ 4 MB: several slices of one 1 MB chunk each
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) lines.push(record(i, i / rows, 1, rows - i));
    writeFileSync(join(dir, 'journal.jsonl'), lines.join(''));
    const store = new RunEvaluations({ sliceMs: 0 });
    const first = await store.page(dir, 0, 50);
    expect(first.rows.map((r) => r.index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(first.reading).toBeDefined();
    expect(first.total).toBeLessThan(rows);
    expect(first.reading!.bytesRead).toBeLessThan(first.reading!.bytes);
    // A sorted page needs every row: it waits for the read under way (not a second one).
    const [sorted, again] = await Promise.all([
      store.page(dir, 0, 3, { column: 'fitness' }),
      store.page(dir, 0, 3, { column: 'fitness' }),
    ]);
    expect(sorted.total).toBe(rows);
    expect(sorted.rows.map((r) => r.index)).toEqual([rows - 1, rows - 2, rows - 3]);
    expect(again).toEqual(sorted);
    const complete = await store.page(dir, rows - 2, 10);
    expect(complete.reading).toBeUndefined();
    expect(complete.rows.map((r) => r.index)).toEqual([rows - 2, rows - 1]);
  });

  it('summarises the journal for runs:read exactly as reading it directly does', async () => {
    writeRun({ builtin: 'sphere' });
    const lines = [
      record(0, 1, 2, 5),
      record(1, -1, 3, 2),
      record(2, 3, 9, null, { error: 'exit code 1', stderrTail: 'Traceback' }),
      record(3, 0.5, 1, 0.25),
      record(4, -4, 8, 9),
      record(4, -4, 8, 9), // written twice around a crash: counted once
      record(5, 2, 2, null, { error: 'timeout' }),
      record(6, 1, 1, 0.1),
    ];
    writeFileSync(join(dir, 'journal.jsonl'), lines.join(''));
    const direct = readRun(dir, 100);
    const viaColumns = readRun(dir, 100, undefined, await new RunEvaluations().summary(dir));
    expect(viaColumns).toEqual(direct);
    expect(viaColumns.failedEvaluations).toBe(2);
    expect(viaColumns.failures[0]).toEqual({
      index: 2,
      error: 'exit code 1',
      stderrTail: 'Traceback',
      params: { a: 3, b: 9 },
    });
    expect(viaColumns.curve.bestSoFar).toEqual([0.25, 0.1]);
  });

  it('summarises part of a long journal when asked not to wait, and all of it once read', async () => {
    writeRun({ builtin: 'sphere' });
    const rows = 30_000;
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) lines.push(record(i, 0, 1, rows - i));
    writeFileSync(join(dir, 'journal.jsonl'), lines.join(''));
    const store = new RunEvaluations({ sliceMs: 0 });
    const partial = await store.summary(dir, 0);
    expect(partial.reading).toBeDefined();
    const shown = partial.curve.evaluations.at(-1)!;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(rows);
    expect(partial.curve.bestSoFar.at(-1)).toBe(rows - shown + 1); // the rows read so far, exactly
    const whole = await store.summary(dir);
    expect(whole.reading).toBeUndefined();
    expect(readRun(dir, 100, undefined, whole)).toEqual(readRun(dir, 100));
  });

  it('gives a row in full with the command line that evaluates it again', async () => {
    writeRun({
      command: '/usr/bin/python3',
      args: ['{problemdir}/f.py', '--a', '{a}', '--b={b}'],
      protocol: 'args',
    });
    writeFileSync(join(dir, 'f.py'), 'print(1)\n');
    writeFileSync(
      join(dir, 'journal.jsonl'),
      record(0, 0.1, 2, 1, { stdoutTail: 'hello\n1\n' }) +
        record(1, 1e-7, 3, null, { error: 'boom', stderrTail: 'bad' }),
    );
    const store = new RunEvaluations();
    const detail = await store.detail(dir, 1);
    expect(detail.row.error).toBe('boom');
    expect(detail.stderrTail).toBe('bad');
    expect(detail.command.argv).toEqual(['/usr/bin/python3', `${dir}/f.py`, '--a', '1e-7', '--b=3']);
    expect(detail.command.cwd).toBe(dir);
    expect(detail.command.shell).toBe(`cd ${dir} && /usr/bin/python3 ${dir}/f.py --a 1e-7 --b=3`);
    expect((await store.detail(dir, 0)).stdoutTail).toBe('hello\n1\n');
    await expect(store.detail(dir, 5)).rejects.toThrow(/row must be < 2/);
  });

  it('pipes the request of json-stdin into the program', async () => {
    writeRun({
      command: '/usr/bin/python3',
      args: ['f.py'],
      protocol: 'json-stdin',
      env: { MODE: 'fast run' },
    });
    writeFileSync(join(dir, 'journal.jsonl'), record(7, 0.5, 1, 2));
    const detail = await new RunEvaluations().detail(dir, 0);
    expect(detail.command.stdin).toBe('{"id":7,"params":{"a":0.5,"b":1}}\n');
    expect(detail.command.shell).toBe(
      `cd ${dir} && printf '%s\\n' '{"id":7,"params":{"a":0.5,"b":1}}' | env 'MODE=fast run' /usr/bin/python3 f.py`,
    );
  });

  it('samples evenly spaced rows as columns', async () => {
    writeRun({ builtin: 'sphere' });
    writeFileSync(
      join(dir, 'journal.jsonl'),
      Array.from({ length: 100 }, (_, i) => record(i, i, -i, i % 10 === 0 ? null : i)).join(''),
    );
    const sample = await new RunEvaluations().sample(dir, 10);
    expect(sample.total).toBe(100);
    expect(sample.index).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(sample.params[1]).toEqual(sample.index.map((i) => 0 - i || 0));
    expect(sample.fitness.every((f) => f === null)).toBe(true);
    expect(sample.parameters.map((p) => p.name)).toEqual(['a', 'b']);
  });
});

describe('sort orders', () => {
  it('merging the order of new rows equals sorting everything', () => {
    const values = [5, 3, Number.NaN, 3, 1, 8, 0, Number.NaN, 2, 7];
    const key = (row: number) => (Number.isNaN(values[row]) ? null : values[row]);
    const full = sortRows(Uint32Array.from(values.keys()), key);
    const merged = mergeOrders(
      sortRows(Uint32Array.from([0, 1, 2, 3, 4]), key),
      sortRows(Uint32Array.from([5, 6, 7, 8, 9]), key),
      key,
    );
    expect(Array.from(merged.rows)).toEqual(Array.from(full.rows));
    expect(Array.from(full.rows)).toEqual([6, 4, 8, 1, 3, 0, 9, 5, 2, 7]);
    expect(full.present).toBe(8);
    expect(merged.present).toBe(8);
  });
});

describe('numeric radix sort', () => {
  it('orders like a comparator sort, stable, with −0, infinities and NaN (last)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pool = [0, -0, 1e-300, -1e-300, Infinity, -Infinity, Number.NaN, 3, 3, -2.5, 1e300];
    const values = Float64Array.from({ length: 2000 }, (_, i) =>
      i % 3 === 0 ? pool[i % pool.length] : (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10),
    );
    const rows = Uint32Array.from(values.keys());
    const key = (row: number) => (Number.isNaN(values[row]) ? null : values[row]);
    const expected = sortRows(rows, key);
    const actual = sortNumericRows(rows, values);
    expect(actual.present).toBe(expected.present);
    expect(Array.from(actual.rows)).toEqual(Array.from(expected.rows));
  });
});
