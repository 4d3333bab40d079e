/**
 * Coalesces redraw requests of one canvas view:
 * - at most one draw per animation frame, and views take turns (see `frameQueue`);
 * - while data streams in, at most one draw per interval. The interval adapts to what a
 *   draw costs (script plus the frame it lands in, measured up to the next frame), so a
 *   slow machine redraws less often instead of starving clicks; it never drops below
 *   `minIntervalMs`;
 * - nothing while the view is scrolled out of sight and data keep coming: it is marked
 *   stale and drawn when it comes back, or once the data have stopped for `settleMs` (a run
 *   that ended): an out-of-sight view must not keep its first frame for good, since not every
 *   way of showing it again reports an intersection (a full-page screenshot, printing);
 * - `urgent` requests (the user zoomed, picked another axis) skip the interval.
 */
export interface RedrawScheduler {
  schedule(urgent?: boolean): void;
  /** Tell the scheduler whether the view is on screen (from an IntersectionObserver). */
  setVisible(visible: boolean): void;
  cancel(): void;
  /** Current spacing between data-driven redraws (for tests and diagnostics). */
  readonly intervalMs: number;
}

export interface FrameClock {
  now(): number;
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
  setTimer(callback: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimer(handle: ReturnType<typeof setTimeout>): void;
}

/**
 * One queue of frame callbacks for all views: each animation frame runs callbacks until
 * ~8 ms are spent (the first always runs), so four charts due at once are drawn over four
 * frames instead of in one long frame that would delay a click by their sum.
 */
const frameQueue = new Map<number, () => void>();
let nextHandle = 1;
let pumping = false;

function pump(): void {
  const started = performance.now();
  for (const [handle, callback] of frameQueue) {
    frameQueue.delete(handle);
    callback();
    if (performance.now() - started > 8) break;
  }
  pumping = frameQueue.size > 0;
  if (pumping) requestAnimationFrame(pump);
}

const browserClock: FrameClock = {
  now: () => performance.now(),
  requestFrame: (callback) => {
    const handle = nextHandle++;
    frameQueue.set(handle, callback);
    if (!pumping) {
      pumping = true;
      requestAnimationFrame(pump);
    }
    return handle;
  },
  cancelFrame: (handle) => void frameQueue.delete(handle),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle),
};

export interface RedrawOptions {
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Interval as a multiple of the measured cost of one draw (8: at most ~1/8 of the time drawing). */
  costFactor?: number;
  /** Quiet time after which an out-of-sight stale view is drawn anyway. */
  settleMs?: number;
  clock?: FrameClock;
}

export function createRedrawScheduler(draw: () => void, options: RedrawOptions = {}): RedrawScheduler {
  const clock = options.clock ?? browserClock;
  const minInterval = options.minIntervalMs ?? 250;
  const maxInterval = options.maxIntervalMs ?? 2000;
  const costFactor = options.costFactor ?? 8;
  let frame = 0;
  let measureFrame = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  let interval = minInterval;
  let visible = true;
  let stale = false;
  const settleMs = options.settleMs ?? 1500;
  let settleTimer: ReturnType<typeof setTimeout> | null = null;

  const run = () => {
    frame = 0;
    const started = clock.now();
    last = started;
    draw();
    // The frame after the draw starts once this one is painted: the draw's full cost.
    if (!measureFrame) {
      measureFrame = clock.requestFrame(() => {
        measureFrame = 0;
        const cost = clock.now() - started;
        interval = Math.min(maxInterval, Math.max(minInterval, costFactor * cost));
      });
    }
  };
  const requestFrame = () => {
    timer = null;
    if (!frame) frame = clock.requestFrame(run);
  };

  const scheduler: RedrawScheduler = {
    schedule(urgent = false) {
      if (!visible) {
        stale = true;
        if (settleTimer) clock.clearTimer(settleTimer);
        settleTimer = clock.setTimer(() => {
          settleTimer = null;
          if (stale && !visible && !frame) {
            stale = false;
            requestFrame();
          }
        }, settleMs);
        return;
      }
      if (frame) return;
      if (urgent) {
        if (timer) clock.clearTimer(timer);
        requestFrame();
        return;
      }
      if (timer) return;
      const wait = last + interval - clock.now();
      if (wait <= 0) requestFrame();
      else timer = clock.setTimer(requestFrame, wait);
    },
    setVisible(next) {
      visible = next;
      if (visible && stale) {
        stale = false;
        scheduler.schedule(true);
      }
    },
    cancel() {
      if (frame) clock.cancelFrame(frame);
      if (measureFrame) clock.cancelFrame(measureFrame);
      if (timer) clock.clearTimer(timer);
      if (settleTimer) clock.clearTimer(settleTimer);
      frame = 0;
      measureFrame = 0;
      timer = null;
      settleTimer = null;
    },
    get intervalMs() {
      return interval;
    },
  };
  return scheduler;
}

/** Reports an element's visibility to a scheduler; returns the disconnect function. */
export function observeVisibility(element: Element, scheduler: RedrawScheduler): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) scheduler.setVisible(entry.isIntersecting);
  });
  observer.observe(element);
  return () => observer.disconnect();
}
