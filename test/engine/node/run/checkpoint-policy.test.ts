import { describe, expect, it } from 'vitest';
import { CheckpointPolicy } from '../../../../engine/node/run/checkpoint-policy';

describe('checkpoint policy', () => {
  it('asks for a checkpoint every interval while checkpoints are cheap', () => {
    const policy = new CheckpointPolicy({ intervalMs: 2000, maxEvaluations: 1e9 }, 0);
    expect(policy.due(1999, 10)).toBe(false);
    expect(policy.due(2000, 10)).toBe(true);
    policy.written(2000, 2010, 10); // 10 ms: 20× is 200 ms, below the interval
    expect(policy.due(3999, 20)).toBe(false);
    expect(policy.due(4010, 20)).toBe(true);
  });

  it('waits 20× the last write time when that is longer than the interval', () => {
    const policy = new CheckpointPolicy({ intervalMs: 2000, maxEvaluations: 1e9 }, -1_000_000); // a long run
    policy.written(2000, 2500, 10); // a 500 ms write: the next one no sooner than 10 s after it
    expect(policy.minimumIntervalMs).toBe(10_000);
    expect(policy.due(2500 + 9_999, 20)).toBe(false);
    expect(policy.due(2500 + 10_000, 20)).toBe(true);
    policy.written(12_500, 12_600, 20); // it got cheaper: back to the 2 s interval
    expect(policy.due(12_600 + 2000, 30)).toBe(true);
    expect(policy.cost).toEqual({ writes: 2, totalMs: 600, lastMs: 100 });
  });

  it('keeps the time spent in checkpoints, the final one included, within 1/20 of the run so far', () => {
    const policy = new CheckpointPolicy({ intervalMs: 2000, maxEvaluations: 1e9 }, 0);
    policy.written(2000, 2500, 10); // the first one, before any cost is known: 500 ms
    // 500 spent + 2 × 500 (this one and the final one) ≤ (t + 500)/20 → t ≥ 29 500 ms.
    expect(policy.due(29_499, 20)).toBe(false);
    expect(policy.due(29_500, 20)).toBe(true);
    policy.written(29_500, 31_500, 20); // dearer than expected (a loaded disk): 2 s
    // 2 500 + 2 × 2 000 ≤ (t + 2 000)/20 → t ≥ 128 000 ms.
    expect(policy.due(127_999, 30)).toBe(false);
    expect(policy.due(128_000, 30)).toBe(true);
  });

  it('asks early after many evaluations, but never sooner than the cost allows', () => {
    const policy = new CheckpointPolicy({ intervalMs: 600_000, maxEvaluations: 1000 }, 0);
    policy.written(1_000_000, 1_000_050, 0); // 50 ms → at least 1 s apart
    expect(policy.due(1_000_060, 999)).toBe(false); // neither the interval nor 1 000 evaluations
    expect(policy.due(1_000_060, 1000)).toBe(false); // 1 000 evaluations, but too soon
    expect(policy.due(1_001_050, 1000)).toBe(true);
  });

  it('keeps the share of time spent writing at ≤ 1/20 for any write cost', () => {
    for (const writeMs of [1, 40, 300, 5000]) {
      const policy = new CheckpointPolicy({ intervalMs: 2000, maxEvaluations: 1e9 }, 0);
      let now = 0;
      for (let step = 0; step < 100_000 && now < 1_000_000; step++) {
        now += 7; // a generation
        if (policy.due(now, step)) {
          policy.written(now, now + writeMs, step);
          now += writeMs;
        }
      }
      expect(policy.cost.writes).toBeGreaterThan(0);
      // With the final checkpoint at the end of the run.
      expect((policy.cost.totalMs + writeMs) / (now + writeMs)).toBeLessThanOrEqual(1 / 20 + 1e-9);
    }
  });
});
