/**
 * The BullMQ executor with real `evobox worker` processes on this machine and a redis-server
 * of the test's own: a distributed run equals the local run bit for bit (parameters asked,
 * fitness, best), whatever the number of workers and the order evaluations finish in.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../../../engine/node/run/runner';
import { scratchDirectories } from '../../../scratch-directories';
import {
  problem,
  redisServer,
  RedisInstance,
  testRedisPort,
  runSignature,
  startWorker,
  stopWorkers,
  type WorkerProcess,
} from './distributed-harness';

const scratch = scratchDirectories('evobox-bullmq-');
const port = testRedisPort(0);

describe.skipIf(!redisServer)('bullmq executor: distributed equals local', () => {
  let redis: RedisInstance;
  let local: ReturnType<typeof runSignature>;
  const workers: WorkerProcess[] = [];
  const env = { jitterMs: 15 };
  const budget = 48;

  beforeAll(async () => {
    redis = new RedisInstance(port, scratch());
    await redis.start();
    const dir = scratch();
    const handle = await startRun(problem(dir, { env, budget }), { runDir: join(dir, 'local') });
    const result = await handle.done;
    expect(result.evaluations).toBe(budget);
    local = runSignature(handle.runDir);
  });

  afterAll(async () => {
    await stopWorkers(workers);
    await redis?.kill();
  });

  it.each([1, 3])('with %i worker process(es) and jittered evaluation times', async (count) => {
    const started = Array.from({ length: count }, () =>
      startWorker(redis.url, ['--concurrency', '2', '--stall-seconds', '5']),
    );
    workers.push(...started);
    await Promise.all(started.map((w) => w.waitFor(/slot\(s\) on/)));
    const dir = scratch();
    const handle = await startRun(
      problem(dir, { env, budget, executor: { kind: 'bullmq', redis: redis.url } }),
      { runDir: join(dir, `distributed-${count}`) },
    );
    const result = await handle.done;
    expect(result.error).toBeUndefined();
    expect(result.evaluations).toBe(budget);
    const distributed = runSignature(handle.runDir);
    expect(distributed.params).toEqual(local.params);
    expect(distributed.fitness).toEqual(local.fitness);
    expect(distributed.best).toEqual(local.best);
    await stopWorkers(started);
  });
});
