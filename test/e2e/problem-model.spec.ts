/**
 * The problem model in the GUI: the objective editor lists the protocols the backend
 * publishes, and what the model refuses (a reserved parameter name, a per-evaluation
 * placeholder on a line process's command line) is shown before any run folder exists.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { protocolCatalog, protocolIds } from '../../engine/problem/protocols';
import { fixturesDir } from './env';
import { openApp } from './helpers';

test.describe.configure({ mode: 'serial' });

async function openExecutable(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open executable' }).click();
  await page.getByLabel('Path', { exact: true }).fill(join(fixturesDir, 'quadratic.py'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByLabel('Arguments (one per line)')).toHaveValue('{x1}');
}

async function historyRows(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByRole('button', { name: 'Refresh' }).click();
  const table = page.getByRole('table', { name: 'Runs' });
  return (await table.count()) === 0 ? 0 : table.locator('tbody tr').count();
}

test('the protocol options are the published catalog', async ({ page }) => {
  await openApp(page);
  await openExecutable(page);
  const options = page.getByLabel('Protocol').locator('option');
  await expect(options).toHaveCount(protocolIds.length);
  expect(await options.evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value))).toEqual(
    protocolIds,
  );
  for (const [k, id] of protocolIds.entries()) {
    await expect(options.nth(k)).toHaveText(`${id} — ${protocolCatalog[id].summary}`);
  }
});

test('a reserved parameter name is flagged at the field', async ({ page }) => {
  await openApp(page);
  await openExecutable(page);
  await page.getByLabel('Name (row 1)').fill('__proto__');
  await expect(page.getByText('"__proto__" is reserved')).toBeVisible();
  await expect(page.getByLabel('Name (row 1)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Probe', exact: true })).toBeDisabled();
});

test('a parameter placeholder for a line process stops Start before a run exists', async ({ page }) => {
  await openApp(page);
  const before = await historyRows(page);
  await page.getByRole('button', { name: '1 · Open' }).click();
  await openExecutable(page);
  await page.getByLabel('Protocol').selectOption('line');
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(
    page.getByText(/objective\.args\[0\]: \{x1\} is a parameter, but a line process/),
  ).toBeVisible();
  expect(await historyRows(page)).toBe(before);
});
