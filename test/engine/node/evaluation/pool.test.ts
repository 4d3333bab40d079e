/**
 * The piscina pool: same results in job order for any worker count, persistent `line`
 * processes per thread, module objectives in threads, and a clean close — no threads,
 * processes or grandchildren left behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { prepareExecutable } from '../../../../engine/node/evaluation/executable-setup';
import { contiguousChunks, createEvaluator } from '../../../../engine/node/evaluation/pool';
import type {
  EvaluationJob,
  EvaluationResult,
  EvaluatorOptions,
  ObjectiveConfig,
} from '../../../../engine/node/evaluation/types';
import {
  evaluateWith as evaluateInThread,
  fixture,
  fixtures,
  isAlive,
  processesMatching,
  python,
  temporaryDirectory,
  waitFor,
} from './helpers';

const names = ['x', 'y'];
const options = (workers: number, extra: Partial<EvaluatorOptions> = {}): EvaluatorOptions => ({
  workers,
  cwd: fixtures,
  parameterNames: names,
  seed: 7,
  ...extra,
});

function grid(count: number): EvaluationJob[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    params: { x: ((index * 7) % 11) / 3 - 1, y: ((index * 5) % 13) / 4 - 2 },
  }));
}

async function evaluateWith(objective: ObjectiveConfig, jobs: EvaluationJob[], workers: number) {
  const evaluator = await createEvaluator(objective, options(workers));
  try {
    return await evaluator.evaluate(jobs);
  } finally {
    await evaluator.close();
  }
}

const outcome = (results: EvaluationResult[]) =>
  results.map(({ fitness, error, extras }) => ({ fitness, error, extras }));

describe('contiguousChunks', () => {
  it('splits into nearly equal contiguous parts, in order', () => {
    expect(contiguousChunks([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6, 7],
    ]);
    expect(contiguousChunks([1, 2], 4)).toEqual([[1], [2]]);
    expect(contiguousChunks([], 3)).toEqual([]);
  });
});

describe('evaluation pool', () => {
  it('1 and 3 workers give identical results in job order (args, slowest first)', async () => {
    // Earlier jobs sleep longer, so with 3 workers they finish last.
    const objective: ObjectiveConfig = {
      command: python,
      args: [
        '-c',
        'import sys, time; time.sleep(float(sys.argv[1])); print(float(sys.argv[2]) ** 2)',
        '{x}',
        '{y}',
      ],
      protocol: 'args',
    };
    const jobs = [0.3, 0.2, 0.1, 0, 0].map((sleep, index) => ({ index, params: { x: sleep, y: index - 2 } }));
    const one = await evaluateWith(objective, jobs, 1);
    const three = await evaluateWith(objective, jobs, 3);
    expect(outcome(one).map((r) => r.fitness)).toEqual([4, 1, 0, 1, 4]);
    expect(outcome(three)).toEqual(outcome(one));
    expect(new Set(one.map((r) => r.worker))).toEqual(new Set([0]));
    expect(three.every((r) => r.worker >= 0 && r.worker < 3)).toBe(true);
    expect(new Set(three.map((r) => r.worker)).size).toBeGreaterThan(1);
  });

  it('line: one persistent process per thread, each fed a contiguous chunk', async () => {
    const dir = temporaryDirectory();
    const startsLog = join(dir.path, 'starts.log');
    try {
      const objective: ObjectiveConfig = {
        command: python,
        args: [fixture('line-server.py'), startsLog],
        protocol: 'line',
      };
      const jobs = grid(30);
      const one = await evaluateWith(objective, jobs, 1);
      const evaluator = await createEvaluator(objective, options(3));
      const first = await evaluator.evaluate(jobs);
      const second = await evaluator.evaluate(jobs);
      await evaluator.close();
      expect(one.map((r) => r.fitness)).toEqual(jobs.map(({ params: { x, y } }) => x * x + y));
      expect(outcome(first)).toEqual(outcome(one));
      expect(outcome(second)).toEqual(outcome(one));
      // Contiguous chunks: workers change only twice along the batch.
      const switches = first.filter((r, k) => k > 0 && r.worker !== first[k - 1].worker).length;
      expect(switches).toBe(2);
      expect(new Set(first.map((r) => r.worker))).toEqual(new Set([0, 1, 2]));
      // 1 process for the 1-worker pool, 3 for the 3-worker pool (reused by the second batch); all gone now.
      const pids = readFileSync(startsLog, 'utf8').trim().split('\n').map(Number);
      expect(pids).toHaveLength(4);
      expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
      expect(processesMatching(startsLog)).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('module objectives run in threads: numbers, extras, promises, throws, NaN', async () => {
    const objective: ObjectiveConfig = { module: join(fixtures, 'objective.mjs') };
    const jobs = [1, 2, 3, 5, 13, 0].map((x, index) => ({ index, params: { x, y: -2 } }));
    const one = await evaluateWith(objective, jobs, 1);
    const two = await evaluateWith(objective, jobs, 2);
    expect(one.map((r) => r.fitness)).toEqual([0, 1, 4, null, null, 1]);
    expect(one[1].extras).toEqual({ worker: 0 });
    expect(one[2].extras).toEqual({ note: 'three' });
    expect(one[3].error).toBe('objective result is NaN');
    expect(one[4].error).toBe('objective threw: unlucky x');
    // Same values and errors (the extras of x = 2 name the worker, which may differ).
    const valuesAndErrors = (results: EvaluationResult[]) => results.map((r) => [r.fitness, r.error]);
    expect(valuesAndErrors(two)).toEqual(valuesAndErrors(one));
    expect(two.every((r) => r.worker >= 0 && r.worker < 2)).toBe(true);
  });

  it('inline module objectives run on the calling thread, with the same results as in a thread', async () => {
    const module = join(fixtures, 'objective.mjs');
    const jobs = [1, 2, 3, 5, 13, 0].map((x, index) => ({ index, params: { x, y: -2 } }));
    const inline = await evaluateWith({ module, inline: true }, jobs, 1);
    const threaded = await evaluateWith({ module }, jobs, 1);
    expect(outcome(inline)).toEqual(outcome(threaded));
    expect(inline[4].error).toBe('objective threw: unlucky x');

    const where = { module: join(fixtures, 'thread-id.mjs') };
    const [here] = await evaluateWith({ ...where, inline: true }, grid(1), 1);
    const [there] = await evaluateWith(where, grid(1), 1);
    expect(here.extras?.threadId).toBe(threadId);
    expect(there.extras?.threadId).not.toBe(threadId);
    await expect(createEvaluator({ ...where, inline: true }, options(2))).rejects.toThrow(
      'objective.inline needs workers: 1 (got 2)',
    );
  });

  it('inline: a stop while an async objective awaits lets it finish and starts none of the rest', async () => {
    const evaluator = await createEvaluator(
      { module: join(fixtures, 'slow-async.mjs'), inline: true },
      options(1),
    );
    const pending = evaluator.evaluate(grid(5));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the first evaluation awaits its timer
    await evaluator.close();
    const results = await pending;
    expect(results[0].fitness).toBeCloseTo(grid(1)[0].params.x ** 2, 12);
    expect(results.slice(1).map((r) => [r.fitness, r.error])).toEqual(
      Array.from({ length: 4 }, () => [null, 'cancelled: the run stopped before this evaluation started']),
    );
  });

  it('input "vector": a Float64Array of the values in declaration order, its own copy, in a thread and inline', async () => {
    const module = join(fixtures, 'vector.mjs');
    const values = [Float64Array.of(3, -2), Float64Array.of(1, 0)];
    const jobs = values.map((v, index) => ({ index, params: { x: v[0], y: v[1] }, values: v }));
    const named = [{ index: 2, params: { x: 0.5, y: 4 } }]; // no values: built from params
    for (const objective of [
      { module, input: 'vector' as const },
      { module, input: 'vector' as const, inline: true },
    ]) {
      for (const workers of objective.inline ? [1] : [1, 2]) {
        const results = await evaluateWith(objective, [...jobs, ...named], workers);
        expect(results.map((r) => r.fitness)).toEqual([4, 4, 36.25]);
        expect(results.map((r) => r.extras?.seen)).toEqual([
          [3, -2],
          [1, 0],
          [0.5, 4],
        ]);
      }
    }
    // The objective filled its x with NaN: the caller's values are untouched.
    expect(values.map((v) => Array.from(v))).toEqual([
      [3, -2],
      [1, 0],
    ]);
  });

  it('module objectives: a TypeScript module in a thread, a named export, a broken export name', async () => {
    const job = [{ index: 0, params: { x: 4, y: 1 } }];
    const [typescript] = await evaluateWith({ module: join(fixtures, 'objective.ts') }, job, 1);
    expect(typescript).toMatchObject({ fitness: 5, worker: 0 });
    const objective = join(fixtures, 'objective.mjs');
    const [negated] = await evaluateInThread({ module: objective, export: 'negated' }, job);
    expect(negated.fitness).toBe(-18);
    const [missing] = await evaluateInThread({ module: objective, export: 'nope' }, job);
    expect(missing.error).toMatch(
      /has no exported function "nope" \(exported functions: evaluate, negated\)/,
    );
  });

  it('module objectives with timeoutSeconds: a spinning or never-settling call fails, the thread is replaced', async () => {
    const objective: ObjectiveConfig = { module: join(fixtures, 'hanging.mjs'), timeoutSeconds: 0.3 };
    const evaluator = await createEvaluator(objective, options(2));
    try {
      const started = Date.now();
      const jobs = [3, 1, 4, 2, 5].map((x, index) => ({ index, params: { x, y: 0 } }));
      const results = await evaluator.evaluate(jobs);
      // Without the timeout the hanging calls never settle; the bound leaves room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(results.map((r) => r.fitness)).toEqual([9, null, 16, null, 25]);
      for (const k of [1, 3])
        expect(results[k].error).toMatch(/^timed out after 0\.3 s: .*stopped and replaced/);
      // The replacement threads work, and take the ids of the stopped ones: still 0 or 1.
      const again = await evaluator.evaluate(
        [6, 7, 8, 9].map((x, index) => ({ index, params: { x, y: 0 } })),
      );
      expect(again.map((r) => r.fitness)).toEqual([36, 49, 64, 81]);
      expect(again.every((r) => r.worker === 0 || r.worker === 1)).toBe(true);
    } finally {
      await evaluator.close();
    }
  });

  it('built-ins: in-process for 1 worker, chunked threads for 3, identical (noise included)', async () => {
    const jobs = grid(40);
    const [exact] = await evaluateWith({ builtin: 'rosenbrock' }, jobs, 1);
    const { x, y } = jobs[0].params;
    expect(exact.fitness).toBe(100 * (y - x ** 2) ** 2 + (1 - x) ** 2);
    const noisy: ObjectiveConfig = { builtin: 'rosenbrock', noise: 0.1 };
    const one = await evaluateWith(noisy, jobs, 1);
    const three = await evaluateWith(noisy, jobs, 3);
    expect(one[0].fitness).not.toBe(exact.fitness);
    expect(outcome(three)).toEqual(outcome(one));
    expect(new Set(three.map((r) => r.worker))).toEqual(new Set([0, 1, 2]));
  });

  it('line with one worker: close() mid-batch kills the process at once and does not restart it', async () => {
    const dir = temporaryDirectory();
    try {
      const startsLog = join(dir.path, 'starts.log');
      const objective: ObjectiveConfig = {
        command: python,
        args: [fixture('line-server.py'), startsLog],
        protocol: 'line',
        timeoutSeconds: 60,
      };
      const evaluator = await createEvaluator(objective, options(1));
      // x = 7 hangs: the first reply comes, the second never does.
      const pending = evaluator.evaluate([
        { index: 0, params: { x: 2, y: 1 } },
        { index: 1, params: { x: 7, y: 0 } },
      ]);
      expect(await waitFor(() => existsSync(startsLog) && readFileSync(startsLog, 'utf8') !== '')).toBe(true);
      const pid = Number(readFileSync(startsLog, 'utf8').trim());
      await new Promise((wake) => setTimeout(wake, 200));
      const started = Date.now();
      await evaluator.close();
      const results = await pending;
      // The hanging call's own timeout is 60 s: closing must not wait for it.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(results[0]).toMatchObject({ fitness: 5, worker: 0 });
      expect(results[1].fitness).toBeNull();
      expect(results[1].error).toMatch(/closed/);
      expect(await waitFor(() => !isAlive(pid))).toBe(true);
      // Not restarted after the kill.
      expect(readFileSync(startsLog, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      dir.remove();
    }
  });

  it('close() during an evaluation kills its processes and grandchildren at once', async () => {
    const dir = temporaryDirectory();
    try {
      const objective: ObjectiveConfig = {
        command: fixture('hang-with-grandchild.py'),
        args: [join(dir.path, '{id}.pid')],
        protocol: 'args',
        timeoutSeconds: 60,
      };
      const evaluator = await createEvaluator(objective, options(2));
      const pending = evaluator.evaluate(grid(2));
      const pidFiles = [0, 1].map((id) => join(dir.path, `${id}.pid`));
      expect(
        await waitFor(
          () => pidFiles.every((file) => existsSync(file) && readFileSync(file, 'utf8') !== ''),
          10_000,
        ),
      ).toBe(true);
      const started = Date.now();
      await evaluator.close();
      const results = await pending;
      // The evaluations' timeout is 60 s: closing must not wait for it.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(results.map((r) => r.fitness)).toEqual([null, null]);
      expect(results[0].error).toBe('cancelled: the evaluator was closed (killed by signal SIGKILL)');
      const grandchildren = pidFiles.map((file) => Number(readFileSync(file, 'utf8')));
      expect(await waitFor(() => grandchildren.every((pid) => !isAlive(pid)))).toBe(true);
      await expect(evaluator.evaluate(grid(1))).rejects.toThrow(/evaluator is closed/);
    } finally {
      dir.remove();
    }
  });

  it('close() leaves nothing running: children dead, no threads or handles, the host exits', async () => {
    const dir = temporaryDirectory();
    try {
      const reportFile = join(dir.path, 'report.json');
      const exitCode = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            join(fixtures, 'pool-exit.ts'),
            fixture('line-server.py'),
            join(dir.path, 'starts.log'),
            reportFile,
          ],
          { stdio: 'ignore', timeout: 30_000 },
        );
        child.on('error', reject);
        child.on('exit', resolve);
      });
      expect(exitCode).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
        fitness: number[];
        children: number;
        aliveChildren: number[];
        resources: string[];
      };
      expect(report.fitness).toEqual(Array.from({ length: 8 }, (_, k) => (20 + k) ** 2));
      expect(report.children).toBe(2);
      expect(report.aliveChildren).toEqual([]);
      expect(report.resources).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('rejects bad configurations before evaluating anything', async () => {
    await expect(createEvaluator({ builtin: 'nope' }, options(1))).rejects.toThrow(
      /objective\.builtin must be one of/,
    );
    await expect(createEvaluator({ module: '/nonexistent/objective.mjs' }, options(1))).rejects.toThrow(
      /does not exist/,
    );
    await expect(
      createEvaluator({ command: python, protocol: 'args', result: { regex: 'cost=\\S+' } }, options(1)),
    ).rejects.toThrow(/one capture group/);
    await expect(
      createEvaluator({ command: python, protocol: 'args', result: { file: 'out.txt' } }, options(2)),
    ).rejects.toThrow(/would be shared by 2 parallel evaluations/);
    await expect(
      createEvaluator({ command: python, protocol: 'args', result: { file: '/tmp/out.txt' } }, options(2)),
    ).rejects.toThrow(/would be shared by 2 parallel evaluations/);
    expect(() =>
      prepareExecutable(
        { command: python, protocol: 'args', result: { file: 'out-{id}.txt' } },
        { cwd: fixtures, parameterNames: names, workers: 2 },
      ),
    ).not.toThrow();
  });
});
