/**
 * The contract every executor kind in the registry keeps: a generation's results come back
 * in job order and match the objective, `slots` follows the workers, cancel ends what is in
 * flight as "cancelled" failures and starts nothing new, and a run gives the same journal on
 * it as on the default executor. A new kind needs an entry in `configs` (a compile error
 * otherwise) — the settings its contract run uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createExecutor,
  executorKinds,
  type ExecutorConfig,
  type ExecutorKindId,
  type ExecutorRequest,
} from '../../../../engine/node/executors/index';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { startRun } from '../../../../engine/node/run/runner';
import { scratchDirectories } from '../../../scratch-directories';
import { fixtures, python } from '../evaluation/helpers';

const configs: Record<ExecutorKindId, ExecutorConfig> = {
  local: { kind: 'local' },
};

const scratch = scratchDirectories('evobox-executor-');

function request(overrides: Partial<ExecutorRequest> = {}): ExecutorRequest {
  return {
    objective: { builtin: 'sphere' },
    parameterNames: ['x', 'y', 'z'],
    workers: 1,
    cwd: fixtures,
    seed: 1,
    runId: 'contract',
    ...overrides,
  };
}

const jobs = Array.from({ length: 9 }, (_, index) => ({
  index,
  params: { x: index - 4, y: 0.5 * index, z: -1 },
}));
const sphere = ({ x, y, z }: Record<string, number>) => x * x + y * y + z * z;

describe.each(Object.entries(configs))('executor %s', (kind, config) => {
  it('is registered under its own kind', () => {
    expect(executorKinds[kind as ExecutorKindId].kind).toBe(kind);
    expect(executorKinds[kind as ExecutorKindId].configSchema.safeParse(config).success).toBe(true);
  });

  it.each([1, 2])('returns a generation in job order (workers %i)', async (workers) => {
    const executor = await createExecutor(config, request({ workers }));
    try {
      expect(executor.kind).toBe(kind);
      expect(executor.slots).toBe(workers);
      const results = await executor.evaluate(jobs, 0);
      expect(results.map((r) => r.fitness)).toEqual(jobs.map((job) => sphere(job.params)));
      const again = await executor.evaluate(jobs.slice(0, 3), 1);
      expect(again.map((r) => r.fitness)).toEqual(jobs.slice(0, 3).map((job) => sphere(job.params)));
    } finally {
      await executor.close();
    }
  });

  it('cancels evaluations in flight and starts nothing after', async () => {
    const executor = await createExecutor(
      config,
      request({
        objective: { command: python, args: ['-c', 'import time; time.sleep(60)'], protocol: 'args' },
        workers: 2,
        scratchDir: scratch(),
      }),
    );
    try {
      const started = Date.now();
      const running = executor.evaluate(jobs.slice(0, 2), 0);
      await new Promise((wait) => setTimeout(wait, 500));
      executor.cancel();
      const results = await running;
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(results).toHaveLength(2);
      for (const result of results) {
        expect(result.fitness).toBeNull();
        expect(result.error).toMatch(/^cancelled/);
      }
      const later = await executor.evaluate(jobs.slice(0, 3), 1);
      expect(later.map((r) => r.fitness)).toEqual([null, null, null]);
      expect(later.every((r) => r.error?.startsWith('cancelled'))).toBe(true);
    } finally {
      await executor.close();
    }
  });

  it('runs a problem to the same journal as the default executor', async () => {
    const problem = (executor?: ExecutorConfig) =>
      parseProblem(
        {
          name: 'executor-contract',
          objective: { builtin: 'rosenbrock', dimension: 3 },
          budget: { evaluations: 120 },
          seed: 5,
          workers: 2,
          ...(executor ? { executor } : {}),
        },
        fixtures,
      );
    const journals: string[] = [];
    for (const executor of [undefined, config]) {
      const run = await startRun(problem(executor), { runsDir: scratch() });
      const result = await run.done;
      expect(result.evaluations).toBe(120);
      journals.push(
        readFileSync(join(run.runDir, 'journal.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => {
            const { index, params, fitness } = JSON.parse(line);
            return JSON.stringify({ index, params, fitness });
          })
          .join('\n'),
      );
      if (executor) {
        const recorded = JSON.parse(readFileSync(join(run.runDir, 'problem.json'), 'utf8'));
        expect(recorded.executor).toEqual(config);
      }
    }
    expect(journals[1]).toBe(journals[0]);
  });
});
