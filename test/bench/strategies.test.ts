import { describe, expect, it } from 'vitest';
import { Optimizer } from '../../engine/core/optimizer';
import { SearchSpace } from '../../engine/core/search-space';
import { builtinFunctions } from '../../engine/objectives/index';
import { getStrategy } from '../../engine/strategies/registry';
import { runTasks } from '../../bench/lib/strategies-pool';
import { noisyTarget, runOne, startPoint, target, type RunOutcome } from '../../bench/lib/strategies-runs';
import { caseStatistics, compare, formatCell } from '../../bench/lib/strategies-stats';
import {
  budgetFor,
  comparisonTasks,
  extractDiscussion,
  headlines,
  runComparison,
  type ComparisonPlan,
} from '../../bench/strategies';

const sphere2 = { function: 'sphere', dimension: 2, budget: 2000, table: 'sphere', column: 'n=2' };

function outcome(evaluations: number | null, used: number, best: number): RunOutcome {
  return { strategy: 's', caseKey: 'c', seed: 1, evaluations, used, best, stopReason: 'x', milliseconds: 1 };
}

describe('strategy comparison bench', () => {
  it('runs a tiny comparison: cma-es solves sphere n=2, spsa does not, and the statistics follow from the runs', async () => {
    const plan: ComparisonPlan = { strategies: ['cma-es', 'spsa'], cases: [sphere2], seeds: 2 };
    const result = await runComparison(plan, 1);
    expect(result.outcomes).toHaveLength(4);
    const cma = result.statistics.get('cma-es|sphere 2')!;
    const spsa = result.statistics.get('spsa|sphere 2')!;
    expect(cma.successes).toBe(2);
    expect(spsa.successes).toBe(0);

    const cmaRuns = result.outcomes.filter((o) => o.strategy === 'cma-es').map((o) => o.evaluations!);
    // pycma needs a median of 235 evaluations on this problem (shared/reference/pycma-4.4.0.md).
    for (const evaluations of cmaRuns) {
      expect(evaluations).toBeGreaterThan(100);
      expect(evaluations).toBeLessThan(600);
    }
    expect(cma.medianEvaluations).toBe((cmaRuns[0] + cmaRuns[1]) / 2);
    expect(cma.ert).toBe((cmaRuns[0] + cmaRuns[1]) / 2);
    expect(cma.medianBest).toBeLessThan(target);
    expect(spsa.ert).toBe(Number.POSITIVE_INFINITY);
    expect(spsa.medianBest).toBeGreaterThanOrEqual(target);

    const [head] = headlines(plan, result);
    expect(head.strategy).toBe('spsa');
    expect(head.loses.map((l) => l.label)).toEqual(['sphere n=2']);
    expect(head.loses[0].comparison.detail).toContain('solved 0/2 vs 2/2');
  });

  it('counts evaluations to the target like an independent loop over the same seeded run', () => {
    const run = runOne({
      strategy: 'cma-es',
      benchCase: { function: 'sphere', dimension: 2, budget: 2000 },
      seed: 3,
    });
    const f = builtinFunctions.sphere.create(2);
    const x0 = startPoint(2, 3);
    const optimizer = Optimizer.create({
      strategy: getStrategy('cma-es'),
      options: { stepSize: 2 },
      space: new SearchSpace(Array.from(x0, (init, i) => ({ name: `x${i}`, init }))),
      seed: 3,
      stop: { maxEvaluations: 2000 },
    });
    let count = 0;
    let first: number | null = null;
    while (first === null && !optimizer.stopReason) {
      const candidates = optimizer.ask();
      optimizer.tell(
        candidates.map((c) => {
          const value = f(c.x);
          count++;
          if (first === null && value < target) first = count;
          return { fitness: value };
        }),
      );
    }
    expect(first).not.toBeNull();
    expect(run.evaluations).toBe(first);
    expect(run.stopReason).toBe('target-reached');
  });

  it('judges noisy runs on the true f at the mean, not on the noisy values', () => {
    const noisy = { function: 'sphere', dimension: 2, budget: 3000, noise: 0.1 };
    const cma = runOne({ strategy: 'cma-es', benchCase: noisy, seed: 1 });
    // Noisy values of the sphere go below any target (even below 0) long before the mean
    // is near the optimum; the recorded best is the true f, never negative.
    expect(cma.evaluations).not.toBeNull();
    expect(cma.evaluations!).toBeGreaterThan(50);
    expect(cma.best).toBeGreaterThanOrEqual(0);
    expect(cma.best).toBeLessThan(noisyTarget);
    // Central differences with h = 1e-5 see only noise.
    const differences = runOne({ strategy: 'finite-difference', benchCase: noisy, seed: 1 });
    expect(differences.evaluations).toBeNull();
    expect(differences.best).toBeGreaterThan(noisyTarget);
  });

  it('computes ERT, medians and verdicts from run outcomes', () => {
    const stats = caseStatistics([
      outcome(100, 100, 1e-9),
      outcome(null, 1000, 0.5),
      outcome(300, 300, 2e-9),
    ]);
    expect(stats.successes).toBe(2);
    expect(stats.medianEvaluations).toBe(200);
    expect(stats.ert).toBe((100 + 1000 + 300) / 2);
    expect(stats.medianBest).toBe(2e-9);
    expect(formatCell(stats)).toBe('2/3 · 200 · 2.0e-9');

    const fast = caseStatistics([outcome(100, 100, 0), outcome(120, 120, 0)]);
    expect(compare(fast, stats).verdict).toBe('beats');
    expect(compare(stats, fast).verdict).toBe('loses');
    expect(compare(fast, fast).verdict).toBe('par');
    // A lower ERT from failures that stop early, but fewer successes: mixed, so par.
    const reliable = caseStatistics([
      outcome(1000, 1000, 0),
      outcome(1000, 1000, 0),
      outcome(null, 20000, 1),
    ]);
    const lucky = caseStatistics([outcome(100, 100, 0), outcome(null, 50, 3), outcome(null, 50, 3)]);
    expect(lucky.ert).toBe(200);
    expect(compare(lucky, reliable).verdict).toBe('par');
    expect(compare(reliable, lucky).verdict).toBe('par');
    const stuck = caseStatistics([outcome(null, 50, 4), outcome(null, 50, 6)]);
    const stuckWorse = caseStatistics([outcome(null, 50, 20)]);
    expect(compare(stuck, stats).verdict).toBe('loses');
    expect(compare(stuck, stuckWorse)).toEqual({
      verdict: 'beats',
      detail: 'neither solved it; median best f 5.00 vs 20.0',
    });
  });

  it('gives the same outcomes on two worker threads as in this thread', async () => {
    const plan: ComparisonPlan = { strategies: ['one-plus-one-es', 'snes'], cases: [sphere2], seeds: 2 };
    const tasks = comparisonTasks(plan);
    const strip = (o: RunOutcome) => ({ ...o, milliseconds: 0 });
    const here = (await runTasks(tasks, 1)).map(strip);
    const threads = (await runTasks(tasks, 2)).map(strip);
    expect(threads).toEqual(here);
    expect(here.every((o) => o.evaluations !== null)).toBe(true);
  });

  it('caps only the listed slow combinations, and never a noisy case', () => {
    const ellipsoid10 = { function: 'ellipsoid', dimension: 10, budget: 1e5 };
    expect(budgetFor('lgso', ellipsoid10)).toEqual({ budget: 3e4, capped: true });
    expect(budgetFor('cma-es', ellipsoid10)).toEqual({ budget: 1e5, capped: false });
    expect(budgetFor('lgso', { ...ellipsoid10, function: 'sphere' }).capped).toBe(false);
    expect(budgetFor('lgso', { ...ellipsoid10, noise: 0.1 }).capped).toBe(false);
    const tasks = comparisonTasks({
      strategies: ['lgso', 'cma-es'],
      cases: [{ ...ellipsoid10, table: 'ellipsoid', column: 'n=10' }],
      seeds: 1,
    });
    expect(tasks.map((t) => [t.strategy, t.benchCase.budget])).toEqual([
      ['lgso', 3e4],
      ['cma-es', 1e5],
    ]);
  });

  it('carries the hand-written discussion over, with or without its end marker', () => {
    const marker = '<!-- end of the hand-written discussion -->';
    const unmarked = '# t\n\nintro\n\n### Which strategy when\n\n- pick A\n\n### Summary\n\n| a |\n';
    expect(extractDiscussion(unmarked)).toBe(`### Which strategy when\n\n- pick A\n\n${marker}`);
    const marked = `intro\n\n## Which strategy when\n\n### Sub\n\ntext\n${marker}\n\n### Summary\n`;
    expect(extractDiscussion(marked)).toBe(`## Which strategy when\n\n### Sub\n\ntext\n${marker}`);
    expect(extractDiscussion('# t\n\n### Summary\n')).toBeNull();
  });
});
