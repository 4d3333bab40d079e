/**
 * `npm run bench -- strategies [--quick] [--seeds=N] [--save | --write]`: every strategy of
 * the registry on every built-in test function — success rate, median evaluations to the
 * target and median best f — with a headline of where each strategy beats or loses to
 * CMA-ES. Conventions (shared/reference/pycma-4.4.0.md, details in lib/strategies-runs.ts):
 * unbounded parameters, x0 ~ U[−3, 3]^n, initial step size 2, target f < 1e−8, each
 * strategy's defaults otherwise, no restarts (the same treatment for every strategy).
 *
 * - Cases: sphere, ellipsoid, rotated ellipsoid, Rosenbrock, Rastrigin and Ackley at n = 2,
 *   10, 30; degenerate Rosenbrock at n = 100 (seed 002); noisy sphere (n = 10) and noisy
 *   Rosenbrock (n = 2) with Gaussian noise σ = 0.1, judged on the true f at the strategy's
 *   mean (< 1e−2).
 * - Budgets per run, chosen so that the default run takes about a quarter of an hour of two
 *   idle cores: n = 2: 2·10⁴ (= 10⁴·n), n = 10: 10⁵ (= 10⁴·n), n = 30: 10⁵ (a third of 10⁴·n;
 *   in a one-seed run at 1.5·10⁵, sep-CMA-ES on Rosenbrock and xNES on Rosenbrock and Ackley
 *   succeeded after 117 000–124 000 evaluations, which this budget counts as failures),
 *   degenerate Rosenbrock n = 100: 2·10⁴; lower caps for slow strategies on cases they fail
 *   (`budgetCaps`). A run stops early at the target or when the step wrapper's stop criteria
 *   fire (tolX, tolFun, stagnation; no stagnation stop on noisy functions, where the noisy
 *   best-so-far stops improving long before the mean does).
 * - 10 seeds (`--seeds=N` overrides); `--quick`: 3 seeds and n ≤ 10 only, for a smoke run.
 * - Runs go to one worker thread per core (EVOBOX_BENCH_WORKERS=N overrides).
 * - `--save` (every benchmark's flag) or `--write` writes bench/results/strategies.md with the
 *   machine and date; the hand-written "Which strategy when" section of that file (up to the
 *   end marker) is carried over into the new one, above the tables — re-read it against them.
 * - EVOBOX_BENCH_STRATEGIES_JSON=path also writes every run's outcome as JSON.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { strategies } from '../engine/strategies/registry';
import type { Benchmark } from './lib/benchmark';
import { describeMachine } from './lib/machine';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';
import { runTasks } from './lib/strategies-pool';
import {
  caseKey,
  noisyTarget,
  target,
  type BenchCase,
  type RunOutcome,
  type RunTask,
} from './lib/strategies-runs';
import {
  bestMargin,
  compare,
  ertMargin,
  formatCell,
  statisticsKey,
  summarize,
  type CaseStatistics,
  type Comparison,
} from './lib/strategies-stats';

/** The reference every other strategy is compared with. */
export const referenceStrategy = 'cma-es';

const budgets: Record<number, number> = { 2: 2e4, 10: 1e5, 30: 1e5 };
const degenerateBudget = 2e4;

export interface BudgetCap {
  strategy: string;
  function: string;
  dimension: number;
  budget: number;
}

/**
 * Lower budgets for slow strategies on combinations they fail anyway, so that the whole
 * table fits the time. Measured (CPU time of one seed at full budgets, and the 10-seed table):
 * lgso's surrogate fit costs 50–160 µs per evaluation at n = 10–30 and it stalls far from 1e−8
 * on the ill-conditioned and Rosenbrock functions (f ≈ 2e−4 … 600 after 3·10⁴–10⁵
 * evaluations); xNES costs about 100 µs per evaluation at n = 30, where it ends Rosenbrock and
 * Ackley at f ≈ 1e−6 after 10⁵ evaluations in 10/10 runs, and 1.5 ms at n = 100 (its O(n³)
 * matrix exponential). Each cap stays above the evaluations
 * CMA-ES needs on the same case, so a capped strategy still gets at least the reference's
 * share; capped cells are marked †.
 */
export const budgetCaps: readonly BudgetCap[] = [
  ...['ellipsoid', 'rotated-ellipsoid', 'rosenbrock'].flatMap((fn) => [
    { strategy: 'lgso', function: fn, dimension: 10, budget: 3e4 },
    { strategy: 'lgso', function: fn, dimension: 30, budget: 5e4 },
  ]),
  ...['rosenbrock', 'ackley'].map((fn) => ({ strategy: 'xnes', function: fn, dimension: 30, budget: 5e4 })),
  { strategy: 'xnes', function: 'degenerate-rosenbrock', dimension: 100, budget: 5e3 },
];

