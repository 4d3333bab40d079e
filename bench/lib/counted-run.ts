/**
 * The ask/evaluate/tell loop the quality benchmarks share: runs an optimizer to its stop and
 * counts evaluations the way the pycma driver does (every objective call counts).
 */
import type { Candidate, Optimizer } from '../../engine/core/optimizer';

export interface Tally {
  /** Objective calls made. */
  used: number;
  /** 1-based index of the first call below the target, or null. */
  first: number | null;
  /** Lowest value seen (or what `afterTell` sets). */
  best: number;
}

/**
 * `target` null: the values are not tracked (noisy objectives judge the distribution instead,
 * in `afterTell`, which runs after every generation and may update the tally or stop the run).
 */
export function runCounted(
  optimizer: Optimizer,
  evaluate: (candidate: Candidate) => number,
  target: number | null,
  afterTell?: (tally: Tally) => void,
): Tally {
  const tally: Tally = { used: 0, first: null, best: Number.POSITIVE_INFINITY };
  while (!optimizer.stopReason) {
    const candidates = optimizer.ask();
    if (candidates.length === 0) break;
    const outcomes = candidates.map((candidate) => {
      const value = evaluate(candidate);
      tally.used++;
      if (target !== null) {
        if (value < tally.best) tally.best = value;
        if (tally.first === null && value < target) tally.first = tally.used;
      }
      return { fitness: value };
    });
    optimizer.tell(outcomes);
    afterTell?.(tally);
  }
  return tally;
}
