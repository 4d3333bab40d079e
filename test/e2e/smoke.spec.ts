import { expect, test } from '@playwright/test';
import { e2eUrl } from './env';

test('loads', async ({ page }) => {
  page.on('console', (m) => console.log('console:', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(e2eUrl);
  await expect(page.getByRole('button', { name: 'Open problem' })).toBeVisible();
  await page.screenshot({ path: 'test-results/smoke.png' });
});
