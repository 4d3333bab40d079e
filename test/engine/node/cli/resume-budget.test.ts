/** `evobox resume <runDir> --budget N`: a finished run goes on to N evaluations in total. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');
const fixtures = join(root, 'test/fixtures/runs');
const scratch = scratchDirectories('evobox-cli-budget-');

function evobox(args: string[]) {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('evobox resume --budget', () => {
  it('continues a finished run to the new total, and refuses a total already reached (exit 2)', () => {
    const out = join(scratch(), 'run');
    const problem = join(fixtures, 'line.problem.json');
    expect(evobox(['run', problem, '--json', '--out', out, '--budget', '40']).code).toBe(0);

    const again = evobox(['resume', out, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ evaluations: 40, stopReason: 'budget-evaluations' });

    const more = evobox(['resume', out, '--json', '--budget', '70']);
    expect(more.code).toBe(0);
    expect(JSON.parse(more.stdout)).toMatchObject({ evaluations: 70, stopReason: 'budget-evaluations' });
    const lines = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { index: number }).index)).toEqual(
      Array.from({ length: 70 }, (_, i) => i),
    );

    const less = evobox(['resume', out, '--budget', '50']);
    expect(less.code).toBe(2);
    expect(less.stderr).toContain(
      'budget.evaluations must be more than the 70 evaluations the run has done (got 50)',
    );
  });
});
