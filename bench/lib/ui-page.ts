/**
 * Driving the workbench page for bench/ui-under-load.ts: bounded waits, the page-side probes
 * (frame rate, Pause click latency) and opening every view of the Run view.
 *
 * Page-side code is passed as text: tsx compiles the bench with esbuild's keepNames, whose
 * `__name(…)` helper would not exist inside the page.
 */
import type { Page } from '@playwright/test';
import { sleep } from './format';

export interface FrameStats {
  fps: number;
  longestFrameMs: number;
  framesOver50Ms: number;
}

export interface ClickTiming {
  inputDelayMs: number;
  /** null until the frame after the click has been produced. */
  toNextFrameMs: number | null;
  toPausedMs: number | null;
  /** The view tabs selected when the click happened (empty when the Run view has no tabs). */
  tabs: string[];
}

/** Settles with the promise, or throws after `ms` (a frozen page must not hang the bench). */
export async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: no answer within ${(ms / 1000).toFixed(0)} s`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs a UI step within `ms`, naming the step in the error. */
export async function step(what: string, action: () => Promise<unknown>, ms = 30_000): Promise<void> {
  try {
    await within(what, ms, action());
  } catch (error) {
    throw new Error(`UI step "${what}" failed: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
}

/**
 * A capture listener on Pause clicks (timestamps relative to the click event) and a status
 * watcher; `window.__benchTabs` (set by openEveryView) names the tabs shown at the click.
 */
const installProbesScript = `(() => {
  const probe = { clicks: [] };
  window.__benchProbe = probe;
  document.addEventListener('click', (event) => {
    const button = event.target && event.target.closest ? event.target.closest('button') : null;
    if (!button || button.textContent.trim() !== 'Pause') return;
    const entry = { inputDelayMs: performance.now() - event.timeStamp, toNextFrameMs: null, toPausedMs: null,
      tabs: (window.__benchTabs || []).slice() };
    probe.clicks.push(entry);
    // rAF runs just before the next paint; the task after it runs once that frame is out.
    requestAnimationFrame(() => setTimeout(() => { entry.toNextFrameMs = performance.now() - event.timeStamp; }, 0));
    const watch = () => {
      const status = document.querySelector('.status');
      if (status && status.textContent.trim() === 'paused') entry.toPausedMs = performance.now() - event.timeStamp;
      else if (performance.now() - event.timeStamp < 10000) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  }, true);
})()`;

export async function installProbes(page: Page): Promise<void> {
  await page.evaluate(installProbesScript);
}

export async function readProbe(page: Page): Promise<ClickTiming[]> {
  return (await page.evaluate('window.__benchProbe ? window.__benchProbe.clicks : []')) as ClickTiming[];
}

/** requestAnimationFrame callbacks over `ms`: rate, longest gap, gaps over 50 ms. */
export function measureFrames(page: Page, ms: number): Promise<FrameStats> {
  return page.evaluate(`new Promise((resolve) => {
    const duration = ${Number(ms)};
    const start = performance.now();
    let last = start, frames = 0, longest = 0, over50 = 0;
    const tick = (now) => {
      const gap = now - last;
      if (frames > 0) { longest = Math.max(longest, gap); if (gap > 50) over50++; }
      last = now;
      frames++;
      if (now - start < duration) requestAnimationFrame(tick);
      else resolve({ fps: ((frames - 1) * 1000) / (now - start), longestFrameMs: longest, framesOver50Ms: over50 });
    };
    requestAnimationFrame(tick);
  })`) as Promise<FrameStats>;
}

/** What openEveryView found in the Run view. */
export interface OpenedViews {
  /** Each tab list's tab names (the Run view's view switchers). */
  tabLists: string[][];
  /** The tab selected in each list now. */
  selected: string[];
  /** Headings of the panels on the page (h2/h3), in page order. */
  panels: string[];
  /** Charts drawn on canvases (with their accessible names where they have one). */
  canvases: number;
  /** Collapsed sections opened. */
  detailsOpened: number;
  /** The page's full height (CSS px), to size the viewport so every panel is on screen. */
  height: number;
}

/**
 * Opens every view the page offers, found generically rather than by name (so views added
 * later are opened too): every `<details>` is expanded, and in every ARIA tab list the tab
 * `variant % tabs` is selected (one scenario step per variant covers every tab). Returns
 * what is shown; the caller makes the viewport as tall as the page, because views off screen
 * do not redraw (they are paused by an IntersectionObserver).
 */
export async function openEveryView(page: Page, variant: number): Promise<OpenedViews> {
  return (await page.evaluate(`(() => {
    const root = document.querySelector('main') || document.body;
    let detailsOpened = 0;
    for (const d of root.querySelectorAll('details')) if (!d.open) { d.open = true; detailsOpened++; }
    const tabLists = [], selected = [];
    for (const list of root.querySelectorAll('[role=tablist]')) {
      const tabs = [...list.querySelectorAll('[role=tab]')];
      if (tabs.length === 0) continue;
      tabLists.push(tabs.map((t) => t.textContent.trim()));
      const tab = tabs[${Number(variant)} % tabs.length];
      if (tab.getAttribute('aria-selected') !== 'true') tab.click();
      selected.push(tab.textContent.trim());
    }
    window.__benchTabs = selected;
    const panels = [...root.querySelectorAll('h2, h3')].map((h) => h.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)).filter(Boolean);
    return { tabLists, selected, panels, canvases: root.querySelectorAll('canvas').length, detailsOpened,
      height: Math.ceil(document.documentElement.scrollHeight) };
  })()`)) as OpenedViews;
}

/** The number the page's evaluations counter shows. */
export async function evaluationsShown(page: Page): Promise<number> {
  const text = (await page.getByTestId('evaluations').textContent()) ?? '';
  return Number(text.replace(/[,\s]/g, ' ').split(' ')[0]);
}

export async function statusShown(page: Page): Promise<string> {
  return ((await page.locator('.status').first().textContent()) ?? '').trim();
}

/** Evaluations per second as the page shows them, over `ms`. */
export async function streamRate(page: Page, ms: number): Promise<number> {
  const before = await evaluationsShown(page);
  const started = Date.now();
  await sleep(ms);
  const after = await evaluationsShown(page);
  return ((after - before) * 1000) / (Date.now() - started);
}
