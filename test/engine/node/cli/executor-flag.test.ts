/** `--executor` on `run` and `resume`: a known kind is used and recorded, an unknown one exits 2 naming the flag. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { evobox } from '../../../evobox-process';

const scratch = scratchDirectories('evobox-cli-executor-');
const writeProblemFile = (path: string, problem: object) => writeFileSync(path, JSON.stringify(problem));

describe('evobox run/resume --executor', () => {
  it('runs on the named executor and records it; rejects an unknown kind', async () => {
    const dir = scratch();
    const problemFile = join(dir, 'sphere.problem.json');
    writeProblemFile(problemFile, {
      name: 'sphere',
      objective: { builtin: 'sphere', dimension: 2 },
      budget: { evaluations: 30 },
    });
    const out = join(dir, 'run');
    const run = await evobox(['run', problemFile, '--executor', 'local', '--json', '--out', out]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).evaluations).toBe(30);
    expect(JSON.parse(readFileSync(join(out, 'problem.json'), 'utf8')).executor).toEqual({ kind: 'local' });

    const bad = await evobox(['run', problemFile, '--executor', 'nowhere', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--executor: expected one of local, bullmq (got "nowhere")');
    const badResume = await evobox(['resume', out, '--executor', 'nowhere']);
    expect(badResume.code).toBe(2);
    expect(badResume.stderr).toContain('--executor: expected one of local');
    const resumed = await evobox(['resume', out, '--executor', 'local', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).evaluations).toBe(30);
  });
});
