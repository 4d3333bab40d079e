import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../electron/ipc-contract';
import {
  comparisonOffset,
  comparisonWarning,
  offsetLabel,
  problemKey,
  shiftColumn,
} from '../../renderer/src/lib/compare-runs';

function run(folder: string, name: string, args: string[], extra: Record<string, unknown> = {}) {
  return {
    summary: {
      runDir: `/runs/${folder}`,
      name,
      createdAt: '',
      status: 'finished',
      evaluations: 0,
      bestFitness: null,
    },
    problem: {
      name,
      objective: { command: 'sim', args, protocol: 'args' },
      parameters: [{ name: 'a', lower: 0, upper: 1 }],
      ...extra,
    },
  } as unknown as Pick<RunDetail, 'problem' | 'summary'>;
}

describe('comparing runs', () => {
  it('treats runs differing only in strategy, seed or name as one problem', () => {
    const a = run('r1', 'bowl', ['{a}'], { strategy: { name: 'cma-es' }, seed: 1 });
    const b = run('r2', 'bowl-copy', ['{a}'], { strategy: { name: 'xnes' }, seed: 2 });
    expect(problemKey(a)).toBe(problemKey(b));
    expect(comparisonWarning([a, b])).toBeNull();
  });

  it('warns when the objective or the parameters differ, naming the runs', () => {
    const a = run('r1', 'bowl', ['{a}']);
    const b = run('r2', 'bowl', ['--fast', '{a}']);
    const c = run('r3', 'other', ['{a}']);
    const warning = comparisonWarning([a, b, c]);
    expect(warning).toContain('2 different problems');
    expect(warning).toContain('r1, r3 | r2');
  });

  it('keeps positive runs as they are on a log axis', () => {
    expect(comparisonOffset([[1, 1e-3, 8e-11]])).toBeNull();
  });

  it('shifts every run by the lowest value of all when one has fitness ≤ 0', () => {
    const positive = [1, 1e-3, 8e-11];
    const negative = [0.5, -0.5, -1];
    const shift = comparisonOffset([positive, negative])!;
    expect(shift.offset).toBe(-1);
    const shiftedPositive = shiftColumn(positive, shift);
    const shiftedNegative = shiftColumn(negative, shift);
    // f − f_min: 8e-11 is 1 + 8e-11 above the other run's −1, nothing is invented.
    expect(shiftedPositive[2]).toBeCloseTo(1 + 8e-11, 12);
    expect(shiftedNegative).toEqual([1.5, 0.5, shift.floor]);
    // The run reaching f_min is drawn below every positive difference, on the axis.
    expect(shift.floor).toBeCloseTo(0.05, 12);
    expect(offsetLabel('best so far', shift)).toContain('f_min = -1');
  });
});
