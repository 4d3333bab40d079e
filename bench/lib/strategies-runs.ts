/**
 * One run of the strategy comparison (bench/strategies.ts): a strategy on one built-in
 * function from one seed, through the shared step wrapper, counted like the pycma reference
 * (shared/reference/pycma-4.4.0.md): every objective call counts, unbounded parameters,
 * x0 ~ U[−3, 3]^n from a seeded generator (the same x0 for every strategy with that seed, so
 * the comparison is paired), initial step size 2.
 *
 * Noiseless cases succeed when some evaluation has f < 1e−8 within the budget (the run stops
 * there). Noisy cases add Gaussian noise to every evaluation, and a noisy value can dip below
 * any target by luck, so they are judged on the noiseless function instead: after every
 * generation the true f at the strategy's current mean (its recommendation, what a user would
 * export) is computed outside the budget; the run succeeds, and stops, at the first generation
 * where that value is below `noisyTarget`. Its "best f" is the true f at the final mean.
 * Noisy runs have no stagnation stop: the step wrapper judges stagnation on the best value
 * seen, which on a noisy function is a lucky draw that later generations rarely undercut,
 * while the mean goes on improving.
 */
import { Optimizer } from '../../engine/core/optimizer';
import { createRng } from '../../engine/core/rng';
import { SearchSpace } from '../../engine/core/search-space';
import { builtinFunctions, createBuiltinEvaluator } from '../../engine/objectives/index';
import { getStrategy } from '../../engine/strategies/registry';
import { runCounted } from './counted-run';

/** f < target counts as solved on the noiseless functions (pycma reference). */
export const target = 1e-8;
/** Noisy functions: the true f at the strategy's mean must fall below this. */
export const noisyTarget = 1e-2;
/** Initial step size, as σ0 = 2 in the pycma reference. */
export const initialStepSize = 2;

export interface BenchCase {
  function: string;
  dimension: number;
  /** Standard deviation of the additive Gaussian noise; 0 or absent for the exact function. */
  noise?: number;
  /** Evaluations per run (a run stops earlier when it succeeds or its strategy stops). */
  budget: number;
}

export interface RunTask {
  strategy: string;
  benchCase: BenchCase;
  seed: number;
}

export interface RunOutcome {
  strategy: string;
  caseKey: string;
  seed: number;
  /** Evaluations up to the success (first f < target, or the noisy-case generation); null when none. */
  evaluations: number | null;
  /** Evaluations the run used in all. */
  used: number;
  /** Best f seen (noiseless), or the true f at the final mean (noisy). */
  best: number;
  stopReason: string;
  milliseconds: number;
}

export function caseKey(c: BenchCase): string {
  return `${c.function} ${c.dimension}${c.noise ? ` noise ${c.noise}` : ''}`;
}

/**
 * What "initial step size 2" means for each strategy. Where `stepSize` is the initial spread
 * of the samples — a sampling standard deviation (the ES family, reinforce, learned-sigma,
 * (1+1)-ES), a proposal scale (simulated annealing) or a trust-region radius whose samples lie
 * at that distance (lgso) — it gets 2, as σ0 = 2 for CMA-ES. The gradient methods sample at a
 * tiny difference scale and their `stepSize` is a difference scale (sa-sgd) or the length of
 * the first gradient step (finite-difference, spsa), which sets a gain: those keep their
 * defaults (spsa with 2 diverges on ellipsoid and Rosenbrock within a hundred evaluations).
 */
export const gradientStrategies: ReadonlySet<string> = new Set(['sa-sgd', 'finite-difference', 'spsa']);

export function benchOptions(strategy: string): Record<string, unknown> {
  return gradientStrategies.has(strategy) ? {} : { stepSize: initialStepSize };
}

/** The seeded start point: U[−3, 3]^n, the same for every strategy for a given seed. */
export function startPoint(dimension: number, seed: number): Float64Array {
  const rng = createRng(`strategies-x0:${seed}`);
  return Float64Array.from({ length: dimension }, () => -3 + 6 * rng.uniform());
}

export function runOne(task: RunTask): RunOutcome {
  const started = performance.now();
  const { benchCase, seed } = task;
  const n = benchCase.dimension;
  const noisy = (benchCase.noise ?? 0) > 0;
  const trueF = builtinFunctions[benchCase.function].create(n);
  const evaluate = noisy
    ? createBuiltinEvaluator({ builtin: benchCase.function, noise: benchCase.noise }, n, `strategies:${seed}`)
    : (x: ArrayLike<number>) => trueF(x);
  const start = startPoint(n, seed);
  const space = new SearchSpace(Array.from(start, (init, i) => ({ name: `x${i}`, init })));
  const optimizer = Optimizer.create({
    strategy: getStrategy(task.strategy),
    options: benchOptions(task.strategy),
    space,
    seed,
    stop: {
      maxEvaluations: benchCase.budget,
      ...(noisy ? { stagnationGenerations: Number.MAX_SAFE_INTEGER } : { target }),
    },
  });
  // Unbounded linear parameters: internal coordinates are the user's coordinates.
  const { used, first, best } = runCounted(
    optimizer,
    (candidate) => evaluate(candidate.x, candidate.index),
    noisy ? null : target,
    noisy
      ? (tally) => {
          tally.best = trueF(optimizer.distribution().mean);
          if (tally.best < noisyTarget) {
            tally.first = tally.used;
            optimizer.requestStop('target-reached');
          }
        }
      : undefined,
  );
  return {
    strategy: task.strategy,
    caseKey: caseKey(benchCase),
    seed,
    evaluations: first,
    used,
    // A diverged mean (NaN or ±∞) is as bad as it gets.
    best: Number.isNaN(best) ? Number.POSITIVE_INFINITY : best,
    stopReason: optimizer.stopReason ?? 'no-candidates',
    milliseconds: performance.now() - started,
  };
}
