import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  formatLogTick,
  formatTicks,
  logTickShown,
  niceStep,
  niceTicks,
  spansDecades,
} from '../../renderer/src/lib/ticks';

describe('niceTicks', () => {
  it('puts ticks on 1-2-5 multiples inside the range', () => {
    expect(niceTicks({ min: 0, max: 1 })).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(niceTicks({ min: -1.07, max: 1.07 })).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceStep(100_000, 5)).toBe(20_000);
    expect(niceTicks({ min: 1.9876, max: 2.0123 }).length).toBeGreaterThanOrEqual(3);
  });

  it('has no −0 and copes with an empty range', () => {
    expect(niceTicks({ min: -0.3, max: 0.3 }).map((v) => Object.is(v, -0))).not.toContain(true);
    expect(niceTicks({ min: 2, max: 2 })).toEqual([2]);
  });
});

describe('formatTicks', () => {
  it('gives neighbours different labels with as few digits as the step needs', () => {
    const ticks = niceTicks({ min: 1.9876, max: 2.0123 });
    const labels = formatTicks(ticks);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toContain('2.000');
    expect(formatTicks([0, 0.2, 0.4, 0.6000000000000001])).toEqual(['0', '0.2', '0.4', '0.6']);
    expect(formatTicks([0, 25_000, 50_000, 75_000, 100_000])).toEqual([
      '0',
      '25000',
      '50000',
      '75000',
      '100000',
    ]);
  });

  it('tells evenly spaced, non-nice ticks apart', () => {
    expect(formatTicks([1.99, 1.995, 2, 2.005, 2.01])).toEqual(['1.990', '1.995', '2.000', '2.005', '2.010']);
    const odd = formatTicks([0.1234, 0.2345, 0.3456]);
    expect(new Set(odd).size).toBe(3);
  });

  it('switches to exponents for very large and very small magnitudes', () => {
    expect(formatTicks([0, 2e6, 4e6])).toEqual(['0', '2e6', '4e6']);
    expect(formatTicks([1e-4, 2e-4, 3e-4])).toEqual(['1e-4', '2e-4', '3e-4']);
    expect(formatTicks([1.5e7, 2e7])).toEqual(['1.5e7', '2.0e7']);
  });
});

describe('log ticks', () => {
  it('labels powers of ten compactly', () => {
    expect(formatLogTick(100_000)).toBe('1e5');
    expect(formatLogTick(1000)).toBe('1000');
    expect(formatLogTick(0.01)).toBe('0.01');
    expect(formatLogTick(1e-8)).toBe('1e-8');
    expect(formatLogTick(2e-8)).toBe('2e-8');
    expect(formatLogTick(0)).toBe('');
  });

  it('shows 2 and 5 only over few decades', () => {
    expect(logTickShown(10, 8)).toBe(true);
    expect(logTickShown(20, 8)).toBe(false);
    expect(logTickShown(20, 1.5)).toBe(true);
    expect(logTickShown(30, 1.5)).toBe(false);
  });

  it('chooses a log axis when positive values span more than three decades', () => {
    expect(spansDecades([[4.5, 1.4e-8]])).toBe(true);
    expect(spansDecades([[4.5, 0.01]])).toBe(false);
    expect(spansDecades([[4.5, null, 1e-9, -1]])).toBe(false);
    expect(spansDecades([[], [null]])).toBe(false);
  });
});

describe('axisTicks', () => {
  it('labels a linear parameter at nice user values', () => {
    // Internal [0, 1] ↦ user [−5, 5].
    const ticks = axisTicks((x) => -5 + 10 * x, { min: 0, max: 1 });
    expect(ticks.map((t) => t.label)).toEqual(['-4', '-2', '0', '2', '4']);
    const zero = ticks.find((t) => t.label === '0')!;
    expect(zero.at).toBeCloseTo(0.5, 12);
  });

  it('labels a log parameter at powers of ten', () => {
    // Internal [0, 1] ↦ user [1e-3, 1e3].
    const ticks = axisTicks((x) => 10 ** (-3 + 6 * x), { min: 0, max: 1 });
    expect(ticks.map((t) => t.label)).toEqual(['1e-3', '0.01', '0.1', '1', '10', '100', '1000']);
    expect(ticks[3].at).toBeCloseTo(0.5, 12);
  });

  it('labels a folded map at evenly spaced positions, neighbours distinct', () => {
    const fold = (x: number) => 1 - Math.abs(1 - x); // reflection at 1
    const ticks = axisTicks(fold, { min: 0.5, max: 1.5 });
    expect(ticks).toHaveLength(5);
    expect(ticks.map((t) => t.label)).toEqual(['0.50', '0.75', '1.00', '0.75', '0.50']);
  });
});
