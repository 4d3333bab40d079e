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

export async function openApp(page: Page): Promise<void> {
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(e2eUrl);
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
 * Waits until a numeric attribute stops changing between two polls and returns it: views
 * redraw at a measured pace, so the last batch of a finished run lands a moment later.
 */
export async function settledAttribute(page: Page, selector: string, attribute: string): Promise<number> {
  let previous = Number.NaN;
  await expect
    .poll(
      async () => {
        const now = await numberAttribute(page, selector, attribute);
        const steady = now === previous;
        previous = now;
        return steady;
      },
      { intervals: [400] },
    )
    .toBe(true);
  return previous;
}
