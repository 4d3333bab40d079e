/**
 * The bullmq executor's settings without a Redis: the problem file's `executor` object and
 * `--executor redis://…` (field-named errors), Redis URLs (auth, TLS, database), path maps.
 */
import { describe, expect, it } from 'vitest';
import { executorFromFlag, parseExecutorConfig } from '../../../../engine/node/executors/index';
import {
  digestOf,
  jobId,
  redactedUrl,
  redisOptions,
  safeRunId,
} from '../../../../engine/node/executors/bullmq-protocol';
import { mapObjective, parsePathMap } from '../../../../engine/node/executors/bullmq-worker';
import { parseProblem } from '../../../../engine/node/problem/schema';

describe('bullmq executor settings', () => {
  it('fills the defaults and takes --executor redis://…', () => {
    expect(executorFromFlag('redis://10.0.0.5:6379/0')).toEqual({
      kind: 'bullmq',
      redis: 'redis://10.0.0.5:6379/0',
      queue: 'evaluations',
      batch: 1,
      attempts: 3,
    });
    expect(executorFromFlag('local')).toEqual({ kind: 'local' });
  });

  it('names the field of each mistake', () => {
    expect(() => parseExecutorConfig({ kind: 'bullmq' })).toThrow(/executor\.redis/);
    expect(() => parseExecutorConfig({ kind: 'bullmq', redis: 'http://x' })).toThrow(
      /executor\.redis: expected a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(() => parseExecutorConfig({ kind: 'bullmq', redis: 'redis://x/abc' })).toThrow(/database number/);
    expect(() => parseExecutorConfig({ kind: 'bullmq', redis: 'redis://x', queue: 'a:b' })).toThrow(
      /executor\.queue: expected letters, digits, _ \. - \(no ":"\)/,
    );
    expect(() => parseExecutorConfig({ kind: 'bullmq', redis: 'redis://x', batch: 0 })).toThrow(
      /executor\.batch/,
    );
    expect(() => parseExecutorConfig({ kind: 'bullmq', redis: 'redis://x', colour: 1 })).toThrow(
      /executor\.colour: unknown field/,
    );
    expect(() => parseExecutorConfig({ kind: 'slurm' })).toThrow(
      /executor\.kind: expected one of local, bullmq/,
    );
  });

  it('is accepted in a problem file', () => {
    const problem = parseProblem(
      {
        name: 'p',
        objective: { builtin: 'sphere' },
        executor: { kind: 'bullmq', redis: 'rediss://h/1', tag: 'gpu' },
      },
      '/tmp',
    );
    expect(problem.executor).toMatchObject({ kind: 'bullmq', redis: 'rediss://h/1', tag: 'gpu' });
  });

  it('passes Redis authentication, TLS and the database through', () => {
    expect(redisOptions('rediss://alice:p%40ss@db.example:6380/3')).toMatchObject({
      host: 'db.example',
      port: 6380,
      db: 3,
      username: 'alice',
      password: 'p@ss',
      tls: { servername: 'db.example' },
      maxRetriesPerRequest: null,
    });
    const before = process.env.EVOBOX_REDIS_PASSWORD;
    process.env.EVOBOX_REDIS_PASSWORD = 'from-env';
    try {
      expect(redisOptions('redis://db.example').password).toBe('from-env');
      expect(redisOptions('redis://:inline@db.example').password).toBe('inline');
    } finally {
      if (before === undefined) delete process.env.EVOBOX_REDIS_PASSWORD;
      else process.env.EVOBOX_REDIS_PASSWORD = before;
    }
    expect(redactedUrl('redis://alice:secret@h:1/0')).toBe('redis://alice:***@h:1/0');
  });

  it('makes job ids BullMQ accepts and digests that tell parameters apart', () => {
    expect(jobId(safeRunId('20261206-run:x y'), 3, 17)).toBe('20261206-run_x_y:3:17');
    const a = digestOf([{ index: 0, params: { x: 1 } }]);
    expect(digestOf([{ index: 0, params: { x: 1 } }])).toBe(a);
    expect(digestOf([{ index: 0, params: { x: 1.0000001 } }])).not.toBe(a);
    expect(digestOf([{ index: 1, params: { x: 1 } }])).not.toBe(a);
  });

  it('maps the coordinator paths to this machine', () => {
    const maps = [parsePathMap('/shared=/mnt/shared')];
    expect(
      mapObjective(
        {
          command: '/shared/sim/run',
          args: ['/shared/sim/deck.in', '{x}', '/sharedother'],
          protocol: 'args',
          cwd: '/shared/sim',
          env: { DATA: '/shared/data' },
          templates: [{ source: '/shared/sim/deck.tmpl', target: 'deck.in' }],
        },
        maps,
      ),
    ).toEqual({
      command: '/mnt/shared/sim/run',
      args: ['/mnt/shared/sim/deck.in', '{x}', '/sharedother'],
      protocol: 'args',
      cwd: '/mnt/shared/sim',
      env: { DATA: '/mnt/shared/data' },
      templates: [{ source: '/mnt/shared/sim/deck.tmpl', target: 'deck.in' }],
    });
    expect(mapObjective({ module: '/shared/f.mjs' }, maps)).toEqual({ module: '/mnt/shared/f.mjs' });
    expect(() => parsePathMap('relative=/x')).toThrow(
      /--path-map expects \/coordinator\/path=\/worker\/path/,
    );
  });
});
