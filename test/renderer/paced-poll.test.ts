import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedPoll } from '../../renderer/src/lib/paced-poll';

/** A journal that grows; each read takes `readMs` and sees what was written when it began. */
function journal(readMs: number) {
  const state = { written: 0, seen: [] as number[], concurrent: 0, maxConcurrent: 0 };
  const read = async () => {
    state.concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
    const at = state.written;
    await new Promise((resolve) => setTimeout(resolve, readMs));
    state.seen.push(at);
    state.concurrent--;
  };
  return { state, read };
}

describe('PacedPoll', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads once more after a read that began before the run ended', async () => {
    const { state, read } = journal(1000);
    const poll = new PacedPoll(read, 2000, 300, () => Date.now());
    state.written = 1786;
    poll.restart(); // in flight for 1 s, sees 1786
    await vi.advanceTimersByTimeAsync(100);
    state.written = 3000; // the run's last evaluations, then it stops
    poll.soon(false); // fires at 400 ms, while the first read is still in flight
    await vi.advanceTimersByTimeAsync(5000);
    expect(state.seen).toEqual([1786, 3000]);
    expect(state.maxConcurrent).toBe(1);
  });

  it('reads at most once per refresh interval while the run goes', async () => {
    const { state, read } = journal(10);
    const poll = new PacedPoll(read, 1000, 300, () => Date.now());
    for (let t = 0; t < 50; t++) {
      state.written = t;
      poll.soon(true); // the run bumps its version every 100 ms
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(2000);
    // 5 s of bumps: a read at 0 s and then one per second.
    expect(state.seen.length).toBeGreaterThanOrEqual(5);
    expect(state.seen.length).toBeLessThanOrEqual(6);
  });

  it('a new run is read at once even while a read for the old one is in flight', async () => {
    const { state, read } = journal(1000);
    const poll = new PacedPoll(read, 2000, 300, () => Date.now());
    poll.restart();
    await vi.advanceTimersByTimeAsync(10);
    state.written = 7;
    poll.restart();
    expect(state.concurrent).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(state.seen).toEqual([0, 7]);
  });

  it('dispose cancels a pending read', async () => {
    const { state, read } = journal(10);
    const poll = new PacedPoll(read, 2000, 300, () => Date.now());
    poll.soon(false);
    poll.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(state.seen).toEqual([]);
  });
});