/** The case's budget, or the strategy's cap on it. */
export function budgetFor(strategy: string, c: BenchCase): { budget: number; capped: boolean } {
  const cap = budgetCaps.find(
    (k) => k.strategy === strategy && k.function === c.function && k.dimension === c.dimension && !c.noise,
  );
  return cap && cap.budget < c.budget
    ? { budget: cap.budget, capped: true }
    : { budget: c.budget, capped: false };
}
const noise = 0.1;

export interface ComparisonCase extends BenchCase {
  /** Which table the case goes into, and its column there. */
  table: string;
  column: string;
}

export interface ComparisonPlan {
  strategies: string[];
  cases: ComparisonCase[];
  seeds: number;
}

export function comparisonCases(quick: boolean): ComparisonCase[] {
  const dimensions = quick ? [2, 10] : [2, 10, 30];
  const cases: ComparisonCase[] = [];
  for (const fn of ['sphere', 'ellipsoid', 'rotated-ellipsoid', 'rosenbrock', 'rastrigin', 'ackley']) {
    for (const dimension of dimensions) {
      cases.push({
        function: fn,
        dimension,
        budget: budgets[dimension],
        table: fn,
        column: `n=${dimension}`,
      });
    }
  }
  const special = 'degenerate Rosenbrock and noisy functions';
  if (!quick) {
    cases.push({
      function: 'degenerate-rosenbrock',
      dimension: 100,
      budget: degenerateBudget,
      table: special,
      column: 'degenerate-rosenbrock n=100',
    });
  }
  cases.push(
    {
      function: 'sphere',
      dimension: 10,
      noise,
      budget: budgets[10],
      table: special,
      column: `sphere n=10 noise ${noise}`,
    },
    {
      function: 'rosenbrock',
      dimension: 2,
      noise,
      budget: budgets[2],
      table: special,
      column: `rosenbrock n=2 noise ${noise}`,
    },
  );
  return cases;
}

/**
 * Rough relative cost of a run that uses its whole budget, so the longest runs start first
 * and the two threads finish together. xNES and L-GSO do O(n³)/O(n²·history) work per
 * generation; learned-sigma draws twice the samples per step.
 */
function expectedCost(task: RunTask): number {
  const slow: Record<string, number> = { xnes: 8, lgso: 6, 'learned-sigma': 2 };
  const n = task.benchCase.dimension;
  return task.benchCase.budget * (5 + n) * (n >= 10 ? (slow[task.strategy] ?? 1) : 1);
}

export function comparisonTasks(plan: ComparisonPlan): RunTask[] {
  const tasks: RunTask[] = [];
  for (const benchCase of plan.cases) {
    for (const strategy of plan.strategies) {
      for (let seed = 1; seed <= plan.seeds; seed++) {
        const budget = budgetFor(strategy, benchCase).budget;
        tasks.push({ strategy, benchCase: { ...stripLayout(benchCase), budget }, seed });
      }
    }
  }
  return tasks;
}

function stripLayout(c: ComparisonCase): BenchCase {
  return {
    function: c.function,
    dimension: c.dimension,
    budget: c.budget,
    ...(c.noise ? { noise: c.noise } : {}),
  };
}

export interface ComparisonResult {
  outcomes: RunOutcome[];
  statistics: Map<string, CaseStatistics>;
}

