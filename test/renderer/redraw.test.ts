import { describe, expect, it } from 'vitest';
import { createRedrawScheduler, type FrameClock } from '../../renderer/src/lib/redraw';

/** A hand-driven clock: frames and timers run when the test says so. */
function manualClock() {
  let time = 0;
  let frames = new Map<number, () => void>();
  let nextHandle = 1;
  let timers: { at: number; callback: () => void }[] = [];
  const clock: FrameClock = {
    now: () => time,
    requestFrame: (callback) => {
      frames.set(nextHandle, callback);
      return nextHandle++;
    },
    cancelFrame: (handle) => void frames.delete(handle),
    setTimer: (callback, ms) => {
      timers.push({ at: time + ms, callback });
      return timers.length as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimer: () => (timers = []),
  };
  return {
    clock,
    advance(ms: number) {
      time += ms;
      const due = timers.filter((t) => t.at <= time);
      timers = timers.filter((t) => t.at > time);
      for (const t of due) t.callback();
    },
    /** Runs the callbacks of one animation frame, `cost` ms after the previous one. */
    frame(cost = 0) {
      time += cost;
      const pending = frames;
      frames = new Map();
      for (const callback of pending.values()) callback();
    },
  };
}

describe('redraw scheduling', () => {
  it('draws once per frame however often it is asked', () => {
    const { clock, frame } = manualClock();
    let draws = 0;
    const scheduler = createRedrawScheduler(() => draws++, { clock });
    scheduler.schedule();
    scheduler.schedule();
    scheduler.schedule();
    frame();
    expect(draws).toBe(1);
  });

  it('spaces data-driven redraws by the interval, but not urgent ones', () => {
    const { clock, frame, advance } = manualClock();
    let draws = 0;
    const scheduler = createRedrawScheduler(() => draws++, { clock, minIntervalMs: 250 });
    scheduler.schedule();
    frame();
    frame(); // the measuring frame: a cheap draw keeps the minimum interval
    expect(scheduler.intervalMs).toBe(250);
    scheduler.schedule(); // too soon: waits for the interval
    frame();
    expect(draws).toBe(1);
    advance(249);
    frame();
    expect(draws).toBe(1);
    advance(1);
    frame();
    expect(draws).toBe(2);
    scheduler.schedule(true); // the user zoomed: at the next frame
    frame();
    expect(draws).toBe(3);
  });

  it('backs off when a draw is expensive, within bounds', () => {
    const { clock, frame } = manualClock();
    const scheduler = createRedrawScheduler(() => undefined, {
      clock,
      minIntervalMs: 100,
      maxIntervalMs: 1000,
      costFactor: 8,
    });
    scheduler.schedule(true);
    frame();
    frame(60); // the draw and its paint took 60 ms
    expect(scheduler.intervalMs).toBe(480);
    scheduler.schedule(true);
    frame();
    frame(500);
    expect(scheduler.intervalMs).toBe(1000);
  });

  it('skips views out of sight and draws them when they come back', () => {
    const { clock, frame } = manualClock();
    let draws = 0;
    const scheduler = createRedrawScheduler(() => draws++, { clock });
    scheduler.setVisible(false);
    scheduler.schedule();
    frame();
    expect(draws).toBe(0);
    scheduler.setVisible(true);
    frame();
    expect(draws).toBe(1);
    scheduler.setVisible(true);
    frame();
    expect(draws).toBe(1);
  });

  it('draws an out-of-sight view once the data have stopped (the run ended), not before', () => {
    const { clock, frame, advance } = manualClock();
    let draws = 0;
    const scheduler = createRedrawScheduler(() => draws++, { clock, settleMs: 1000 });
    scheduler.setVisible(false);
    for (let k = 0; k < 10; k++) {
      scheduler.schedule(); // a batch every 300 ms
      advance(300);
      frame();
    }
    expect(draws).toBe(0);
    advance(700);
    frame();
    expect(draws).toBe(1);
    advance(5000);
    frame();
    expect(draws).toBe(1);
  });

  it('cancels what is pending', () => {
    const { clock, frame, advance } = manualClock();
    let draws = 0;
    const scheduler = createRedrawScheduler(() => draws++, { clock });
    scheduler.schedule();
    scheduler.cancel();
    frame();
    advance(1000);
    frame();
    expect(draws).toBe(0);
  });
});
