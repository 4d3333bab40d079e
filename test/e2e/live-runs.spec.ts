/**
 * Runs belong to the backend, not to the page: a reload, a second tab and the history all
 * attach to a live run with full control and the same charts; a finished run goes on with
 * more budget from where it was.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eUrl, fixturesDir } from './env';
import { evaluations, numberAttribute, openApp, openProblemByPath } from './helpers';

test.describe.configure({ mode: 'serial' });

const slowBowl = join(fixturesDir, 'slow-bowl', 'problem.json');
const fitness = 'figure[aria-label="Fitness"]';
const status = (page: Page) => page.locator('.status');
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Opens the slow bowl, sets its budget, and starts it from the Strategy step. */
async function startSlowBowl(page: Page, budget?: number): Promise<void> {
  await openProblemByPath(page, slowBowl);
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  if (budget !== undefined) await page.getByLabel('Budget (evaluations)').fill(String(budget));
  await button(page, 'Start').click();
  await expect(status(page)).toHaveText('running');
}

/** Evaluations once the count has held still for a few polls (a generation in flight lands first). */
async function steadyEvaluations(page: Page): Promise<number> {
  let previous = -1;
  await expect
    .poll(
      async () => {
        const now = await evaluations(page);
        const steady = now === previous;
        previous = now;
        return steady;
      },
      { intervals: [400] },
    )
    .toBe(true);
  return previous;
}

test('a reload during a run shows it again, with full control and its whole curve', async ({ page }) => {
  await openApp(page);
  await startSlowBowl(page);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(40);
  const beforeReload = await evaluations(page);
  const pointsBefore = await numberAttribute(page, fitness, 'data-length');
  expect(pointsBefore).toBeGreaterThan(3);

  await page.reload();
  await expect(status(page)).toHaveText('running');
  // Caught up from the backend: the count goes on from where it was, and the chart holds the
  // generations from before the reload.
  expect(await evaluations(page)).toBeGreaterThanOrEqual(beforeReload);
  expect(await numberAttribute(page, fitness, 'data-length')).toBeGreaterThanOrEqual(pointsBefore);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(beforeReload + 16);

  await button(page, 'Pause').click();
  await expect(status(page)).toHaveText('paused');
  const paused = await steadyEvaluations(page);

  // Reloaded while paused: still paused, and Resume works.
  await page.reload();
  await expect(status(page)).toHaveText('paused');
  expect(await evaluations(page)).toBe(paused);
  await expect(button(page, 'Resume')).toBeEnabled();
  await button(page, 'Resume').click();
  await expect(status(page)).toHaveText('running');
  await expect.poll(() => evaluations(page)).toBeGreaterThan(paused);

  await button(page, 'Stop').click();
  await expect(status(page)).toHaveText('finished');
  await expect(page.getByText(/Stopped: stopped-by-user/)).toBeVisible();
});

test('Start → Pause → History → Open gives back control of the paused run', async ({ page }) => {
  await openApp(page);
  await startSlowBowl(page);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(16);
  await button(page, 'Pause').click();
  await expect(status(page)).toHaveText('paused');
  const paused = await steadyEvaluations(page);
  const folder = (await page.locator('.mono.hint').first().textContent())!.split('/').pop()!;

  await page.getByRole('button', { name: 'History' }).click();
  const row = page.getByRole('row').filter({ hasText: folder });
  await expect(row).toContainText('paused');
  await page.getByRole('button', { name: `Open run ${folder}` }).click();
  await expect(status(page)).toHaveText('paused');
  expect(await evaluations(page)).toBe(paused);
  await expect(button(page, 'Resume')).toBeEnabled();
  await button(page, 'Resume').click();
  await expect(status(page)).toHaveText('running');
  await expect.poll(() => evaluations(page)).toBeGreaterThan(paused);
  await button(page, 'Stop').click();
  await expect(status(page)).toHaveText('finished');
});

test('a second tab pauses, resumes and stops the run the first tab shows', async ({ page, context }) => {
  await openApp(page);
  await startSlowBowl(page);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(16);

  // A new tab shows the newest live run by itself.
  const second = await context.newPage();
  await second.goto(e2eUrl);
  await expect(status(second)).toHaveText('running');
  await expect(second.getByRole('heading', { name: 'slow-bowl' })).toBeVisible();
  await expect.poll(() => numberAttribute(second, fitness, 'data-length')).toBeGreaterThan(2);

  await button(second, 'Pause').click();
  await expect(status(page)).toHaveText('paused');
  await expect(button(page, 'Resume')).toBeEnabled();
  await expect(button(page, 'Pause')).toBeDisabled();
  const paused = await steadyEvaluations(page);
  await expect.poll(() => evaluations(second)).toBe(paused);

  await button(page, 'Resume').click();
  await expect(status(second)).toHaveText('running');
  await expect.poll(() => evaluations(second)).toBeGreaterThan(paused);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(paused);

  await button(second, 'Stop').click();
  await expect(status(page)).toHaveText('finished');
  await expect(status(second)).toHaveText('finished');
  expect(await evaluations(page)).toBe(await evaluations(second));
  await second.close();
});

test('a finished run continues with more budget from where it was', async ({ page }) => {
  await openApp(page);
  await startSlowBowl(page, 40);
  await expect(status(page)).toHaveText('finished');
  await expect(page.getByText(/Stopped: budget-evaluations/)).toBeVisible();
  expect(await evaluations(page)).toBe(40);
  const points = await numberAttribute(page, fitness, 'data-length');

  await page.getByLabel('More evaluations').fill('32');
  await expect(page.getByText('goes on from 40 evaluations to 72')).toBeVisible();
  await button(page, 'Continue').click();
  // Counters never run backwards: sampled while it runs, every count is ≥ 40 and rises.
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        seen.push(await evaluations(page));
        return (await status(page).textContent()) === 'finished' && seen[seen.length - 1] === 72;
      },
      { intervals: [150] },
    )
    .toBe(true);
  expect(Math.min(...seen)).toBeGreaterThanOrEqual(40);
  for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThanOrEqual(seen[k - 1]);
  expect(await numberAttribute(page, fitness, 'data-length')).toBeGreaterThan(points);
  await expect(page.getByText('72 of 72')).toBeVisible();
});
