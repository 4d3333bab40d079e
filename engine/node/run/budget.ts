/**
 * Continuing a run with a larger budget (`evobox resume --budget`, the GUI's "Continue"):
 * the new totals are checked against what the run has done, and only the stop reasons a
 * budget can lift are lifted — a run that converged or reached its target would stop again
 * at once, so that is said instead.
 */
import { stopReasons } from '../../core/stop';
import type { Problem } from '../problem/schema';

/** New totals for a run's budget; the evaluations and seconds done so far count. */
export interface BudgetChange {
  evaluations?: number;
  seconds?: number;
}

/** Stop reasons after which a run may go on with more budget. */
export const budgetStopReasons: ReadonlySet<string> = new Set([
  'budget-evaluations',
  'budget-seconds',
  'stopped-by-user',
]);

export class BudgetError extends Error {}

/** What a run has done, from its checkpoint. */
export interface RunProgressSoFar {
  evaluations: number;
  elapsedMs: number;
  stopReason: string | null;
}

/** The problem with the new budget, or a BudgetError saying which value cannot work and why. */
export function continueWithBudget(problem: Problem, change: BudgetChange, done: RunProgressSoFar): Problem {
  if (change.evaluations === undefined && change.seconds === undefined) {
    throw new BudgetError('a budget change needs evaluations (--budget) or seconds (--seconds)');
  }
  if (change.evaluations !== undefined && !(change.evaluations > done.evaluations)) {
    throw new BudgetError(
      `budget.evaluations must be more than the ${done.evaluations} evaluations the run has done (got ${change.evaluations}); it is the new total`,
    );
  }
  const doneSeconds = done.elapsedMs / 1000;
  if (change.seconds !== undefined && !(change.seconds > doneSeconds)) {
    throw new BudgetError(
      `budget.seconds must be more than the ${doneSeconds.toFixed(1)} s the run has taken (got ${change.seconds}); it is the new total`,
    );
  }
  const budget = {
    ...problem.budget,
    ...(change.evaluations !== undefined ? { evaluations: change.evaluations } : {}),
    ...(change.seconds !== undefined ? { seconds: change.seconds } : {}),
  };
  const reason = done.stopReason;
  if (reason && !budgetStopReasons.has(reason)) {
    const text = stopReasons[reason as keyof typeof stopReasons] ?? reason;
    throw new BudgetError(`the run ended with ${reason} (${text}); a larger budget does not change that`);
  }
  if (
    reason === 'budget-evaluations' &&
    !(budget.evaluations !== undefined && budget.evaluations > done.evaluations)
  ) {
    throw new BudgetError(
      `the run used up its evaluation budget (${done.evaluations}); give a larger budget.evaluations (--budget)`,
    );
  }
  if (reason === 'budget-seconds' && !(budget.seconds !== undefined && budget.seconds > doneSeconds)) {
    throw new BudgetError(
      `the run used up its time budget (${doneSeconds.toFixed(1)} s); give a larger budget.seconds (--seconds)`,
    );
  }
  return { ...problem, budget };
}
