/**
 * `evobox train` on the bullmq executor: its own redis-server on 127.0.0.1:6403 and one
 * `evobox worker`; per-sample and batched F both give the journal of the local run.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainProblem } from '../../../../engine/node/train/problem';
import { readJournal } from '../../../../engine/node/train/run-files';
import { startTraining } from '../../../../engine/node/train/session';
import {
  RedisInstance,
  redisServer,
  startWorker,
  stopWorkers,
  type WorkerProcess,
} from '../executors/distributed-harness';
import { scratchDirectories } from '../../../scratch-directories';

const example = resolve(__dirname, '../../../../examples/train-rotation');
const scratch = scratchDirectories('evobox-train-bullmq-');
const port = 6403;

function problem(blackBox: Record<string, unknown>, executor?: Record<string, unknown>) {
  return parseTrainProblem(
    {
      name: 'bullmq',
      data: { file: 'data.csv', inputs: ['x1', 'x2'], targets: ['y1', 'y2'] },
      model: { hidden: [4], outputs: ['o'] },
      blackBox: { command: './rotate.py', ...blackBox },
      trainer: { name: 'fd-backprop', batchSize: 8 },
      budget: { steps: 6 },
      validateEvery: 3,
      checkpointEvery: 3,
      seed: 5,
      ...(executor ? { executor } : {}),
    },
    example,
  );
}

async function journalOf(p: ReturnType<typeof problem>) {
  const handle = await startTraining(p, { runDir: join(scratch(), 'run') });
  const result = await handle.done;
  return { result, journal: readJournal(handle.runDir).map(({ ms: _ms, ...rest }) => rest) };
}

describe.skipIf(!redisServer)('evobox train on the bullmq executor', () => {
  let redis: RedisInstance;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = new RedisInstance(port, scratch());
    await redis.start();
    const worker = startWorker(redis.url, ['--concurrency', '2', '--stall-seconds', '5']);
    workers.push(worker);
    await worker.waitFor(/slot\(s\) on/);
  }, 60_000);

  afterAll(async () => {
    await stopWorkers(workers);
    await redis?.kill();
  });

  it("gives the local run's journal with per-sample and with batched requests", async () => {
    const local = await journalOf(problem({}));
    const remote = await journalOf(problem({}, { kind: 'bullmq', redis: redis.url, batch: 64 }));
    const batched = await journalOf(problem({ batch: true }, { kind: 'bullmq', redis: redis.url }));
    expect(local.journal).toHaveLength(6);
    expect(remote.journal).toEqual(local.journal);
    expect(batched.journal).toEqual(local.journal);
    expect(batched.result.failures).toBe(0);
    expect(workers[0].text()).not.toMatch(/error/i);
  }, 120_000);
});
