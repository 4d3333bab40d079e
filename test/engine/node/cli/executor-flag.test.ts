/** `--executor` on `run` and `resume`: a known kind is used and recorded, an unknown one exits 2 naming the flag. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { evobox, writeProblem } from './evobox';

const scratch = scratchDirectories('evobox-cli-executor-');

describe('evobox run/resume --executor', () => {
  it('runs on the named executor and records it; rejects an unknown kind', () => {
    const dir = scratch();
    const problemFile = writeProblem(dir, {
      name: 'sphere',
      objective: { builtin: 'sphere', dimension: 2 },
      budget: { evaluations: 30 },
    });
    const out = join(dir, 'run');
    const run = evobox(['run', problemFile, '--executor', 'local', '--json', '--out', out]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).evaluations).toBe(30);
    expect(JSON.parse(readFileSync(join(out, 'problem.json'), 'utf8')).executor).toEqual({ kind: 'local' });

    const bad = evobox(['run', problemFile, '--executor', 'nowhere', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--executor: expected one of local (got "nowhere")');
    const badResume = evobox(['resume', out, '--executor', 'nowhere']);
    expect(badResume.code).toBe(2);
    expect(badResume.stderr).toContain('--executor: expected one of local');
    const resumed = evobox(['resume', out, '--executor', 'local', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).evaluations).toBe(30);
  });
});
