/**
 * Faults of a distributed run, each with real processes: a worker killed with -9 mid-job, a
 * worker stopped (SIGSTOP) past the stall interval, the coordinator killed with -9 and
 * resumed, Redis killed and restarted (AOF), Pause / Stop / cancel with workers busy, and a
 * non-deterministic objective answering twice. Every wait is bounded.
 */
import { spawn, spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bullmqExecutor } from '../../../../engine/node/executors/bullmq';
import { keys } from '../../../../engine/node/executors/bullmq-protocol';
import { resumeRun, startRun } from '../../../../engine/node/run/runner';
import type { GenerationEvent } from '../../../../engine/node/run/types';
import { scratchDirectories } from '../../../scratch-directories';
import {
  bin,
  finishCounts,
  journal,
  problem,
  redisServer,
  RedisInstance,
  testRedisPort,
  root,
  runSignature,
  startWorker,
  stopWorkers,
  until,
  writeProblem,
  type WorkerProcess,
} from './distributed-harness';

const scratch = scratchDirectories('evobox-bullmq-faults-');
const port = testRedisPort(1);
const budget = 36;
const stall = ['--stall-seconds', '2'];

describe.skipIf(!redisServer)('bullmq executor under faults', () => {
  let redis: RedisInstance;
  let local: ReturnType<typeof runSignature>;
  let workers: WorkerProcess[] = [];

  const executor = () => ({ kind: 'bullmq', redis: redis.url });
  const spawnWorkers = async (count: number, args: string[] = []) => {
    const started = Array.from({ length: count }, () =>
      startWorker(redis.url, ['--concurrency', '1', ...stall, ...args]),
    );
    workers.push(...started);
    await Promise.all(started.map((w) => w.waitFor(/slot\(s\) on/)));
    return started;
  };
  const heartbeatOf = (w: WorkerProcess) => {
    for (const id of redis.cli('SMEMBERS', keys.workers('evaluations')).split('\n').filter(Boolean)) {
      const raw = redis.cli('GET', keys.worker('evaluations', id));
      if (!raw) continue;
      const beat = JSON.parse(raw) as { pid: number; current: string[] };
      if (beat.pid === w.child.pid) return beat;
    }
    return undefined;
  };

  beforeAll(async () => {
    redis = new RedisInstance(port, scratch());
    await redis.start();
    const dir = scratch();
    const handle = await startRun(problem(dir, { budget }), { runDir: join(dir, 'local') });
    await handle.done;
    local = runSignature(handle.runDir);
  });

  afterEach(async () => {
    await stopWorkers(workers);
    workers = [];
    redis.cli('FLUSHALL');
  });

  afterAll(async () => {
    await redis?.kill();
  });

  /**
   * The victim runs alone until it is inside a generation (so it holds a job), then it is
   * killed or stopped and a second worker joins.
   */
  const midGeneration = (log: string) =>
    until('the lone worker inside a generation', () => {
      const done = finishCounts(log).size;
      return done >= 1 && done % 6 >= 1 && done % 6 <= 4;
    });

  it('a worker killed with -9 mid-job: its job runs elsewhere, every evaluation is counted once', async () => {
    const [victim] = await spawnWorkers(1);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const handle = await startRun(
      problem(dir, { budget, env: { sleepMs: 250, log }, executor: executor() }),
      {
        runDir: join(dir, 'run'),
      },
    );
    await midGeneration(log);
    victim.child.kill('SIGKILL');
    const [rescuer] = await spawnWorkers(1);
    const result = await handle.done;
    expect(result.error).toBeUndefined();
    expect(result.evaluations).toBe(budget);
    expect(result.failedEvaluations).toBe(0);
    expect(rescuer.text()).toMatch(/had stalled on another worker: queued again/);
    const indices = journal(handle.runDir).map((r) => r.index);
    expect(indices.sort((a, b) => a - b)).toEqual(Array.from({ length: budget }, (_, i) => i));
    expect(runSignature(handle.runDir)).toEqual(local);
  });

  it('a worker stopped (SIGSTOP) past the stall interval: its job is re-queued, the run completes without it', async () => {
    const [sleeper] = await spawnWorkers(1);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const handle = await startRun(
      problem(dir, { budget, env: { sleepMs: 200, log }, executor: executor() }),
      {
        runDir: join(dir, 'run'),
      },
    );
    await midGeneration(log);
    sleeper.child.kill('SIGSTOP');
    const [other] = await spawnWorkers(1);
    const result = await handle.done; // while the sleeper is still stopped
    expect(result.evaluations).toBe(budget);
    expect(result.failedEvaluations).toBe(0);
    expect(runSignature(handle.runDir)).toEqual(local);
    expect(other.text()).toMatch(/had stalled on another worker: queued again/);
    // Back from the stop it answers its stale job too: the same value, so no warning.
    sleeper.child.kill('SIGCONT');
    await new Promise((wake) => setTimeout(wake, 1500));
    expect(redis.cli('LLEN', keys.warnings('evaluations', basename(handle.runDir)))).toBe('0');
  });

  it('a second, different answer for a job is recorded as a non-deterministic objective warning', async () => {
    const [sleeper] = await spawnWorkers(1);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const handle = await startRun(
      problem(dir, { budget: 12, env: { sleepMs: 300, log, nondeterministic: true }, executor: executor() }),
      { runDir: join(dir, 'run') },
    );
    await midGeneration(log);
    sleeper.child.kill('SIGSTOP');
    await spawnWorkers(1);
    const result = await handle.done;
    expect(result.evaluations).toBe(12);
    sleeper.child.kill('SIGCONT');
    const key = keys.warnings('evaluations', basename(handle.runDir));
    await until('a warning', () => Number(redis.cli('LLEN', key)) >= 1, 15_000).catch((error: Error) => {
      throw new Error(`${error.message}\nworker output:\n${sleeper.text()}`);
    });
    const warning = JSON.parse(redis.cli('LINDEX', key, '0')) as {
      jobId: string;
      first: { fitness: number[] };
      second: { fitness: number[] };
    };
    expect(warning.jobId.startsWith(`${basename(handle.runDir)}:`)).toBe(true);
    expect(warning.first.fitness[0]).not.toBe(warning.second.fitness[0]);
    // The journal kept the first answer.
    const index = Number(warning.jobId.split(':')[2]);
    expect(journal(handle.runDir).find((r) => r.index === index)?.fitness).toBe(warning.first.fitness[0]);
  });

  it('the coordinator killed with -9 and resumed: no evaluation that had finished runs again', async () => {
    await spawnWorkers(2);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const file = writeProblem(join(dir, 'problem.json'), {
      budget,
      env: { sleepMs: 200, log },
      executor: executor(),
      checkpointSeconds: 0.2,
    });
    const runDir = join(dir, 'run');
    const coordinator = spawn(process.execPath, [bin, 'run', file, '--out', runDir, '--json'], {
      cwd: root,
      stdio: 'ignore',
    });
    await until('some evaluations', () => finishCounts(log).size >= 14, 40_000);
    coordinator.kill('SIGKILL');
    await new Promise((done) => coordinator.once('exit', done));
    const finishedBefore = new Set(finishCounts(log).keys());
    const resumed = spawnSync(process.execPath, [bin, 'resume', runDir, '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ evaluations: budget, failedEvaluations: 0 });
    const counts = finishCounts(log);
    for (const id of finishedBefore) expect(counts.get(id), `evaluation ${id}`).toBe(1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(runSignature(runDir)).toEqual(local);
  });

  it('Redis killed and restarted (AOF) mid-run: the run waits, says so, and completes with nothing lost', async () => {
    await spawnWorkers(2, ['--stall-seconds', '10']);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const messages: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      messages.push(String(chunk));
      return true;
    });
    try {
      const handle = await startRun(
        problem(dir, { budget, env: { sleepMs: 150, log }, executor: executor() }),
        {
          runDir: join(dir, 'run'),
        },
      );
      await until('some evaluations', () => finishCounts(log).size >= 10);
      await redis.kill();
      await new Promise((wake) => setTimeout(wake, 1500));
      await redis.start();
      const result = await handle.done;
      expect(result.error).toBeUndefined();
      expect(result.evaluations).toBe(budget);
      expect(result.failedEvaluations).toBe(0);
      expect(runSignature(handle.runDir)).toEqual(local);
      expect(messages.join('')).toMatch(
        new RegExp(`Redis at redis://127\\.0\\.0\\.1:${port}/0 is unreachable; the run is paused`),
      );
      expect(messages.join('')).toMatch(/is back; the run goes on/);
    } finally {
      write.mockRestore();
    }
  });

  it('Pause and Stop with workers busy: no new jobs while paused, the generation in flight finishes, resume completes', async () => {
    await spawnWorkers(2);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const events: GenerationEvent[] = [];
    let pausedAt = -1;
    const handle = await startRun(
      problem(dir, { budget, env: { sleepMs: 150, log }, executor: executor() }),
      {
        runDir: join(dir, 'run'),
        onGeneration: (event) => {
          events.push(event);
          if (event.generation === 1 && pausedAt < 0) {
            handle.pause();
            pausedAt = event.evaluations;
          }
        },
      },
    );
    await until('the pause', () => pausedAt >= 0);
    await new Promise((wake) => setTimeout(wake, 1500));
    // Paused after generation 1: nothing evaluated or queued past it.
    expect(finishCounts(log).size).toBe(pausedAt);
    expect(redis.cli('LLEN', 'evobox:evaluations:wait')).toBe('0');
    handle.resume();
    await until('another generation', () => events.length >= 3);
    handle.stop();
    const stopped = await handle.done;
    expect(stopped.stopReason).toBe('stopped-by-user');
    expect(stopped.evaluations % 6).toBe(0);
    expect(stopped.evaluations).toBeLessThan(budget);
    const resumed = await resumeRun(handle.runDir);
    const result = await resumed.done;
    expect(result.evaluations).toBe(budget);
    expect(runSignature(handle.runDir)).toEqual(local);
  });

  it('cancel reaches the workers: running evaluations are ended there, queued ones dropped', async () => {
    const [first, second] = await spawnWorkers(2);
    const dir = scratch();
    const log = join(dir, 'evaluations.log');
    const parsed = problem(dir, { budget: 4, env: { sleepMs: 3000, log } });
    const config = bullmqExecutor.configSchema.parse(executor());
    const cancelling = await bullmqExecutor.create(config, {
      objective: parsed.objective,
      parameterNames: parsed.parameters.map((p) => p.name),
      workers: 2,
      cwd: dir,
      seed: 1,
      runId: 'cancel-test',
    });
    const jobs = [0, 1, 2, 3].map((index) => ({ index, params: { a: index, b: 0, c: 0 } }));
    const results = cancelling.evaluate(jobs, 0);
    await until(
      'both workers busy',
      () => [first, second].every((w) => (heartbeatOf(w)?.current.length ?? 0) > 0),
      20_000,
    );
    cancelling.cancel();
    const answered = await results;
    expect(answered.map((r) => r.error?.startsWith('cancelled'))).toEqual([true, true, true, true]);
    await Promise.all(
      [first, second].map((w) =>
        w.waitFor(/run cancel-test was stopped: 1 running job\(s\) cancelled/, 10_000),
      ),
    );
    await new Promise((wake) => setTimeout(wake, 3500));
    expect(finishCounts(log).size).toBe(0); // the 3 s evaluations were ended, none finished
    expect(redis.cli('LLEN', 'evobox:evaluations:wait')).toBe('0');
    await cancelling.close();
  });
});
