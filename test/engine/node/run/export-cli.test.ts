/**
 * The exported command line (`evobox export --format cli`) reproduces the best evaluation
 * from any folder: it is executed here from an unrelated scratch folder.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');
const scratch = scratchDirectories('evobox-export-cli-');

function evobox(args: string[]) {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout;
}

/** The exported line is meant for a POSIX shell; here one runs it, from `cwd`. */
function runLine(line: string, cwd: string) {
  return spawnSync('/bin/sh', ['-c', line], { cwd, encoding: 'utf8', timeout: 30_000 });
}

describe('evobox export --format cli', () => {
  it.each([
    ['args', join(root, 'examples/args-python/problem.json')],
    ['line', join(root, 'test/fixtures/runs/line.problem.json')],
  ])('runs from another folder and prints the best fitness (%s protocol)', (_protocol, problem) => {
    const out = join(scratch(), 'run');
    evobox(['run', problem, '--out', out, '--budget', '24', '--json']);
    const best = JSON.parse(readFileSync(join(out, 'best.json'), 'utf8')) as { fitness: number };
    const line = evobox(['export', out, '--format', 'cli']).trim();
    // Relative arguments (simulate.py) only resolve in the problem's folder: the line goes there.
    expect(line).toMatch(/^\(cd \S+ && /);
    const elsewhere = scratch();
    const ran = runLine(line, elsewhere);
    expect(ran.status, ran.stderr).toBe(0);
    const last = ran.stdout.trim().split('\n').pop()!;
    const fitness = last.startsWith('{') ? (JSON.parse(last) as { fitness: number }).fitness : Number(last);
    expect(fitness).toBeCloseTo(best.fitness, 9);
  });
});
