/**
 * Landscapes drawn from evaluations show only what the evaluations say (issue 12, §4), and
 * the everyday friction of §5: a complete problem starts at once, the exported command line
 * runs from anywhere, 800×600 stays usable.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixturesDir } from './env';
import { openApp, openProblemByPath, screenshot, screenshotsDir } from './helpers';

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

/** A complete problem file starts from the Describe step, without walking the wizard. */
async function startOpened(page: Page): Promise<void> {
  const ready = page.getByRole('region', { name: 'Ready to run' });
  await expect(ready).toBeVisible();
  await ready.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('finished', { timeout: 45_000 });
}

const scratchDirs: string[] = [];
test.afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

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

  // Fitness from ~4 down to ~1e-8: the chart starts on a log axis by itself.
  const fitness = page.locator('figure[aria-label="Fitness"]');
  await expect(fitness).toHaveAttribute('data-log', 'true');
  await expect(fitness.getByRole('checkbox', { name: 'Log scale' })).toBeChecked();
  // Zoom by keyboard: focus the chart, + zooms in, ← pans, 0 resets.
  await fitness.locator('canvas').focus();
  await page.keyboard.press('+');
  await expect(fitness).not.toHaveAttribute('data-zoom', '');
  const zoomed = (await fitness.getAttribute('data-zoom'))!.split(' ').map(Number);
  expect(zoomed[1] - zoomed[0]).toBeLessThan(300);
  await page.keyboard.press('ArrowLeft');
  const panned = (await fitness.getAttribute('data-zoom'))!.split(' ').map(Number);
  expect(panned[0]).toBeLessThan(zoomed[0]);
  await page.keyboard.press('0');
  await expect(fitness).toHaveAttribute('data-zoom', '');

  // The exported command line runs from any folder: executed here from a scratch folder.
  await page.getByLabel('Export format').selectOption('cli');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  await expect(page.getByRole('status').filter({ hasText: /^Downloaded / })).toBeVisible();
  const line = readFileSync(await download.path(), 'utf8').trim();
  const elsewhere = mkdtempSync(join(tmpdir(), 'evobox-e2e-elsewhere-'));
  scratchDirs.push(elsewhere);
  const ran = spawnSync('/bin/sh', ['-c', line], { cwd: elsewhere, encoding: 'utf8', timeout: 20_000 });
  expect(ran.status, ran.stderr).toBe(0);
  const best = Number(await page.getByTestId('best-fitness').textContent());
  expect(Number(ran.stdout.trim())).toBeCloseTo(best, 6);
  // The banner goes when it no longer applies: on the next step.
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Downloaded / })).toHaveCount(0);
  // Focus moved to the new step's heading.
  await expect(page.getByRole('heading', { name: 'Run history' })).toBeFocused();
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

test('a complete problem file starts right away; names, placeholders, many parameters', async ({ page }) => {
  await openApp(page);
  await openProblemByPath(page, join(fixturesDir, 'landscape-bowl', 'problem.json'));
  // Start is offered at once, with the strategy the file names.
  const ready = page.getByRole('region', { name: 'Ready to run' });
  await expect(ready).toContainText('CMA-ES');
  await expect(ready).toContainText('300 evaluations');
  await expect(ready.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
  await expect(page.getByRole('heading', { name: 'Describe the problem' })).toBeFocused();

  // Renaming a parameter renames its placeholder in the arguments.
  const name = page.getByLabel('Name (row 1)');
  await name.fill('alpha');
  await name.press('Tab');
  await expect(page.getByLabel('Arguments (one per line)')).toHaveValue('bowl.py\n{alpha}\n{b}');
  await expect(page.getByText('Renamed {a} to {alpha} in args[1].')).toBeVisible();

  // Many parameters at once: add N, or paste a table.
  await page.getByLabel('Number of parameters to add').fill('3');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByLabel('Name (row 5)')).toHaveValue('x5');
  await page.getByRole('button', { name: 'Paste a table…' }).click();
  await page.getByLabel(/Parameters, one per line/).fill('gain\t0\t5\t1\nrate\t1e-4\t1\t\tlog\nbad\tzero\t1');
  await page.getByRole('button', { name: 'Add these parameters' }).click();
  await expect(page.getByText('line 3: lower must be a number (got "zero")')).toBeVisible();
  await expect(page.getByLabel('Name (row 7)')).toHaveValue('rate');
  await expect(page.getByLabel('Log scale (row 7)')).toBeChecked();

  // Each strategy's accessible name is its title: "xnes" names xNES only.
  await page.getByRole('button', { name: '3 · Strategy' }).click();
  await expect(page.getByRole('heading', { name: 'Strategy', exact: true })).toBeFocused();
  await expect(page.getByRole('radio', { name: 'xnes' })).toHaveCount(1);
  await expect(page.getByRole('radio', { name: 'SNES (separable natural ES)' })).toHaveCount(1);
  await expect(page.getByRole('radio', { name: 'CMA-ES', exact: true })).toBeChecked();
});

test('a built-in’s dimension is a field', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Open example learned-sigma-2d/rosenbrock' }).click();
  const dimension = page.getByLabel('Dimension');
  await expect(dimension).toHaveValue('2');
  await dimension.fill('5');
  await dimension.press('Tab');
  await expect(page.getByLabel('Name (row 5)')).toBeVisible();
  await expect(page.getByLabel('Name (row 6)')).toHaveCount(0);
});

test('800×600: the nav on one line, Start in sight below 13 strategies', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await openApp(page);
  const tabs = page.getByRole('navigation', { name: 'Views' }).getByRole('button');
  await expect(tabs).toHaveCount(5);
  const tops = await tabs.evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect()));
  expect(new Set(tops.map((r) => Math.round(r.top))).size).toBe(1);
  expect(Math.max(...tops.map((r) => r.height))).toBeLessThan(40);
  await openProblemByPath(page, join(fixturesDir, 'landscape-bowl', 'problem.json'));
  await expect(
    page.getByRole('region', { name: 'Ready to run' }).getByRole('button', { name: 'Start' }),
  ).toBeInViewport();
  await page.getByRole('button', { name: '3 · Strategy' }).click();
  await expect(page.getByRole('radio')).toHaveCount(13);
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeInViewport();
  await page.screenshot({ path: join(screenshotsDir, 'landscape-800x600-strategy.png') });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('finished', { timeout: 45_000 });
  await expect(page.getByRole('button', { name: 'Pause' })).toBeInViewport();
  await page.screenshot({ path: join(screenshotsDir, 'landscape-800x600-run.png') });
});