export async function runComparison(
  plan: ComparisonPlan,
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ComparisonResult> {
  const tasks = comparisonTasks(plan).sort((a, b) => expectedCost(b) - expectedCost(a));
  const outcomes = await runTasks(tasks, workers, (_, done, total) => onProgress?.(done, total));
  return { outcomes, statistics: summarize(outcomes) };
}

function statisticsOf(result: ComparisonResult, strategy: string, c: BenchCase): CaseStatistics {
  const s = result.statistics.get(statisticsKey(strategy, caseKey(c)));
  if (!s) throw new Error(`no runs of ${strategy} on ${caseKey(c)}`);
  return s;
}

/** 150000 → "1.5e5". */
export function formatBudget(budget: number): string {
  const exponent = Math.floor(Math.log10(budget));
  return `${Number((budget / 10 ** exponent).toPrecision(2))}e${exponent}`;
}

export function caseLabel(c: BenchCase): string {
  return `${c.function} n=${c.dimension}${c.noise ? ` noise ${c.noise}` : ''}`;
}

export interface StrategyHeadline {
  strategy: string;
  beats: { label: string; comparison: Comparison }[];
  par: { label: string; comparison: Comparison }[];
  loses: { label: string; comparison: Comparison }[];
}

/** Every non-reference strategy against the reference, case by case. */
export function headlines(plan: ComparisonPlan, result: ComparisonResult): StrategyHeadline[] {
  if (!plan.strategies.includes(referenceStrategy)) return [];
  return plan.strategies
    .filter((strategy) => strategy !== referenceStrategy)
    .map((strategy) => {
      const headline: StrategyHeadline = { strategy, beats: [], par: [], loses: [] };
      for (const c of plan.cases) {
        const comparison = compare(
          statisticsOf(result, strategy, c),
          statisticsOf(result, referenceStrategy, c),
        );
        headline[comparison.verdict].push({ label: caseLabel(c), comparison });
      }
      return headline;
    });
}

/** Prints the tables and the headline into `report`. */
export function renderComparison(plan: ComparisonPlan, result: ComparisonResult, report: Report): void {
  const tables = [...new Set(plan.cases.map((c) => c.table))];
  report.text('### Summary');
  report.text();
  const heads = headlines(plan, result);
  report.table(
    [
      'strategy',
      'cases solved (any seed)',
      'cases solved (every seed)',
      `vs ${referenceStrategy}: beats / par / loses`,
      'thread time, s (all its runs)',
    ],
    plan.strategies.map((strategy) => {
      const all = plan.cases.map((c) => statisticsOf(result, strategy, c));
      const head = heads.find((h) => h.strategy === strategy);
      return [
        strategy,
        `${all.filter((s) => s.successes > 0).length}/${all.length}`,
        `${all.filter((s) => s.successes === s.runs).length}/${all.length}`,
        head ? `${head.beats.length} / ${head.par.length} / ${head.loses.length}` : '(reference)',
        Math.round(all.reduce((sum, s) => sum + s.seconds, 0)),
      ];
    }),
  );
  report.text(
    `Each cell below: runs that reached the target / runs · median evaluations to the target over those runs · ` +
      `median best f of all runs (noisy: true f at the final mean). Target f < ${target} (noisy: true f at the mean < ${noisyTarget}). ` +
      `† = this strategy's budget on this case was capped at the number shown (slow strategy on a case it fails).`,
  );
  report.text();
  for (const table of tables) {
    const cases = plan.cases.filter((c) => c.table === table);
    report.text(`### ${table}`);
    report.text();
    report.table(
      ['strategy', ...cases.map((c) => `${c.column} (budget ${formatBudget(c.budget)})`)],
      plan.strategies.map((strategy) => [
        strategy,
        ...cases.map((c) => {
          const { budget, capped } = budgetFor(strategy, c);
          return `${formatCell(statisticsOf(result, strategy, c))}${capped ? ` † ${formatBudget(budget)}` : ''}`;
        }),
      ]),
    );
  }
  if (heads.length === 0) return;
  report.text(`### Headline: each strategy against ${referenceStrategy}`);
  report.text();
  report.text(
    `"Beats" / "loses": expected running time (ERT = all evaluations spent / successes) at least ${ertMargin}× lower / ` +
      `higher when both solve the case; solving it at all when only one does; a median best f at least ` +
      `${bestMargin}× lower / higher when neither does. Anything closer is par.`,
  );
  report.text();
  for (const head of heads) {
    const list = (items: StrategyHeadline['beats']) =>
      items.map((item) => `${item.label} (${item.comparison.detail})`).join('; ');
    const parts = [
      head.beats.length ? `beats it on ${head.beats.length}: ${list(head.beats)}` : 'beats it nowhere',
      head.loses.length ? `loses on ${head.loses.length}: ${list(head.loses)}` : 'loses nowhere',
      `par on ${head.par.length}${head.par.length ? `: ${head.par.map((p) => p.label).join(', ')}` : ''}`,
    ];
    report.text(`- **${head.strategy}** ${parts.join('. ')}.`);
  }
  report.text();
}

const resultsPath = fileURLToPath(new URL('./results/strategies.md', import.meta.url));
/** The hand-written section of the results file (a heading of level 2 or 3). */
const discussionHeading = /^#{2,3} Which strategy when/m;
/** Ends the discussion, so that only the hand-written text is carried over. */
const discussionEnd = '<!-- end of the hand-written discussion -->';

/**
 * The hand-written discussion in a results file: from its heading to the end marker, or
 * without the marker up to the next heading of level 2 or 3 (or the end of the text).
 */
export function extractDiscussion(text: string): string | null {
  const start = text.search(discussionHeading);
  if (start < 0) return null;
  const end = text.indexOf(discussionEnd, start);
  if (end >= 0) return text.slice(start, end + discussionEnd.length);
  const headingEnd = text.indexOf('\n', start);
  const next = headingEnd < 0 ? -1 : text.slice(headingEnd).search(/^#{2,3} /m);
  const body = next < 0 ? text.slice(start) : text.slice(start, headingEnd + next);
  return `${body.trimEnd()}\n\n${discussionEnd}`;
}

/** The discussion of the committed results file, to carry over when it is rewritten. */
function committedDiscussion(): string | null {
  return existsSync(resultsPath) ? extractDiscussion(readFileSync(resultsPath, 'utf8')) : null;
}

function explicitSeeds(): boolean {
  return process.argv.some((a) => a.startsWith('--seeds=')) || process.env.EVOBOX_BENCH_SEEDS !== undefined;
}

function workerCount(): number {
  const given = Number(process.env.EVOBOX_BENCH_WORKERS);
  return Number.isInteger(given) && given >= 1 ? given : availableParallelism();
}

export const strategiesBench = {
  name: 'strategies',
  description:
    'every strategy × built-in function: success rate, evaluations to target, best f; headline against CMA-ES',
  async run(settings: BenchSettings, report: Report): Promise<void> {
    const write = process.argv.includes('--write');
    const machine = describeMachine();
    const plan: ComparisonPlan = {
      strategies: Object.keys(strategies),
      cases: comparisonCases(settings.quick),
      seeds: explicitSeeds() ? settings.seeds : settings.quick ? 3 : 10,
    };
    const workers = workerCount();
    report.text(
      `${plan.strategies.length} strategies × ${plan.cases.length} cases × ${plan.seeds} seeds on ${workers} worker threads. ` +
        `Unbounded parameters, x0 ~ U[−3, 3]^n (seeded; the same for every strategy), initial step size 2 ` +
        `(sampling strategies; sa-sgd, finite-difference and spsa keep their default gradient step settings), ` +
        `each strategy's defaults otherwise, no restarts. A run succeeds when an evaluation has f < ${target}; ` +
        `on noisy functions (Gaussian noise σ = ${noise}) when the true f at the strategy's mean falls below ${noisyTarget}. ` +
        `Budgets per run: n=2: ${formatBudget(budgets[2])}, n=10: ${formatBudget(budgets[10])}, n=30: ${formatBudget(budgets[30])}, ` +
        `degenerate Rosenbrock n=100: ${formatBudget(degenerateBudget)}; capped for slow strategies on cases they fail: ` +
        `${budgetCaps.map((k) => `${k.strategy} on ${k.function} n=${k.dimension}: ${formatBudget(k.budget)}`).join(', ')}.`,
    );
    report.text();
    if (settings.save || write) {
      // The hand-written reading of the table comes first in the results file.
      const discussion = committedDiscussion();
      if (discussion) {
        report.text(discussion);
        report.text();
      }
    }
    const started = performance.now();
    let lastShown = 0;
    const result = await runComparison(plan, workers, (done, total) => {
      const now = performance.now();
      if (done === total || now - lastShown > 15_000) {
        lastShown = now;
        process.stderr.write(
          `strategies: ${done}/${total} runs (${Math.round((100 * done) / total)} %), ${((now - started) / 1000).toFixed(0)} s\n`,
        );
      }
    });
    renderComparison(plan, result, report);
    const jsonPath = process.env.EVOBOX_BENCH_STRATEGIES_JSON;
    if (jsonPath) writeFileSync(jsonPath, JSON.stringify(result.outcomes));
    const threadSeconds = result.outcomes.reduce((sum, o) => sum + o.milliseconds, 0) / 1000;
    report.text(
      `(strategies: ${((performance.now() - started) / 1000).toFixed(0)} s wall, ${threadSeconds.toFixed(0)} s summed over ` +
        `the runs on ${workers} threads; load average at the end ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' / ')})`,
    );
    if (write && !settings.save) {
      // `--save` has the runner write the file; `--write` alone is this benchmark's own alias.
      mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
      writeFileSync(
        resultsPath,
        `# strategies — ${strategiesBench.description}\n\n${machine}\n\n${report.markdown()}`,
      );
      process.stdout.write(`(saved ${resultsPath})\n`);
    }
  },
} satisfies Benchmark;
