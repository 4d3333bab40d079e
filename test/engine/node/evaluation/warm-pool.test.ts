/**
 * Pool threads started before the run knows its objective (evaluation/warm-pool.ts): the
 * launcher's guess of the pool from the raw problem file (cli/prestart.ts), threads that wait
 * for their objective and get it (a replacement thread too), a pool of the guessed shape
 * adopting them, any other ending them, and `evobox run` / `resume` through the launcher,
 * which starts them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEvaluator } from '../../../../engine/node/evaluation/pool';
import type { EvaluatorOptions, ObjectiveConfig } from '../../../../engine/node/evaluation/types';
import { guessPoolShape, prestartPool } from '../../../../engine/node/cli/prestart';
import { claimWarmPool, WarmPool, workerLocation } from '../../../../engine/node/evaluation/warm-pool';
import { evobox } from '../../../evobox-process';
import { fixtures, settings, temporaryDirectory } from './helpers';

const dir = temporaryDirectory('evobox-warm-pool-');
afterEach(() => claimWarmPool()?.endUnlessAdopted());
afterAll(() => dir.remove());

function problemFile(name: string, problem: Record<string, unknown>): string {
  const path = join(dir.path, name);
  writeFileSync(path, JSON.stringify(problem));
  return path;
}

const moduleProblem = (extra: Record<string, unknown> = {}) => ({
  name: 'warm',
  objective: { module: join(fixtures, 'thread-id.mjs') },
  parameters: [
    { name: 'x', lower: -3, upper: 3 },
    { name: 'y', lower: -3, upper: 3 },
  ],
  budget: { evaluations: 12 },
  ...extra,
});

const options = (workers: number): EvaluatorOptions => ({
  workers,
  cwd: fixtures,
  parameterNames: ['x', 'y'],
  seed: 3,
});

describe('guessPoolShape', () => {
  const js = workerLocation(undefined);
  it('guesses a module objective on worker threads, with the file’s or the flag’s thread count', () => {
    const file = problemFile('module.json', moduleProblem());
    expect(guessPoolShape(['run', file])).toEqual({ location: js, workers: 1 });
    const three = problemFile('three.json', moduleProblem({ workers: 3 }));
    expect(guessPoolShape(['run', '--no-progress', three])).toEqual({ location: js, workers: 3 });
    expect(guessPoolShape(['run', three, '--workers', '2'])).toEqual({ location: js, workers: 2 });
    expect(guessPoolShape(['run', three, '--workers=4'])).toEqual({ location: js, workers: 4 });
    // A TypeScript module runs on threads that load tsx.
    const ts = problemFile(
      'ts.json',
      moduleProblem({ objective: { module: join(fixtures, 'objective.ts') } }),
    );
    expect(guessPoolShape(['run', ts])?.location.execArgv).toEqual(workerLocation('a.ts').execArgv);
    expect(workerLocation('a.ts').execArgv).toContain('--import');
    // resume: the run folder's copy of the problem (no --workers flag there).
    const folder = join(dir.path, 'a-run');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'problem.json'), JSON.stringify(moduleProblem({ workers: 2 })));
    expect(guessPoolShape(['resume', folder, '--json'])).toEqual({ location: js, workers: 2 });
    expect(guessPoolShape(['resume', folder, '--executor', 'bullmq'])).toBeUndefined();
  });

  it('guesses nothing where the run will not ask for module threads, or where it is unclear', () => {
    const module = problemFile('plain.json', moduleProblem());
    const cases: string[][] = [
      ['resume', module],
      ['run'],
      ['run', join(dir.path, 'missing.json')],
      ['run', problemFile('problem.yaml', moduleProblem())],
      ['run', module, '--executor', 'bullmq'],
      ['run', module, '--workers', '0'],
      ['run', module, '--workers', 'many'],
    ];
    writeFileSync(join(dir.path, 'broken.json'), '{"objective": {"module": ');
    cases.push(['run', join(dir.path, 'broken.json')]);
    for (const [name, problem] of Object.entries({
      inline: moduleProblem({ objective: { module: join(fixtures, 'thread-id.mjs'), inline: true } }),
      builtin: moduleProblem({ objective: { builtin: 'sphere' } }),
      command: moduleProblem({ objective: { command: '/usr/bin/python3', protocol: 'line' } }),
      executor: moduleProblem({ executor: { kind: 'slurm' } }),
      tooMany: moduleProblem({ workers: 100_000 }),
      notAnObject: [1, 2],
    }))
      cases.push(['run', problemFile(`${name}.json`, problem as Record<string, unknown>)]);
    for (const argv of cases) expect(guessPoolShape(argv), argv.join(' ')).toBeUndefined();
  });
});

describe('warm threads', () => {
  it('wait for their objective, get it when a pool of their shape adopts them, and evaluate', async () => {
    const location = workerLocation(undefined);
    const warm = new WarmPool(location, 2);
    const init = {
      objective: { module: join(fixtures, 'objective.mjs') },
      settings: settings({ workers: 2 }),
    };
    expect(warm.adopt(location, 3, init)).toBeUndefined();
    expect(warm.adopt({ ...location, execArgv: ['--import', 'tsx'] }, 2, init)).toBeUndefined();
    const adopted = warm.adopt(location, 2, init)!;
    expect(warm.outcome).toBe('adopted');
    expect(warm.adopt(location, 2, init)).toBeUndefined(); // once only
    try {
      const jobs = [0, 1, 2, 3].map((index) => ({ index, params: { x: index, y: -index } }));
      const results = await Promise.all(
        jobs.map((job) => adopted.threads.run({ kind: 'evaluate', jobs: [job] })),
      );
      // objective.mjs: (x − 1)² + (y + 2)² with the objective and settings delivered late.
      expect(results.map((r) => r![0].fitness)).toEqual(
        jobs.map(({ params: { x, y } }) => (x - 1) ** 2 + (y + 2) ** 2),
      );
    } finally {
      await adopted.threads.destroy();
      adopted.release();
    }
  });

  it('createEvaluator adopts threads of its shape: same results as a pool started for it', async () => {
    const objective: ObjectiveConfig = { module: join(fixtures, 'thread-id.mjs') };
    const jobs = [0, 1, 2, 3, 4, 5].map((index) => ({ index, params: { x: index / 2, y: 1 - index } }));
    const fresh = await createEvaluator(objective, options(2));
    const expected = await fresh.evaluate(jobs).finally(() => fresh.close());

    const warm = prestartPool(['run', problemFile('two.json', moduleProblem({ workers: 2 }))])!;
    expect(warm.outcome).toBe('waiting');
    expect(prestartPool(['run', problemFile('again.json', moduleProblem())])).toBeUndefined(); // one at a time
    const evaluator = await createEvaluator(objective, options(2));
    try {
      expect(warm.outcome).toBe('adopted');
      expect(claimWarmPool()).toBeUndefined();
      const results = await evaluator.evaluate(jobs);
      expect(results.map((r) => [r.fitness, r.error])).toEqual(expected.map((r) => [r.fitness, r.error]));
      expect(results.every((r) => typeof r.extras?.threadId === 'number')).toBe(true);
    } finally {
      await evaluator.close();
    }
  });

  it('a pool of another shape, or no pool at all, ends them', async () => {
    const objective: ObjectiveConfig = { module: join(fixtures, 'thread-id.mjs') };
    const warm = prestartPool(['run', problemFile('four.json', moduleProblem({ workers: 4 }))])!;
    const evaluator = await createEvaluator(objective, options(1));
    try {
      expect(warm.outcome).toBe('ended');
      const [result] = await evaluator.evaluate([{ index: 0, params: { x: 1, y: -2 } }]);
      expect(result.fitness).toBe(0);
    } finally {
      await evaluator.close();
    }
    const unused = prestartPool(['run', problemFile('one.json', moduleProblem())])!;
    const builtin = await createEvaluator({ builtin: 'sphere' }, options(1)); // in-process
    expect(unused.outcome).toBe('ended');
    await builtin.close();
  });

  it('a thread started after the objective was delivered (a timed-out one’s replacement) gets it too', async () => {
    const objective: ObjectiveConfig = { module: join(fixtures, 'hanging.mjs'), timeoutSeconds: 0.3 };
    const warm = prestartPool([
      'run',
      problemFile('hanging.json', moduleProblem({ objective, workers: 1 })),
    ])!;
    const evaluator = await createEvaluator(objective, options(1));
    try {
      expect(warm.outcome).toBe('adopted');
      const results = await evaluator.evaluate([3, 1, 4].map((x, index) => ({ index, params: { x, y: 0 } })));
      expect(results.map((r) => r.fitness)).toEqual([9, null, 16]);
      expect(results[1].error).toMatch(/^timed out after 0\.3 s/);
    } finally {
      await evaluator.close();
    }
  });
});

describe('evobox run through the launcher', () => {
  it('runs and resumes a module objective on the threads it started, and a bad problem still fails at once', async () => {
    const out = join(dir.path, 'run');
    const file = problemFile('cli.json', moduleProblem({ workers: 2, seed: 5 }));
    const done = await evobox(['run', file, '--out', out, '--json', '--no-progress']);
    expect(done.code, done.stderr).toBe(0);
    const summary = JSON.parse(done.stdout) as { evaluations: number; failedEvaluations: number };
    expect(summary).toMatchObject({ evaluations: 12, failedEvaluations: 0 });
    const resumed = await evobox(['resume', out, '--budget', '24', '--json', '--no-progress']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ evaluations: 24, failedEvaluations: 0 });

    const bad = problemFile('bad.json', moduleProblem({ strategy: { name: 'no-such-strategy' } }));
    const started = Date.now();
    const failed = await evobox(['run', bad, '--out', join(dir.path, 'bad'), '--no-progress']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/no-such-strategy/);
    expect(Date.now() - started).toBeLessThan(20_000); // the waiting threads do not hold the process
  });
});
