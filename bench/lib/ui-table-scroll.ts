/**
 * The 10⁶-row scenario of bench/ui-under-load.ts: a run folder with a million journal lines
 * (a bounded real run of a cheap built-in, so every file is in the engine's own format), opened
 * from History; we measure the time from the Open click until the evaluations table shows its
 * first rows, then scroll the virtualised table programmatically and count frames.
 */
import type { Page } from '@playwright/test';
import { parseProblem } from '../../engine/node/problem/schema';
import { startRun } from '../../engine/node/run/runner';
import { step, within } from './ui-page';

export const tableRows = 1_000_000;

/** A noisy 4-D sphere, λ = 200 (few generations, so the engine spends its time on evaluations and the journal). */
export async function writeMillionRowRun(runDir: string, rows = tableRows): Promise<number> {
  const started = performance.now();
  const problem = parseProblem(
    {
      name: 'table-1m',
      objective: { builtin: 'sphere', noise: 1e-3 },
      parameters: Array.from({ length: 4 }, (_, i) => ({ name: `x${i}`, lower: -5, upper: 5 })),
      strategy: { name: 'cma-es', options: { populationSize: 200 } },
      budget: { evaluations: rows },
      stop: { tolX: 1e-300, tolFun: 1e-300, stagnationGenerations: 1_000_000_000 },
      restarts: { mode: 'ipop', maxRestarts: 100_000 },
      seed: 1,
      workers: 1,
    },
    runDir,
  );
  const handle = await startRun(problem, { runDir });
  const result = await handle.done;
  if (result.evaluations < rows)
    throw new Error(`the generated run stopped at ${result.evaluations} evaluations (${result.stopReason})`);
  return performance.now() - started;
}

export interface ScrollPhase {
  fps: number;
  longestFrameMs: number;
  /** Share of frames whose visible rows were all filled (not placeholders). */
  filledShare: number;
  /** Rows the table moved over (first visible row, first frame to last). */
  rowsTravelled: number;
}

export interface TableScrollResult {
  generateMs: number;
  /** Open click → first row drawn in the evaluations table. */
  firstPageMs: number | null;
  /** Open click → the table holds every row (the journal read to its end). */
  allRowsMs: number | null;
  rowsMatched: number;
  wheel: ScrollPhase | null;
  drag: ScrollPhase | null;
  problem: string | null;
}

const grid = '[role=grid][aria-label="evaluations table"]';

/**
 * Records performance.now() of the next click on an "Open run …" button, of the first table
 * row drawn after it, and of the moment the table holds all `rows`.
 */
const watchFirstPageScript = (rows: number) => `(() => {
  const watch = { clickedAt: null, firstRowAt: null, allRowsAt: null };
  window.__benchFirstPage = watch;
  document.addEventListener('click', (event) => {
    const button = event.target && event.target.closest ? event.target.closest('button') : null;
    if (!button || !(button.getAttribute('aria-label') || '').startsWith('Open run ')) return;
    watch.clickedAt = event.timeStamp;
    const poll = () => {
      if (watch.firstRowAt === null && document.querySelector('${grid} [data-index]')) watch.firstRowAt = performance.now();
      const table = document.querySelector('${grid}');
      if (table && table.getAttribute('data-matched') === '${rows}') watch.allRowsAt = performance.now();
      else if (performance.now() - event.timeStamp < 170000) requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  }, true);
})()`;

/**
 * One scroll phase, page-side: every frame sets the table's scrollTop to `position(t)` and
 * notes whether the rows drawn in the previous frame were filled.
 */
function scrollPhase(page: Page, ms: number, kind: 'wheel' | 'drag'): Promise<ScrollPhase> {
  return page.evaluate(`new Promise((resolve) => {
    const viewport = document.querySelector('${grid}');
    const duration = ${Number(ms)};
    const max = viewport.scrollHeight - viewport.clientHeight;
    const from = viewport.scrollTop;
    // wheel: 120 px a frame (a quick flick of a mouse wheel); drag: the scroll bar's thumb
    // pulled from top to bottom over the phase.
    const position = (elapsed, frame) => ${kind === 'wheel' ? 'Math.min(max, from + 120 * frame)' : 'max * Math.min(1, elapsed / duration)'};
    const start = performance.now();
    let last = start, frames = 0, longest = 0, filled = 0, firstRow = null, lastRow = null;
    const tick = (now) => {
      if (frames > 0) {
        longest = Math.max(longest, now - last);
        const lines = viewport.querySelectorAll('.line');
        let empty = 0;
        for (const line of lines) if (!line.hasAttribute('data-index')) empty++;
        if (lines.length > 0 && empty === 0) filled++;
        const row = Number(viewport.getAttribute('data-first'));
        if (firstRow === null) firstRow = row;
        lastRow = row;
      }
      last = now;
      frames++;
      if (now - start < duration) {
        viewport.scrollTop = position(now - start, frames);
        requestAnimationFrame(tick);
      } else {
        resolve({ fps: ((frames - 1) * 1000) / (now - start), longestFrameMs: longest,
          filledShare: frames > 1 ? filled / (frames - 1) : 0, rowsTravelled: Math.abs((lastRow ?? 0) - (firstRow ?? 0)) });
      }
    };
    requestAnimationFrame(tick);
  })`) as Promise<ScrollPhase>;
}

/** History → Open the million-row run → time to the first rows → scroll. */
export async function measureTableScroll(
  page: Page,
  quick: boolean,
): Promise<Omit<TableScrollResult, 'generateMs'>> {
  const result: Omit<TableScrollResult, 'generateMs'> = {
    firstPageMs: null,
    allRowsMs: null,
    rowsMatched: 0,
    wheel: null,
    drag: null,
    problem: null,
  };
  try {
    await step('open History', async () => {
      await page.getByRole('button', { name: 'History', exact: true }).click();
      await page.getByRole('button', { name: /^Open run .*table-1m/ }).waitFor();
    });
    await page.evaluate(watchFirstPageScript(tableRows));
    await page.getByRole('button', { name: /^Open run .*table-1m/ }).click();
    await step(
      'the first page of rows',
      () => page.locator(`${grid} [data-index]`).first().waitFor({ state: 'attached', timeout: 170_000 }),
      180_000,
    );
    // Scrolling is measured over all the rows, once the journal is read to its end.
    await step(
      'every row in the table',
      () =>
        page.locator(`${grid}[data-matched="${tableRows}"]`).waitFor({ state: 'attached', timeout: 170_000 }),
      180_000,
    );
    const watch = (await page.evaluate('window.__benchFirstPage')) as {
      clickedAt: number | null;
      firstRowAt: number | null;
      allRowsAt: number | null;
    };
    if (watch.clickedAt !== null && watch.firstRowAt !== null)
      result.firstPageMs = watch.firstRowAt - watch.clickedAt;
    if (watch.clickedAt !== null && watch.allRowsAt !== null)
      result.allRowsMs = watch.allRowsAt - watch.clickedAt;
    await page.locator(grid).scrollIntoViewIfNeeded();
    result.rowsMatched = Number(await page.locator(grid).getAttribute('data-matched'));
    const phaseMs = quick ? 1500 : 3000;
    result.wheel = await within('scrolling (wheel)', phaseMs + 30_000, scrollPhase(page, phaseMs, 'wheel'));
    result.drag = await within('scrolling (drag)', phaseMs + 30_000, scrollPhase(page, phaseMs, 'drag'));
  } catch (error) {
    result.problem = (error as Error).message;
  }
  return result;
}
