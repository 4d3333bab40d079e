/**
 * Comparing runs in History: which runs are of the same problem (only those compare without
 * a warning), and how their curves go onto one log axis when some fitness is ≤ 0.
 */
import type { ProblemDraft, RunDetail } from '../../../electron/ipc-contract';
import { formatNumber } from './format';

/** JSON with sorted keys, so two equal objects give one string. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What makes two runs "the same problem": the objective (program, arguments, protocol,
 * built-in, direction…) and the parameters (names, bounds, scales, types, fixed values).
 * The strategy, budget, seed and workers may differ: that is what one compares. The name
 * and description may differ too (a copy saved under another name is the same problem).
 */
export function problemKey(detail: Pick<RunDetail, 'problem' | 'summary'>): string {
  const problem: ProblemDraft | null = detail.problem;
  if (!problem) return `name:${detail.summary.name}`;
  const { description: _description, ...objective } = problem.objective as Record<string, unknown>;
  return stable({ objective, parameters: problem.parameters ?? [] });
}

/** A warning when the compared runs are not all of one problem, naming the groups. */
export function comparisonWarning(details: readonly Pick<RunDetail, 'problem' | 'summary'>[]): string | null {
  const groups = new Map<string, string[]>();
  for (const detail of details) {
    const key = problemKey(detail);
    const folder = detail.summary.runDir.split('/').pop() ?? detail.summary.runDir;
    groups.set(key, [...(groups.get(key) ?? []), folder]);
  }
  if (groups.size <= 1) return null;
  const list = [...groups.values()].map((runs) => runs.join(', ')).join(' | ');
  return `These runs are of ${groups.size} different problems (${list}): their fitness values need not be comparable.`;
}

export interface LogOffset {
  /** Subtracted from every value: the lowest value over the compared runs. */
  offset: number;
  /** Where a value equal to the offset (0 after the shift) is drawn on the log axis. */
  floor: number;
}

/**
 * For a log axis over several runs: null when every value is positive (plotted as they are,
 * 8e-11 stays 8e-11); otherwise f − f_min with f_min the lowest value of all the compared
 * runs, the same offset for every run so they stay comparable, and the runs reaching f_min
 * drawn a decade below the smallest positive difference.
 */
export function comparisonOffset(columns: readonly ArrayLike<number | null>[]): LogOffset | null {
  let min = Infinity;
  for (const column of columns) {
    for (let k = 0; k < column.length; k++) {
      const v = column[k];
      if (v !== null && Number.isFinite(v) && v < min) min = v;
    }
  }
  if (!Number.isFinite(min) || min > 0) return null;
  let smallest = Infinity;
  for (const column of columns) {
    for (let k = 0; k < column.length; k++) {
      const v = column[k];
      if (v === null || !Number.isFinite(v)) continue;
      const d = v - min;
      if (d > 0 && d < smallest) smallest = d;
    }
  }
  return { offset: min, floor: Number.isFinite(smallest) ? smallest / 10 : 1 };
}

/** A column shifted by an offset, values at the offset drawn at the floor. */
export function shiftColumn(column: ArrayLike<number | null>, shift: LogOffset): (number | null)[] {
  return Array.from(column, (v) => {
    if (v === null || !Number.isFinite(v)) return null;
    const d = v - shift.offset;
    return d > 0 ? d : shift.floor;
  });
}

/** The y axis title for shifted curves. */
export function offsetLabel(quantity: string, shift: LogOffset): string {
  return `${quantity} − f_min  (f_min = ${formatNumber(shift.offset, 6)}, the lowest of the compared runs, drawn at ${formatNumber(shift.floor, 2)})`;
}
