/**
 * Runs belong to the backend, not to the page: a reload, a second tab and the history all
 * attach to a live run with full control and the same charts; a finished run goes on with
 * more budget from where it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixturesDir } from './env';
import { evaluations, numberAttribute, openProblemByPath, screenshot } from './helpers';
import { startLiveServer, type LiveServer } from './own-server';

test.describe.configure({ mode: 'serial' });

const slowBowl = join(fixturesDir, 'slow-bowl', 'problem.json');
/** The connection test's server; the other tests' is on the next port. */
const livePort = Number(process.env.EVOBOX_LIVE_E2E_PORT ?? 47850);
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

/**
 * Evaluations once the count has held still for 1.5 s: after Pause the generation in flight
 * still lands (here up to ~0.5 s on a loaded machine), then nothing moves.
 */
async function steadyEvaluations(page: Page): Promise<number> {
  const reads: number[] = [];
  await expect
    .poll(
      async () => {
        reads.push(await evaluations(page));
        const last = reads.slice(-4);
        return last.length === 4 && last.every((n) => n === last[0]);
      },
      { intervals: [500] },
    )
    .toBe(true);
  return reads[reads.length - 1];
}

/* ------------------------------------------------------------------ servers */

/**
 * These tests leave runs behind: they get a server and a runs folder of their own, so the
 * shared test server's History stays as the other specs expect it.
 */
let shared: LiveServer;
let sharedDir: string;
test.beforeAll(async () => {
  sharedDir = mkdtempSync(join(tmpdir(), 'evobox-e2e-live-runs-'));
  shared = await startLiveServer({
    ...process.env,
    EVOBOX_STATE_DIR: join(sharedDir, 'state'),
    EVOBOX_LIVE_RUNS: join(sharedDir, 'runs'),
    EVOBOX_LIVE_PORT: String(livePort + 1),
  });
});
test.afterAll(async () => {
  await shared?.stop();
  if (sharedDir) rmSync(sharedDir, { recursive: true, force: true });
});

async function openLive(page: Page, url = shared.url): Promise<void> {
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(url);
  await expect(page.getByRole('button', { name: 'Open problem' })).toBeVisible();
}

test('a reload during a run shows it again, with full control and its whole curve', async ({ page }) => {
  await openLive(page);
  await startSlowBowl(page);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(40);
  // The chart redraws on its own frame clock, so under load it can be a generation or two
  // behind the counter: wait for it rather than read it in the same instant.
  await expect.poll(() => numberAttribute(page, fitness, 'data-length')).toBeGreaterThan(3);
  const beforeReload = await evaluations(page);
  const pointsBefore = await numberAttribute(page, fitness, 'data-length');

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
  await openLive(page);
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
  await openLive(page);
  await startSlowBowl(page);
  await expect.poll(() => evaluations(page)).toBeGreaterThan(16);

  // A new tab shows the newest live run by itself.
  const second = await context.newPage();
  await second.goto(shared.url);
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
  await openLive(page);
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
  // The progress panel's count (the evaluations table's count line says it too).
  await expect(page.getByTestId('evaluations')).toHaveText('72 of 72');
});

test('connection lost: the page says so, disables its controls, and reattaches when the server is back', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'evobox-e2e-live-'));
  const env = {
    ...process.env,
    EVOBOX_STATE_DIR: join(dir, 'state'),
    EVOBOX_LIVE_RUNS: join(dir, 'runs'),
    EVOBOX_LIVE_PORT: String(livePort),
  };
  let server = await startLiveServer(env);
  const banner = page.getByText('Connection to the evobox server lost.');
  const connection = page.locator('[data-connection]');
  try {
    await openLive(page, server.url);
    await startSlowBowl(page);
    await expect.poll(() => evaluations(page)).toBeGreaterThan(16);
    await expect(connection).toHaveAttribute('data-connection', 'connected');

    // A server that hangs (stopped, socket open): only the heartbeat's silence shows it.
    process.kill(server.child.pid!, 'SIGSTOP');
    const stoppedAt = Date.now();
    await expect(banner).toBeVisible({ timeout: 5_000 });
    const noticedMs = Date.now() - stoppedAt;
    test.info().annotations.push({ type: 'connection lost noticed after', description: `${noticedMs} ms` });
    expect(noticedMs).toBeLessThan(3_000);
    await expect(connection).toHaveAttribute('role', 'status');
    await expect(button(page, 'Pause')).toBeDisabled();
    await expect(button(page, 'Stop')).toBeDisabled();
    await screenshot(page, 'live-connection-lost');
    process.kill(server.child.pid!, 'SIGCONT');
    await expect(banner).toBeHidden();
    await expect(status(page)).toHaveText('running');
    await expect(button(page, 'Pause')).toBeEnabled();
    const beforeKill = await evaluations(page);
    await expect.poll(() => evaluations(page)).toBeGreaterThan(beforeKill);

    // Killed: the run dies with it (its folder stays resumable); restarted without a port,
    // the server comes back on the stored port with the stored token, and the tab reattaches.
    server.child.kill('SIGKILL');
    await expect(banner).toBeVisible({ timeout: 5_000 });
    const shown = await evaluations(page);
    const firstUrl = server.url;
    server = await startLiveServer({ ...env, EVOBOX_LIVE_PORT: '' });
    expect(server.url).toBe(firstUrl);
    await expect(banner).toBeHidden({ timeout: 10_000 });
    await expect(status(page)).toHaveText('interrupted');
    expect(await evaluations(page)).toBeGreaterThanOrEqual(Math.min(shown, 8));
    await page.getByLabel('More evaluations').fill('400'); // still running when stopped below
    await button(page, 'Continue').click();
    await expect(status(page)).toHaveText('running');
    await expect.poll(() => evaluations(page)).toBeGreaterThan(shown);
    await expect.poll(() => numberAttribute(page, fitness, 'data-length')).toBeGreaterThan(3);
    // A few continued generations, so the live-only charts (step size) have a line to show.
    await expect.poll(() => evaluations(page)).toBeGreaterThan(shown + 24);
    await screenshot(page, 'live-reattached');
    await button(page, 'Stop').click();
    await expect(status(page)).toHaveText('finished');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
