/**
 * The views of issue 12 §2–3 in browser mode: the evaluations table (filtered to failures,
 * a row's details and the command line that reproduces it), and the diagnostics panels,
 * each checked by the data it draws.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixturesDir } from './env';
import { openApp, openProblemByPath, screenshot } from './helpers';

test.describe.configure({ mode: 'serial' });

const failing = join(fixturesDir, 'views-failing');

async function runToTheEnd(page: Page, problem: string): Promise<void> {
  await openApp(page);
  await openProblemByPath(page, problem);
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveAttribute('data-status', 'finished', { timeout: 90_000 });
}

test('the evaluations table filtered to failures, and a failed row reproduced from its details', async ({
  page,
}) => {
  await runToTheEnd(page, join(failing, 'problem.json'));
  const table = page.getByRole('grid', { name: 'evaluations table' });
  await expect(table).toHaveAttribute('data-total', '96');
  await expect(table).toHaveAttribute('data-matched', '96');
  // The journal's rows, in index order, with the extras column.
  await expect(table.locator('[data-row="0"]')).toHaveAttribute('data-index', '0');
  await expect(table.getByRole('columnheader', { name: 'penalty' })).toBeVisible();

  await page.getByLabel('failed only').check();
  await expect.poll(async () => Number(await table.getAttribute('data-matched'))).toBeGreaterThan(0);
  const failed = Number(await table.getAttribute('data-matched'));
  expect(failed).toBeLessThan(96);
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
