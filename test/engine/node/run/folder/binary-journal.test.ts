/**
 * The large-n journal (params.f64 rows beside journal.jsonl, docs/run-folder-format.md) reads
 * as the plain one: the same seeded run exports byte-identical CSV and JSON, resumes to the
 * same end, and a crash that tears both files is repaired consistently.
 */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalLines, start, until } from '../../../../evobox-process';
import { scratchDirectories } from '../../../../scratch-directories';
import { parseProblem, type Problem } from '../../../../../engine/node/problem/schema';
import { exportRun } from '../../../../../engine/node/run/export';
import { resumeRun, startRun } from '../../../../../engine/node/run/runner';
import { binaryParamsDimension } from '../../../../../engine/node/run/folder';

const scratch = scratchDirectories('evobox-binary-journal-');

function problemOf(dimension: number, evaluations: number, extra: Record<string, unknown> = {}): Problem {
  return parseProblem(
    {
      name: 'ellipsoid',
      objective: { builtin: 'ellipsoid', dimension },
      strategy: { name: 'sep-cma-es' },
      budget: { evaluations },
      seed: 7,
      checkpointSeconds: 0.001,
      ...extra,
    },
    resolve(__dirname),
  );
}

async function runToEnd(problem: Problem, binaryParamsFrom: number, stopAtGeneration?: number) {
  const ref: { stop?: () => void } = {};
  const run = await startRun(problem, {
    runsDir: scratch(),
    binaryParamsFrom,
    onGeneration: (event) => {
      if (event.generation === stopAtGeneration) ref.stop?.();
    },
  });
  ref.stop = () => run.stop();
  return { runDir: run.runDir, result: await run.done };
}

interface Line {
  index: number;
  paramsRow?: number;
  params?: Record<string, number>;
}

/**
 * The run's CSV without its `ms` column: two runs of the same seed evaluate the same points
 * to the same fitness, but never in the same microseconds.
 */
function csvOf(runDir: string): string {
  const rows = exportRun(runDir, 'csv').split('\n');
  const ms = rows[0].split(',').indexOf('ms');
  expect(ms).toBeGreaterThan(0);
  // No field of these runs is quoted (no commas in values), so splitting on commas is exact.
  return rows
    .map((row) =>
      row
        .split(',')
        .filter((_, k) => k !== ms)
        .join(','),
    )
    .join('\n');
}

function lines(runDir: string): Line[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

/** Every line's row is in params.f64, and the file holds exactly the rows the lines refer to. */
function expectConsistent(runDir: string, dimension: number): void {
  const rows = lines(runDir).map((line) => line.paramsRow!);
  expect(rows.every((row) => Number.isInteger(row))).toBe(true);
  expect(rows).toEqual(rows.map((_, k) => k)); // one row per line, in order, none lost
  expect(statSync(join(runDir, 'params.f64')).size).toBe(rows.length * dimension * 8);
}

describe('binary parameter rows (params.f64)', () => {
  const dimension = 6;
  const problem = problemOf(dimension, 600);
  const plain = runToEnd(problem, Number.POSITIVE_INFINITY);

  it('exports byte-identical CSV and JSON to the plain journal for the same seeded run', async () => {
    const binary = await runToEnd(problem, 1);
    const reference = await plain;
    expect(existsSync(join(reference.runDir, 'params.f64'))).toBe(false);
    expect(lines(reference.runDir)[0].params).toBeDefined();
    const binaryLines = lines(binary.runDir);
    expect(binaryLines[0].params).toBeUndefined();
    expect(binaryLines[0].paramsRow).toBe(0);
    expectConsistent(binary.runDir, dimension);

    const csv = exportRun(binary.runDir, 'csv');
    expect(csv.split('\n')).toHaveLength(602); // header, 600 rows, final newline
    expect(csvOf(binary.runDir)).toBe(csvOf(reference.runDir));
    expect(exportRun(binary.runDir, 'json')).toBe(exportRun(reference.runDir, 'json'));
    expect(binary.result.best).toEqual(reference.result.best);
  });

  it('resumes a stopped binary run to the uninterrupted end', async () => {
    const stopped = await runToEnd(problem, 1, 30);
    expect(stopped.result.stopReason).toBe('stopped-by-user');
    const result = await (await resumeRun(stopped.runDir)).done;
    const reference = await plain;
    expect(result.best).toEqual(reference.result.best);
    expectConsistent(stopped.runDir, dimension);
    expect(csvOf(stopped.runDir)).toBe(csvOf(reference.runDir));
  });

  it('repairs a torn tail of both files: rows without their line and half a row go', async () => {
    const stopped = await runToEnd(problem, 1, 30);
    const rowsBefore = lines(stopped.runDir).length;
    // What a crash mid-write leaves: a generation's rows written, its lines not (one torn),
    // and half of a row.
    appendFileSync(join(stopped.runDir, 'params.f64'), Buffer.alloc(2 * dimension * 8 + 20, 7));
    appendFileSync(
      join(stopped.runDir, 'journal.jsonl'),
      `{"index":${rowsBefore},"generation":31,"paramsRow":${rowsBefore},"fitn`,
    );
    const result = await (await resumeRun(stopped.runDir)).done;
    const reference = await plain;
    expect(result.best).toEqual(reference.result.best);
    expectConsistent(stopped.runDir, dimension);
    expect(csvOf(stopped.runDir)).toBe(csvOf(reference.runDir));
  });

  it('after kill -9 mid-run (CLI, default threshold), resume repairs both files and ends as an uninterrupted run', async () => {
    const n = binaryParamsDimension;
    const big = problemOf(n, 12_000, { checkpointSeconds: 0.05 });
    const dir = scratch();
    const problemFile = join(dir, 'big.problem.json');
    writeFileSync(
      problemFile,
      JSON.stringify({
        name: 'ellipsoid',
        objective: { builtin: 'ellipsoid', dimension: n },
        strategy: { name: 'sep-cma-es' },
        budget: { evaluations: 12_000 },
        seed: 7,
        checkpointSeconds: 0.05,
      }),
    );
    const out = join(dir, 'killed');
    const { child, finished } = start(['run', problemFile, '--json', '--out', out]);
    await until(
      () => journalLines(out) > 2000 && existsSync(join(out, 'checkpoint.json')),
      60_000,
      'the run to progress',
    );
    child.kill('SIGKILL');
    expect((await finished).signal).toBe('SIGKILL');
    expect(lines(out).length).toBeLessThan(12_000); // killed before the end
    const result = await (await resumeRun(out)).done;
    const reference = await runToEnd(big, n);
    expect(result.evaluations).toBe(12_000);
    expect(result.best).toEqual(reference.result.best);
    expectConsistent(out, n);
    expect(csvOf(out)).toBe(csvOf(reference.runDir));
  }, 120_000);
});
