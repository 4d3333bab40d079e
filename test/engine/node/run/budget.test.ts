/**
 * Continuing a run with a larger budget (`evobox resume --budget`, the GUI's Continue): the
 * run goes on from its checkpoint — counters, journal and random stream — as if it had had
 * the larger budget from the start, and budgets that cannot work are refused by name.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { BudgetError, continueWithBudget } from '../../../../engine/node/run/budget';
import { resumeRun, startRun } from '../../../../engine/node/run/runner';

const fixtures = resolve(__dirname, '../../../fixtures/runs');
const scratch = scratchDirectories('evobox-budget-');

const sphere = (evaluations: number) =>
  parseProblem(
    {
      name: 'sphere',
      objective: { builtin: 'sphere', dimension: 3 },
      strategy: { name: 'cma-es', options: { populationSize: 6 } },
      budget: { evaluations },
      seed: 11,
    },
    fixtures,
  );

const indices = (runDir: string) =>
  readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { index: number }).index);

describe('continuing a run with more budget', () => {
  it('goes on from a finished run exactly as a run with the larger budget from the start', async () => {
    const short = await startRun(sphere(60), { runsDir: scratch() });
    const first = await short.done;
    expect(first).toMatchObject({ evaluations: 60, stopReason: 'budget-evaluations' });

    const continued = await resumeRun(short.runDir, { budget: { evaluations: 120 } });
    const second = await continued.done;
    expect(second).toMatchObject({ evaluations: 120, stopReason: 'budget-evaluations' });
    expect(second.elapsedMs).toBeGreaterThanOrEqual(first.elapsedMs);
    expect(indices(short.runDir)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    // The new budget is the run's now: a plain resume later keeps it.
    const problem = JSON.parse(readFileSync(join(short.runDir, 'problem.json'), 'utf8'));
    expect(problem.budget.evaluations).toBe(120);

    const straight = await (await startRun(sphere(120), { runsDir: scratch() })).done;
    expect(second.best).toEqual(straight.best);
  });

  it('refuses a budget that is not more than what the run has done, naming the field', async () => {
    const run = await startRun(sphere(30), { runsDir: scratch() });
    await run.done;
    await expect(resumeRun(run.runDir, { budget: { evaluations: 30 } })).rejects.toThrow(
      /budget\.evaluations must be more than the 30 evaluations the run has done \(got 30\)/,
    );
    // Nothing was changed by the refused request.
    const problem = JSON.parse(readFileSync(join(run.runDir, 'problem.json'), 'utf8'));
    expect(problem.budget.evaluations).toBe(30);
  });

  it('says why more budget does not help a run that ended for another reason', () => {
    const problem = sphere(100);
    expect(() =>
      continueWithBudget(
        problem,
        { evaluations: 200 },
        { evaluations: 80, elapsedMs: 10, stopReason: 'tol-fun' },
      ),
    ).toThrow(
      /ended with tol-fun \(fitness values stopped changing.*\); a larger budget does not change that/,
    );
    expect(() =>
      continueWithBudget(
        problem,
        { seconds: 100 },
        { evaluations: 100, elapsedMs: 10, stopReason: 'budget-evaluations' },
      ),
    ).toThrow(BudgetError);
    const next = continueWithBudget(
      problem,
      { seconds: 100 },
      { evaluations: 40, elapsedMs: 5000, stopReason: 'stopped-by-user' },
    );
    expect(next.budget).toEqual({ evaluations: 100, seconds: 100 });
  });
});
