/** A malformed Redis URL on the command line is a usage error: exit 2, naming the flag, nothing started. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evobox } from '../../../evobox-process';
import { scratchDirectories } from '../../../scratch-directories';

const scratch = scratchDirectories('evobox-redis-flag-');

describe('a malformed --redis / --executor URL', () => {
  it('makes evobox worker and evobox slurm submit exit 2 naming --redis', async () => {
    const cases: [string, string][] = [
      ['http://127.0.0.1:6379', '--redis: expected redis:// or rediss:// (got "http:")'],
      ['redis://127.0.0.1:6379/zero', '--redis: the path must be a database number such as /0 (got "/zero")'],
      ['redis://[::1', '--redis: expected a URL such as redis://127.0.0.1:6379/0 (got "redis://[::1")'],
    ];
    for (const [url, message] of cases) {
      const worker = await evobox(['worker', '--redis', url]);
      expect(worker.code, `worker --redis ${url}: ${worker.stderr}`).toBe(2);
      expect(worker.stderr).toContain(message);
      expect(worker.stdout).not.toContain('slot(s) on');
    }
    const dir = scratch();
    const slurm = await evobox(['slurm', 'submit', '--redis', 'http://x', '--workers', '1', '--dir', dir]);
    expect(slurm.code, slurm.stderr).toBe(2);
    expect(slurm.stderr).toContain('--redis: expected redis:// or rediss://');
  });

  it('makes evobox run --executor exit 2 naming --executor', async () => {
    const dir = scratch();
    const problemFile = join(dir, 'sphere.problem.json');
    writeFileSync(
      problemFile,
      JSON.stringify({
        name: 'sphere',
        objective: { builtin: 'sphere', dimension: 2 },
        budget: { evaluations: 10 },
      }),
    );
    const run = await evobox(['run', problemFile, '--executor', 'redis://127.0.0.1:6379/zero', '--json']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      '--executor.redis: the path must be a database number such as /0 (got "/zero")',
    );
  });
});
