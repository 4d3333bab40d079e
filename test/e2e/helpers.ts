/** Steps the GUI tests share. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { e2eUrl, repoRoot } from './env';

export const screenshotsDir = join(repoRoot, 'docs', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

export async function openApp(page: Page, url = e2eUrl): Promise<void> {
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Open problem' })).toBeVisible();
}

/** "Open problem…" → type the path into the file picker → Open. */
export async function openProblemByPath(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'Open problem' }).click();
  await page.getByLabel('Path', { exact: true }).fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByLabel('Problem name')).toBeVisible();
}

export async function evaluations(page: Page): Promise<number> {
  const text = (await page.getByTestId('evaluations').textContent()) ?? '';
  return Number(text.split(' ')[0]);
}

export async function numberAttribute(page: Page, selector: string, attribute: string): Promise<number> {
  return Number(await page.locator(selector).getAttribute(attribute));
}

/**
 * The generation a view has drawn, once it has drawn the one it should show
 * (`data-generation` = `data-target-generation`): on a busy machine the canvas lags the data.
 */
export async function drawnGeneration(page: Page, selector: string): Promise<number> {
  let drawn = Number.NaN;
  await expect
    .poll(async () => {
      drawn = await numberAttribute(page, selector, 'data-generation');
      return drawn === (await numberAttribute(page, selector, 'data-target-generation'));
    })
    .toBe(true);
  return drawn;
}
