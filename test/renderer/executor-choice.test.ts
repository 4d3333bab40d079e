/** The executor picker's reading of a draft, its URL check, and the Workers panel's throughput. */
import { describe, expect, it } from 'vitest';
import type { ExecutorStatus } from '../../electron/ipc-contract';
import {
  chooseKind,
  defaultRedisUrl,
  executorField,
  executorOf,
  redisUrlProblem,
  throughput,
  withField,
} from '../../renderer/src/lib/executor-choice';

const reading = (readAt: number, done: Record<string, number>, reachable = true): ExecutorStatus => ({
  url: 'redis://h:6379/0',
  queue: 'evaluations',
  reachable,
  waiting: 0,
  active: 0,
  readAt,
  workers: Object.entries(done).map(([id, evaluationsDone]) => ({
    id,
    host: 'h',
    pid: 1,
    slots: 1,
    queues: ['evaluations'],
    tags: [],
    startedAt: 0,
    heartbeatAt: readAt,
    jobsDone: evaluationsDone,
    evaluationsDone,
    failures: 0,
    current: [],
  })),
});

describe('executor choice', () => {
  it('reads the draft executor, local by default', () => {
    expect(executorOf({})).toEqual({ kind: 'local' });
    expect(executorOf(null)).toEqual({ kind: 'local' });
    expect(executorOf({ executor: { kind: 'bullmq', redis: 'redis://h/0', queue: 'q', batch: 10 } })).toEqual(
      {
        kind: 'bullmq',
        redis: 'redis://h/0',
        queue: 'q',
        batch: 10,
      },
    );
  });

  it('edits a choice as the picker does, and puts it in a problem only when not local', () => {
    const queue = chooseKind({ kind: 'local' }, 'bullmq');
    expect(queue).toEqual({ kind: 'bullmq', redis: defaultRedisUrl });
    const named = withField(withField(queue, 'redis', ' redis://h:1/2 '), 'queue', 'train');
    expect(named).toEqual({ kind: 'bullmq', redis: 'redis://h:1/2', queue: 'train' });
    // Picking the queue kind again keeps the URL; an emptied optional field is dropped.
    expect(chooseKind(named, 'bullmq')).toEqual({ kind: 'bullmq', redis: 'redis://h:1/2' });
    expect(withField(named, 'queue', '  ')).toEqual({ kind: 'bullmq', redis: 'redis://h:1/2' });
    expect(withField({ kind: 'local' }, 'queue', 'q')).toEqual({ kind: 'local' });
    expect(chooseKind(named, 'local')).toEqual({ kind: 'local' });
    expect(executorField({ kind: 'local' })).toEqual({});
    expect(executorField(named)).toEqual({ executor: named });
    expect(executorOf(executorField(named))).toEqual(named);
  });

  it('flags URLs that are not redis:// or rediss://', () => {
    expect(redisUrlProblem('redis://h:6379/0')).toBeNull();
    expect(redisUrlProblem('rediss://h')).toBeNull();
    expect(redisUrlProblem('http://h')).toMatch(/expected redis:\/\//);
    expect(redisUrlProblem('redis://')).toMatch(/expected/);
  });

  it('computes throughput from two readings (a worker that just joined counts from its next reading)', () => {
    expect(throughput(null, reading(1000, { a: 5 }))).toBeNull();
    expect(throughput(reading(0, { a: 10 }), reading(2000, { a: 30, b: 4 }))).toBe(10);
    expect(throughput(reading(0, { a: 10 }), reading(2000, { a: 30 }, false))).toBeNull();
  });
});
