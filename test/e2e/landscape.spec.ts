/**
 * Landscapes drawn from evaluations show only what the evaluations say (issue 12, §4), and
 * the everyday friction of §5: a complete problem starts at once, the exported command line
 * runs from anywhere, 800×600 stays usable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixturesDir } from './env';
import { openApp, openProblemByPath, screenshot } from './helpers';

test.describe.configure({ mode: 'serial' });

interface HeatGrid {
  nx: number;
  ny: number;
  x: number[];
  y: number[];
  cells: string;
  best: [number, number] | null;
}

interface JournalLine {
  params: Record<string, number>;
  fitness: number | null;
}

async function startOpened(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).first().click();
  await expect(page.locator('.status')).toHaveText('finished', { timeout: 45_000 });
}

function journal(runDir: string): JournalLine[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as JournalLine);
}

test('2-D program: the landscape estimated from the evaluations invents nothing', async ({ page }) => {
  await openApp(page);
  await openProblemByPath(page, join(fixturesDir, 'landscape-bowl', 'problem.json'));
  await startOpened(page);
  const view = page.locator('figure[aria-label="Sampling ellipses"]');
  await expect(view).toHaveAttribute('data-heat', 'samples');
  await expect.poll(async () => (await view.getAttribute('data-heat-grid')) ?? '').not.toBe('');
  const runDir = (await page.getByTestId('run-dir').textContent())!.trim();
  const evaluations = journal(runDir);
  expect(evaluations.length).toBe(300);
  const grid = JSON.parse((await view.getAttribute('data-heat-grid'))!) as HeatGrid;
  const rows = grid.cells.split('/');
  expect(rows.length).toBe(grid.ny);

  // The best cell lies near the true minimum (0.2, −0.1).
  expect(grid.best).not.toBeNull();
  expect(Math.abs(grid.best![0] - 0.2)).toBeLessThan(0.15);
  expect(Math.abs(grid.best![1] + 0.1)).toBeLessThan(0.1);

  // Every cell is blank, failed or a value according to the evaluations near it: a value
  // only with a success in reach, failed only with a failure in reach, blank when nothing is.
  const cell = (grid.x[1] - grid.x[0]) * 1; // cell width, user units (a and b share [−1, 1])
  const reach = 3 * 0.06 * grid.nx * cell + Math.SQRT2 * cell;
  let blank = 0;
  let failed = 0;
  let valued = 0;
  rows.forEach((line, top) => {
    const y = grid.y[grid.ny - 1 - top];
    [...line].forEach((state, col) => {
      const x = grid.x[col];
      const near = (ok: boolean) =>
        evaluations.some(
          (e) => (e.fitness !== null) === ok && Math.hypot(e.params.a - x, e.params.b - y) <= reach,
        );
      if (state === '.') blank++;
      else if (state === '#') {
        failed++;
        expect(near(false), `failed cell at (${x}, ${y}) has a failure near`).toBe(true);
      } else {
        valued++;
        expect(near(true), `cell at (${x}, ${y}) has a success near`).toBe(true);
        // The program fails for a > 0.6: nothing there may look good.
        if (x > 0.6 + reach) throw new Error(`value drawn at a = ${x}, where every evaluation fails`);
      }
      if (!near(true) && !near(false))
        expect(state, `cell at (${x}, ${y}) is far from any evaluation`).toBe('.');
    });
  });
  expect(blank).toBeGreaterThan(0);
  expect(valued).toBeGreaterThan(50);
  expect(failed).toBeGreaterThan(0);
  await expect(view.getByText(/estimated from the 300 evaluations/)).toBeVisible();
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'landscape-2d-program');
});

test('1-D program: where every evaluation failed the curve stops and the region is hatched', async ({
  page,
}) => {
  await openApp(page);
  await openProblemByPath(page, join(fixturesDir, 'landscape-cliff', 'problem.json'));
  await startOpened(page);
  const view = page.locator('figure[aria-label="Smoothed objective"]');
  await expect.poll(async () => (await view.getAttribute('data-f-cells')) ?? '').not.toBe('');
  const [known, , failedCells] = ((await view.getAttribute('data-f-cells')) ?? '').split(' ').map(Number);
  expect(known).toBeGreaterThan(10);
  expect(failedCells).toBeGreaterThan(0);
  const best = Number(await view.getAttribute('data-f-best'));
  // The best drawn value is at the edge of the working region (x ≤ 0.3), not inside the failures.
  expect(best).toBeLessThanOrEqual(0.35);
  expect(best).toBeGreaterThan(0);
  const [, , gFailed] = ((await view.getAttribute('data-g-cells')) ?? '').split(' ').map(Number);
  expect(gFailed).toBeGreaterThan(0);
  await expect(view).toHaveAttribute('data-axes', 'f: x → f (estimated); g: μ (x) → σ (internal units)');
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'landscape-1d-program');
});
