import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, progress } from '../../renderer/src/lib/format';

describe('formatting', () => {
  it('formats numbers compactly', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1.23456789)).toBe('1.2346');
    expect(formatNumber(1.5e-7)).toBe('1.5000e-7');
    expect(formatNumber(-Infinity)).toBe('−∞');
  });

  it('formats durations', () => {
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatDuration(3_723_000)).toBe('1 h 02 min');
    expect(formatDuration(-1)).toBe('—');
  });

  it('estimates progress and ETA from the budget that ends the run first', () => {
    const byEvaluations = progress({ evaluations: 250, elapsedMs: 5000, budgetEvaluations: 1000 });
    expect(byEvaluations.fraction).toBe(0.25);
    expect(byEvaluations.evaluationsPerSecond).toBe(50);
    expect(byEvaluations.etaMs).toBe(15_000);
    const bySeconds = progress({
      evaluations: 250,
      elapsedMs: 5000,
      budgetEvaluations: 100_000,
      budgetSeconds: 10,
    });
    expect(bySeconds.fraction).toBe(0.5);
    expect(bySeconds.etaMs).toBe(5000);
    expect(progress({ evaluations: 10, elapsedMs: 100 }).fraction).toBeNull();
  });
});
