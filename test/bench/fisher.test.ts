import { describe, expect, it } from 'vitest';
import { fisherLowerTail } from '../../bench/lib/fisher';

describe('fisherLowerTail (one-sided Fisher exact test)', () => {
  it('matches hand-computed hypergeometric tails', () => {
    // 1 of 3 vs 3 of 3: P(A ≤ 1 | 4 successes in 6) = (C(3,1)C(3,3)) / C(6,4) = 3/15.
    expect(fisherLowerTail(1, 3, 3, 3)).toBeCloseTo(3 / 15, 12);
    // 0 of 2 vs 2 of 2: 1 / C(4,2).
    expect(fisherLowerTail(0, 2, 2, 2)).toBeCloseTo(1 / 6, 12);
    // A as good as B or better: the tail is at least one half.
    expect(fisherLowerTail(5, 10, 5, 10)).toBeGreaterThan(0.5);
    expect(fisherLowerTail(10, 10, 0, 10)).toBe(1);
  });

  it('separates chance from a real difference at 100 runs a side', () => {
    expect(fisherLowerTail(88, 100, 93, 100)).toBeGreaterThan(0.1);
    expect(fisherLowerTail(70, 100, 93, 100)).toBeLessThan(1e-4);
  });
});
