/**
 * The evaluations table, its detail view and the sample channel read a large-n run's
 * parameters from params.f64 as they read inline ones: the same seeded run gives the same
 * answers from a binary journal as from a plain one.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunEvaluations } from '../../../electron/backend/evaluations/run-evaluations';
import { readRun } from '../../../electron/backend/run-history';
import { parseProblem } from '../../../engine/node/problem/schema';
import { startRun } from '../../../engine/node/run/runner';
import { scratchDirectories } from '../../scratch-directories';

const scratch = scratchDirectories('evobox-evaluations-binary-');

const problem = parseProblem(
  {
    name: 'rosenbrock',
    objective: { builtin: 'rosenbrock', dimension: 5 },
    budget: { evaluations: 200 },
    seed: 3,
  },
  resolve(__dirname),
);

async function run(binaryParamsFrom: number): Promise<string> {
  const handle = await startRun(problem, { runsDir: scratch(), binaryParamsFrom });
  await handle.done;
  return handle.runDir;
}

describe('evaluations of a binary journal', () => {
  it('pages, sorts, samples and details as the plain journal of the same run', async () => {
    const [plain, binary] = [await run(Number.POSITIVE_INFINITY), await run(1)];
    const store = new RunEvaluations();
    const byFitness = { column: 'fitness', direction: 'asc' } as const;
    const pageOf = async (dir: string) => {
      const page = await store.page(dir, 0, 50, byFitness);
      // ms differs between two runs of the same seed; everything else must match.
      return { ...page, rows: page.rows.map((row) => ({ ...row, ms: 0 })) };
    };
    const binaryPage = await pageOf(binary);
    expect(binaryPage.total).toBe(200);
    expect(binaryPage.rows[0].params.every((v) => Number.isFinite(v))).toBe(true);
    expect(binaryPage).toEqual(await pageOf(plain));

    expect(await store.sample(binary, 64)).toEqual(await store.sample(plain, 64));

    const detail = await store.detail(binary, 17);
    expect(Object.keys(detail.params)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5']);
    const plainDetail = await store.detail(plain, 17);
    expect(detail.params).toEqual(plainDetail.params);
    expect(detail.command).toEqual(plainDetail.command);

    const history = readRun(binary, 100);
    expect(history.curve).toEqual(readRun(plain, 100).curve);
  });
});
