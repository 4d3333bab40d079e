/** Named stop reasons: a run records exactly one, and the CLI and GUI show it. */
export const stopReasons = {
  'budget-evaluations': 'the evaluation budget is used up',
  'budget-seconds': 'the time budget is used up',
  'target-reached': 'the best fitness reached the target',
  'tol-x': 'the search distribution became narrower than tolX in every coordinate',
  'tol-flat-fitness': 'the best and the 75th-percentile fitness of a generation were equal twice in a row',
  'tol-fun': 'fitness values stopped changing by more than tolFun',
  stagnation: 'the best fitness has not improved for many generations',
  'stopped-by-user': 'the run was stopped on request',
  'too-many-failures': 'too many evaluations in a row failed; see the journal for reasons',
  'strategy-converged': 'the strategy reports numerical convergence',
} as const;

export type StopReason = keyof typeof stopReasons;

/** Stop reasons after which IPOP/BIPOP restart instead of ending the run. */
export const localStopReasons: ReadonlySet<string> = new Set([
  'tol-x',
  'tol-fun',
  'tol-flat-fitness',
  'stagnation',
  'strategy-converged',
]);

export interface StopCriteria {
  /** Stop after this many evaluations (the last generation is cut short to honour it). */
  maxEvaluations?: number;
  /** Stop after this many seconds of run time (summed over resumed sessions). */
  maxSeconds?: number;
  /** Stop when the best fitness is at least this good (in the problem's direction). */
  target?: number;
  /**
   * Stop (or restart) when every coordinate's sampling std, and every coordinate of the step the
   * mean has been taking (σ·p_c, CMA-ES family), is below this, in the parameter's own units
   * (log10 units on a log scale), as pycma's tolx. Default 1e-11.
   */
  tolX?: number;
  /** Stop (or restart) when recent best values and the current generation span less than this. Default 1e-11. */
  tolFun?: number;
  /**
   * pycma's tolstagnation period, in generations: `stagnation` when over the last ones the
   * median of the generations' best and median values stopped improving. Default
   * 100 + 100·n^1.5/λ (as pycma).
   */
  stagnationGenerations?: number;
  /**
   * Consecutive generations whose best value equals their 75th-percentile value tolerated
   * before `tol-flat-fitness` (pycma's tolflatfitness). Default 1; with integer parameters
   * 3 + 30·(their share of the parameters).
   */
  tolFlatFitness?: number;
  /** Consecutive failed evaluations before `too-many-failures`. Default max(20, 3λ). */
  maxConsecutiveFailures?: number;
}
