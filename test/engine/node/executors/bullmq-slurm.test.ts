/**
 * `evobox slurm`: the sbatch script it writes, and — on a real single-node Slurm started by
 * scripts/slurm-local.sh (munged, slurmctld, slurmd on localhost) — two array workers that
 * finish a distributed run and then exit on their own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellQuote, slurmScript, splitPassword } from '../../../../engine/node/executors/bullmq-slurm';
import { thisEvobox } from '../../../../engine/node/cli/slurm';
import { startRun } from '../../../../engine/node/run/runner';
import { scratchDirectories } from '../../../scratch-directories';
import {
  bin,
  problem,
  redisServer,
  RedisInstance,
  root,
  runSignature,
  testRedisPort,
  until,
} from './distributed-harness';

const scratch = scratchDirectories('evobox-slurm-');

describe('evobox slurm: the script', () => {
  const base = {
    redis: 'redis://127.0.0.1:6379/0',
    workers: 3,
    scriptDir: '/tmp/x',
    evobox: ['/usr/bin/node', '/opt/evobox/bin/evobox.mjs'],
  };

  it('is an sbatch array of evobox worker pilot jobs with the flags given', () => {
    const script = slurmScript({
      ...base,
      concurrency: 4,
      partition: 'cpu',
      time: '1:00:00',
      tags: ['gpu'],
      pathMaps: ['/a=/b'],
    });
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('#SBATCH --array=0-2\n');
    expect(script).toContain('#SBATCH --cpus-per-task=4\n');
    expect(script).toContain('#SBATCH --partition=cpu\n');
    expect(script).toContain('#SBATCH --time=1:00:00\n');
    expect(script).toContain(
      'exec /usr/bin/node /opt/evobox/bin/evobox.mjs worker --redis redis://127.0.0.1:6379/0 --concurrency 4 --queue evaluations --idle-exit 300 --tag gpu --path-map /a=/b\n',
    );
  });

  it('keeps the Redis password out of the script (it goes through EVOBOX_REDIS_PASSWORD)', () => {
    const script = slurmScript({ ...base, redis: 'redis://evobox:s3cr%21t@db.example:6380/2' });
    expect(script).not.toContain('s3cr');
    expect(script).toContain('--redis redis://evobox@db.example:6380/2 ');
    expect(splitPassword('redis://evobox:s3cr%21t@db.example:6380/2').password).toBe('s3cr!t');
    expect(splitPassword('rediss://db.example/0')).toEqual({ url: 'rediss://db.example/0' });
  });

  it("points the pilots at this checkout's launcher, from the sources and from the build", () => {
    const launcher = join(root, 'bin/evobox.mjs');
    expect(thisEvobox(join(root, 'engine/node/cli/slurm.ts'))).toEqual([process.execPath, launcher]);
    expect(thisEvobox(join(root, 'out/node/cli.js'))).toEqual([process.execPath, launcher]);
    expect(thisEvobox()).toEqual([process.execPath, launcher]);
  });

  it('quotes words for bash', () => {
    expect(shellQuote('/plain/path-1.2')).toBe('/plain/path-1.2');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});

const slurmInstalled = ['sbatch', 'slurmctld', 'slurmd', 'munged'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);
const isRoot = process.getuid?.() === 0;
// A real slurmd started per test run (scripts/slurm-local.sh: up in about a second, an array's
// tasks running 2-3 s after sbatch). It was opt-in for a while because the tasks never ran in
// a fresh clone: with the build in out/node, `evobox slurm submit` pointed the pilots at a
// launcher one folder too high, and they exited at once (see thisEvobox).
const skipReason = !slurmInstalled
  ? 'slurm-wlm and munge are not installed (apt-get install -y slurm-wlm munge)'
  : !isRoot
    ? 'slurmd needs root to start jobs'
    : !redisServer
      ? 'redis-server is not installed'
      : '';

describe.skipIf(skipReason !== '')(
  `evobox slurm on a real single-node Slurm${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const slurmDir = scratch('evobox-slurm-cluster-');
    let env: NodeJS.ProcessEnv;
    let redis: RedisInstance;

    beforeAll(async () => {
      const started = spawnSync(join(root, 'scripts/slurm-local.sh'), ['start', slurmDir], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, SLURM_CTLD_PORT: '46827', SLURM_D_PORT: '46828' },
      });
      expect(started.status, started.stderr).toBe(0);
      env = { ...process.env, SLURM_CONF: started.stdout.trim().replace(/^export SLURM_CONF=/, '') };
      redis = new RedisInstance(testRedisPort(2), scratch());
      await redis.start();
    });

    afterAll(async () => {
      spawnSync(join(root, 'scripts/slurm-local.sh'), ['stop', slurmDir], { timeout: 30_000 });
      await redis?.kill();
    });

    const pilotOutputs = (dir: string) =>
      existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.out'))
            .map((f) => `${f}:\n${readFileSync(join(dir, f), 'utf8')}`)
            .join('\n')
        : `(no ${dir})`;

    const evobox = (...args: string[]) => {
      const out = spawnSync(process.execPath, [bin, ...args], {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { code: out.status, stdout: out.stdout, stderr: out.stderr };
    };

    it('submits 2 array workers that finish a run, then exit when idle', async () => {
      const dir = scratch();
      const budget = 24;
      const localRun = await startRun(problem(dir, { budget }), { runDir: join(dir, 'local') });
      await localRun.done;

      const outDir = join(dir, 'slurm');
      const submit = evobox(
        'slurm',
        'submit',
        '--redis',
        redis.url,
        '--workers',
        '2',
        '--idle-exit',
        '4',
        '--dir',
        outDir,
        '--json',
      );
      expect(submit.code, submit.stderr).toBe(0);
      const { jobId } = JSON.parse(submit.stdout) as { jobId: string };
      expect(jobId).toMatch(/^\d+$/);

      await until(
        'both array tasks running',
        () => {
          const status = evobox('slurm', 'status', jobId, '--json');
          const tasks = JSON.parse(status.stdout || '[]') as { id: string; state: string }[];
          return tasks.filter((t) => t.state === 'RUNNING').length === 2;
        },
        // Slurm starts them 2-3 s after sbatch; the bound is for a loaded machine.
        60_000,
      ).catch((error: Error) => {
        // A pilot that exited at once says why in its output file.
        throw new Error(
          `${error.message}\n${pilotOutputs(outDir)}\n${evobox('slurm', 'status', jobId).stdout}`,
        );
      });

      const handle = await startRun(
        problem(dir, { budget, env: { sleepMs: 100 }, executor: { kind: 'bullmq', redis: redis.url } }),
        { runDir: join(dir, 'distributed') },
      );
      const result = await handle.done;
      expect(result.evaluations).toBe(budget);
      expect(runSignature(handle.runDir)).toEqual(runSignature(localRun.runDir));

      // Idle for 4 s, the pilots exit and the array job leaves the queue.
      await until(
        'the pilots to exit',
        () => evobox('slurm', 'status', jobId, '--json').stdout.trim() === '[]',
        40_000,
      );
      const outputs = readdirSync(outDir).filter((f) => f.endsWith('.out'));
      expect(outputs.sort()).toEqual([`evobox-worker-${jobId}_0.out`, `evobox-worker-${jobId}_1.out`]);
      const text = outputs.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
      expect(text).toMatch(/slot\(s\) on evaluations/);
      expect(text).toMatch(/no job for 4 s: exiting/);
      expect(existsSync(join(outDir))).toBe(true);
    });

    it('cancels the workers with scancel', async () => {
      const outDir = join(scratch(), 'slurm');
      const submit = evobox(
        'slurm',
        'submit',
        '--redis',
        redis.url,
        '--workers',
        '1',
        '--dir',
        outDir,
        '--json',
      );
      expect(submit.code, submit.stderr).toBe(0);
      const { jobId } = JSON.parse(submit.stdout) as { jobId: string };
      await until(
        'the task to run',
        () => evobox('slurm', 'status', jobId).stdout.includes('RUNNING'),
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${pilotOutputs(outDir)}`);
      });
      expect(evobox('slurm', 'cancel', jobId).code).toBe(0);
      await until(
        'the job to leave the queue',
        () => evobox('slurm', 'status', jobId, '--json').stdout.trim() === '[]',
        30_000,
      );
    });
  },
);
