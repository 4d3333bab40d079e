/**
 * Statistics and verdicts of the strategy comparison: success rate, median evaluations to
 * the target over the successful runs, expected running time (ERT = evaluations of all runs,
 * successful ones counted up to their success, divided by the number of successes — the
 * BBOB measure, which folds success rate and speed into one number), and the median best f.
 */
import type { RunOutcome } from './strategies-runs';

export interface CaseStatistics {
  strategy: string;
  caseKey: string;
  runs: number;
  successes: number;
  /** Median evaluations to the target over the successful runs (NaN when none). */
  medianEvaluations: number;
  /** Infinite when no run succeeded. */
  ert: number;
  medianBest: number;
  /** Run time of all runs, seconds (one thread each). */
  seconds: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

export function caseStatistics(outcomes: readonly RunOutcome[]): CaseStatistics {
  if (outcomes.length === 0) throw new Error('caseStatistics needs at least one run');
  const successful = outcomes.filter((o) => o.evaluations !== null);
  const total = outcomes.reduce((sum, o) => sum + (o.evaluations ?? o.used), 0);
  return {
    strategy: outcomes[0].strategy,
    caseKey: outcomes[0].caseKey,
    runs: outcomes.length,
    successes: successful.length,
    medianEvaluations: median(successful.map((o) => o.evaluations!)),
    ert: successful.length ? total / successful.length : Number.POSITIVE_INFINITY,
    medianBest: median(outcomes.map((o) => o.best)),
    seconds: outcomes.reduce((sum, o) => sum + o.milliseconds, 0) / 1000,
  };
}

/** Statistics per (strategy, case), keyed by `statisticsKey`. */
export function summarize(outcomes: readonly RunOutcome[]): Map<string, CaseStatistics> {
  const groups = new Map<string, RunOutcome[]>();
  for (const outcome of outcomes) {
    const key = statisticsKey(outcome.strategy, outcome.caseKey);
    const group = groups.get(key);
    if (group) group.push(outcome);
    else groups.set(key, [outcome]);
  }
  return new Map([...groups].map(([key, group]) => [key, caseStatistics(group)]));
}

export function statisticsKey(strategy: string, caseKey: string): string {
  return `${strategy}|${caseKey}`;
}

export type Verdict = 'beats' | 'par' | 'loses';

export interface Comparison {
  verdict: Verdict;
  /** The numbers behind the verdict, e.g. "ERT 7,080 vs 27,400 (0.26×)". */
  detail: string;
}

/**
 * ERTs within this factor of each other are "par": with 10 seeds an ERT is uncertain by
 * some tens of per cent.
 */
export const ertMargin = 1.25;
/** Median best f within this factor are "par" when neither strategy solved the case. */
export const bestMargin = 2;

/**
 * How `candidate` compares with `reference` on one case: by ERT when both solved it at least
 * once (and the one with the lower ERT solved it at least as often), by solving it at all when
 * only one did, by the median best f when neither did.
 */
export function compare(candidate: CaseStatistics, reference: CaseStatistics): Comparison {
  const solved = (s: CaseStatistics) => `${s.successes}/${s.runs}`;
  if (candidate.successes > 0 && reference.successes > 0) {
    const ratio = candidate.ert / reference.ert;
    const rates =
      candidate.successes < candidate.runs || reference.successes < reference.runs
        ? `, solved ${solved(candidate)} vs ${solved(reference)}`
        : '';
    // ERT charges a failed run only the evaluations it used, so a strategy whose failures stop
    // early can have the lower ERT while solving the case less often; such mixed results are par.
    const verdict: Verdict =
      ratio < 1 / ertMargin && candidate.successes >= reference.successes
        ? 'beats'
        : ratio > ertMargin && candidate.successes <= reference.successes
          ? 'loses'
          : 'par';
    return {
      verdict,
      detail: `ERT ${formatCount(candidate.ert)} vs ${formatCount(reference.ert)} (${formatRatio(ratio)}${rates})`,
    };
  }
  if (candidate.successes > 0 || reference.successes > 0) {
    return {
      verdict: candidate.successes > 0 ? 'beats' : 'loses',
      detail: `solved ${solved(candidate)} vs ${solved(reference)}; median best f ${formatFitness(candidate.medianBest)} vs ${formatFitness(reference.medianBest)}`,
    };
  }
  const ratio = candidate.medianBest / reference.medianBest;
  const verdict: Verdict =
    ratio < 1 / bestMargin
      ? 'beats'
      : ratio > bestMargin || !Number.isFinite(candidate.medianBest)
        ? 'loses'
        : 'par';
  return {
    verdict,
    detail: `neither solved it; median best f ${formatFitness(candidate.medianBest)} vs ${formatFitness(reference.medianBest)}`,
  };
}

/** Counts with thousands separators; "–" for NaN and ∞. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US');
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return ratio >= 10 ? `${ratio.toFixed(0)}×` : `${ratio.toFixed(2)}×`;
}

/** Fitness values: 3 significant digits, exponent form when tiny or large; ∞ for diverged runs. */
export function formatFitness(value: number): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  if (value === 0) return '0';
  return Math.abs(value) < 1e-2 || Math.abs(value) >= 1e4 ? value.toExponential(1) : value.toPrecision(3);
}

/** One table cell: "solved · median evaluations · median best f". */
export function formatCell(s: CaseStatistics): string {
  const evaluations = s.successes > 0 ? formatCount(s.medianEvaluations) : '–';
  return `${s.successes}/${s.runs} · ${evaluations} · ${formatFitness(s.medianBest)}`;
}
