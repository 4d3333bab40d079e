/**
 * The views of issue 12 §2–3 in browser mode: the evaluations table (filtered to failures,
 * a row's details and the command line that reproduces it), and the diagnostics panels,
 * each checked by the data it draws.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixturesDir } from './env';
import { openApp, openProblemByPath, screenshot, screenshotsDir } from './helpers';

test.describe.configure({ mode: 'serial' });

const failing = join(fixturesDir, 'views-failing');

async function runToTheEnd(page: Page, problem: string, beforeStart?: () => Promise<void>): Promise<void> {
  await openApp(page);
  await openProblemByPath(page, problem);
  await beforeStart?.();
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
}

test('the evaluations table filtered to failures, and a failed row reproduced from its details', async ({
  page,
}) => {
  await runToTheEnd(page, join(failing, 'problem.json'), async () => {
    // Probe shows what the program said, also when it succeeded.
    await page.getByRole('button', { name: 'Probe', exact: true }).click();
    await expect(page.getByTestId('probe-value')).toBeVisible();
    await expect(page.getByTestId('probe-stdout')).toContainText('evaluating a=0.0 b=0.79999');
    await expect(page.getByTestId('probe-stderr')).toContainText('warming up the solver');
    await expect(page.getByTestId('probe-extras')).toHaveText('penalty=0');
  });
  // The failures are marked on the fitness chart (its last series), one cross each.
  const failedCount = Number(
    (await page.getByRole('button', { name: /failed evaluations/ }).textContent())!.split(' ')[0],
  );
  expect(failedCount).toBeGreaterThan(0);
  await expect
    .poll(async () =>
      (await page.locator('figure[aria-label="Fitness"]').getAttribute('data-points-by-series'))
        ?.split(',')
        .at(-1),
    )
    .toBe(String(failedCount));
  // The failure list shows where each evaluation failed.
  await page.getByRole('button', { name: /failed evaluations/ }).click();
  const list = page.getByRole('dialog', { name: 'Failed evaluations' });
  await expect(list.getByTestId('failure-params')).toHaveCount(failedCount);
  await expect(list.getByTestId('failure-params').first()).toHaveText(/^a=\S+, b=1\.\d+|^a=\S+, b=1$/);
  await list.getByRole('button', { name: 'Close' }).click();
  const table = page.getByRole('grid', { name: 'evaluations table' });
  await expect(table).toHaveAttribute('data-total', '96');
  await expect(table).toHaveAttribute('data-matched', '96');
  // The journal's rows, in index order, with the extras column.
  await expect(table.locator('[data-row="0"]')).toHaveAttribute('data-index', '0');
  await expect(table.getByRole('columnheader', { name: 'penalty' })).toBeVisible();

  await page.getByLabel('failed only').check();
  // Wait for the filtered page (the count drops below the 96 rows), then check it is not empty.
  await expect.poll(async () => Number(await table.getAttribute('data-matched'))).toBeLessThan(96);
  const failed = Number(await table.getAttribute('data-matched'));
  expect(failed).toBeGreaterThan(0);
  const rows = table.locator('.line');
  await expect(rows.first()).toHaveAttribute('data-index', /\d+/);
  // Every row shown is a failure with its reason.
  const shown = await rows.count();
  expect(shown).toBe(Math.min(failed, shown));
  for (let k = 0; k < Math.min(shown, failed); k++) {
    await expect(rows.nth(k)).toHaveClass(/failed/);
    await expect(rows.nth(k)).toContainText('exited with code 3');
  }
  await expect(page.getByTestId('evaluations-count')).toContainText(
    `${failed} of 96 shown · ${failed} failed`,
  );

  // Sorting by b, descending: the largest b first (failures are those with b > 1).
  await table.getByRole('columnheader', { name: 'b', exact: true }).click();
  await table.getByRole('columnheader', { name: 'b ▲', exact: true }).click();
  await expect(table.getByRole('columnheader', { name: 'b ▼', exact: true })).toBeVisible();
  const bColumn = async (k: number) => Number(await rows.nth(k).getByRole('gridcell').nth(3).textContent());
  await expect.poll(async () => (await bColumn(0)) >= (await bColumn(1))).toBe(true);
  expect(await bColumn(failed - 1)).toBeGreaterThan(1);

  await rows.first().click();
  const details = page.getByTestId('evaluation-details');
  await expect(details).toBeVisible();
  await expect(page.getByTestId('detail-fitness')).toHaveText('failed');
  await expect(page.getByTestId('detail-error')).toContainText('exited with code 3');
  await expect(page.getByTestId('detail-stderr')).toContainText('b too large');
  await expect(page.getByTestId('detail-stdout')).toContainText('evaluating a=');
  await expect(page.getByTestId('detail-cwd')).toHaveText(failing);
  const command = (await page.getByTestId('detail-command').textContent()) ?? '';
  expect(command).toMatch(/^cd \S+ && \/usr\/bin\/python3 evaluate\.py --a \S+ --b \S+$/);
  await screenshot(page, 'views-evaluations-table');

  // The command line does what the evaluation did: exit 3, the same complaint on stderr.
  const rerun = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', timeout: 20_000 });
  expect(rerun.status).toBe(3);
  expect(rerun.stderr).toContain('b too large');
  const b = Number(/--b (\S+)$/.exec(command)![1]);
  expect(b).toBeGreaterThan(1);
  expect(rerun.stdout).toContain(`b=${b}`);
});

const attribute = async (page: Page, selector: string, name: string) =>
  Number(await page.locator(selector).first().getAttribute(name));

test('a fast run: σ, axis ratio and pycma panels show every generation, also out of sight', async ({
  page,
}) => {
  // A short window: the diagnostics are below the fold while the run streams.
  await page.setViewportSize({ width: 1280, height: 720 });
  await runToTheEnd(page, join(fixturesDir, 'views-fast-ellipsoid', 'problem.json'));
  const panels = page.getByRole('region', { name: 'Search diagnostics' });
  const evaluationsDone = Number((await page.getByTestId('evaluations').textContent())!.split(' ')[0]);
  // CMA-ES's population at n = 4 is 8: one logged generation per 8 evaluations.
  const generations = evaluationsDone / 8;
  await expect
    .poll(() => attribute(page, 'section[aria-label="Search diagnostics"]', 'data-generations'))
    .toBe(generations);
  for (const label of ['Step size σ', 'Axis ratio (pycma)']) {
    const chart = `figure[aria-label="${label}"]`;
    // Drawn to the end of the run without scrolling to it: the whole series, last x = the last evaluation.
    await expect.poll(() => attribute(page, chart, 'data-length')).toBe(generations);
    expect(await attribute(page, chart, 'data-last-x')).toBe(evaluationsDone);
  }
  expect(await attribute(page, 'figure[aria-label="Step size σ"]', 'data-points')).toBe(generations);
  expect(await attribute(page, 'figure[aria-label="Axis ratio (pycma)"]', 'data-points')).toBe(generations);
  // f − f_best: every generation but those that found a new best (0 has no place on a log axis).
  const distance = 'figure[aria-label="f − f_best"]';
  await expect.poll(() => attribute(page, distance, 'data-length')).toBe(generations);
  expect(await attribute(page, distance, 'data-points')).toBeGreaterThan(generations);
  // 4 coordinates: one line each for mean, standard deviations and axis lengths.
  for (const label of [
    'Mean of each parameter',
    'Standard deviation of each coordinate',
    "Principal axes' lengths",
  ]) {
    await expect(page.locator(`figure[aria-label="${label}"]`)).toHaveAttribute('data-series', '4');
    expect(await attribute(page, `figure[aria-label="${label}"]`, 'data-points')).toBe(4 * generations);
  }
  await panels.scrollIntoViewIfNeeded();
  await panels.screenshot({ path: join(screenshotsDir, 'views-diagnostics.png') });
});

test('a 200-D run: the diagnostics are heat strips, one row per coordinate, and survive a reload from History', async ({
  page,
}) => {
  await runToTheEnd(page, join(fixturesDir, 'views-wide', 'problem.json'));
  const strip = 'figure[aria-label="Standard deviation of each coordinate"]';
  const evaluationsDone = Number((await page.getByTestId('evaluations').textContent())!.split(' ')[0]);
  await expect(page.locator(strip)).toHaveAttribute('data-rows', '200');
  // Drawn to the end of the run (the strip's last column is the last generation).
  await expect.poll(() => attribute(page, strip, 'data-last-x')).toBe(evaluationsDone);
  const generations = await attribute(page, 'section[aria-label="Search diagnostics"]', 'data-generations');
  expect(generations).toBeGreaterThan(100);
  // Fewer logged generations than the strip's width: one column each.
  await expect(page.locator(strip)).toHaveAttribute('data-columns', String(generations));
  // sep-CMA-ES on the sphere shrinks every coordinate's spread: the last column is far below the first.
  expect(await attribute(page, strip, 'data-min')).toBeLessThan(
    (await attribute(page, strip, 'data-max')) - 0.5,
  );
  await expect(page.locator('figure[aria-label="Mean of each parameter"]')).toHaveAttribute(
    'data-rows',
    '200',
  );
  await expect(page.locator('figure[aria-label="Mean: the 5 parameters that moved most"]')).toHaveAttribute(
    'data-series',
    '5',
  );
  const columns = await attribute(page, strip, 'data-columns');
  const panels = page.getByRole('region', { name: 'Search diagnostics' });
  await panels.scrollIntoViewIfNeeded();
  await panels.screenshot({ path: join(screenshotsDir, 'views-diagnostics-200d.png') });

  // Reopened from History: the same panels from the run folder.
  await page.getByRole('button', { name: 'History' }).click();
  await page
    .getByRole('button', { name: /^Open run .*views-wide/ })
    .first()
    .click();
  await expect(page.locator(strip)).toHaveAttribute('data-rows', '200');
  await expect.poll(() => attribute(page, strip, 'data-columns')).toBe(columns);
});
