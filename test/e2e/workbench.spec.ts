/**
 * The main path through the workbench in browser mode: open, describe, probe, choose a
 * strategy, run with live charts, pause/resume/stop, export, history.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadProblem } from '../../engine/node/problem/schema';
import { e2eOrigin, e2eToken, fixturesDir, repoRoot } from './env';
import {
  evaluations,
  numberAttribute,
  openApp,
  openProblemByPath,
  screenshot,
  drawnGeneration,
} from './helpers';

test.describe.configure({ mode: 'serial' });

const examplesDir = join(repoRoot, 'examples');

const scratchDirs: string[] = [];
test.afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

test('open a bundled example and probe it', async ({ page }) => {
  await openApp(page);
  await screenshot(page, 'open');
  await page.getByRole('button', { name: 'Open example line-python' }).click();
  await expect(page.getByLabel('Problem name')).toHaveValue('line-python');
  await expect(page.getByLabel('Protocol')).toHaveValue('line');
  await expect(page.getByLabel('Name (row 1)')).toHaveValue('w0');
  await page.getByRole('button', { name: 'Probe', exact: true }).click();
  const result = page.getByRole('region', { name: 'Probe result' });
  await expect(result).toContainText('Parsed value');
  await expect(result).toContainText('time');
  const value = Number(await page.getByTestId('probe-value').textContent());
  expect(Number.isFinite(value)).toBe(true);
  await screenshot(page, 'problem');

  // Save elsewhere: the file must be one the CLI accepts, its script still found.
  const saveDir = mkdtempSync(join(tmpdir(), 'evobox-e2e-save-'));
  scratchDirs.push(saveDir);
  const target = join(saveDir, 'copy.problem.json');
  await page.getByLabel('Save as').fill(target);
  await page.getByRole('button', { name: 'Save problem' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${target}` })).toBeVisible();
  const saved = loadProblem(target);
  expect(saved.name).toBe('line-python');
  expect(saved.parameters.map((p) => p.name)).toEqual(['w0', 'w1', 'bias']);
  // The script is an argument relative to the working folder, which stays the example's.
  expect(saved.objective).toMatchObject({ args: ['server.py'], cwd: join(examplesDir, 'line-python') });
});

test('run live: charts grow, pause, resume, stop, export', async ({ page }) => {
  await openApp(page);
  await openProblemByPath(page, join(fixturesDir, 'noisy-line', 'problem.json'));
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await expect(page.getByRole('radiogroup', { name: 'Strategy' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'CMA-ES', exact: true })).toBeChecked();
  // The options form is generated from metadata: defaults filled in, bad values flagged.
  const population = page.getByLabel('populationSize', { exact: true });
  await expect(population).toHaveValue('6');
  await population.fill('1.5');
  await expect(page.getByText('populationSize must be an integer (got 1.5)')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
  await population.fill('8');
  await screenshot(page, 'strategy');
  await page.getByRole('button', { name: 'Start', exact: true }).click();

  const progress = page.getByRole('progressbar', { name: 'Run progress' });
  await expect(progress).toBeVisible();
  const fitness = 'figure[aria-label="Fitness"]';
  await expect.poll(() => numberAttribute(page, fitness, 'data-length')).toBeGreaterThan(5);
  const firstLength = await numberAttribute(page, fitness, 'data-length');
  await expect.poll(() => numberAttribute(page, fitness, 'data-length')).toBeGreaterThan(firstLength + 5);
  await expect.poll(() => numberAttribute(page, fitness, 'data-points')).toBeGreaterThan(0);

  const ellipses = 'figure[aria-label="Sampling ellipses"]';
  await expect.poll(() => numberAttribute(page, ellipses, 'data-ellipses')).toBe(2);
  await expect.poll(() => numberAttribute(page, ellipses, 'data-samples')).toBe(8);
  await expect(page.locator(ellipses)).toHaveAttribute('data-heat', 'samples');
  await screenshot(page, 'run');

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('paused');
  await expect(page.getByRole('button', { name: 'Resume', exact: true })).toBeEnabled();
  // The generation in flight when Pause was pressed still lands; after that the count holds.
  let previous = -1;
  await expect
    .poll(
      async () => {
        const now = await evaluations(page);
        const steady = now === previous;
        previous = now;
        return steady;
      },
      { intervals: [300] },
    )
    .toBe(true);
  const paused = previous;
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('running');
  await expect.poll(() => evaluations(page)).toBeGreaterThan(paused);

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('finished');
  await expect(page.getByText(/Stopped: stopped-by-user/)).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '100');
  const total = await evaluations(page);

  // Export: best parameters as JSON.
  await page.getByLabel('Export format').selectOption('json');
  const [jsonDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  expect(jsonDownload.suggestedFilename()).toMatch(/noisy-line-best\.json$/);
  const best = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8')) as {
    params: Record<string, number>;
    fitness: number;
  };
  expect(Object.keys(best.params).sort()).toEqual(['x', 'y']);
  expect(best.params.x).toBeGreaterThanOrEqual(-3);
  expect(best.params.x).toBeLessThanOrEqual(3);
  expect(Number.isFinite(best.fitness)).toBe(true);
  const shownBest = Number(await page.getByTestId('best-fitness').textContent());
  expect(shownBest).toBeCloseTo(best.fitness, 5);

  // Every evaluation as CSV.
  await page.getByLabel('Export format').selectOption('csv');
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  const lines = readFileSync(await csvDownload.path(), 'utf8')
    .trim()
    .split('\n');
  expect(lines[0].split(',').slice(0, 5)).toEqual(['index', 'generation', 'x', 'y', 'fitness']);
  expect(lines.length - 1).toBe(total);

  // The command line runs the objective once with the best parameters.
  await page.getByLabel('Export format').selectOption('cli');
  const [cliDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  expect(readFileSync(await cliDownload.path(), 'utf8')).toContain('server.py');
});

test('a broken executable shows why its evaluations failed', async ({ page }) => {
  await openApp(page);
  await openProblemByPath(page, join(fixturesDir, 'broken', 'problem.json'));
  await page.getByRole('button', { name: 'Probe', exact: true }).click();
  const result = page.getByRole('region', { name: 'Probe result' });
  await expect(result).toContainText('Failed: exited with code 3');
  await expect(result).toContainText('simulator exploded: mesh is inverted at cell 42');

  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveText(/finished|failed/);
  const failures = page.getByRole('button', { name: /failed evaluations/ });
  await expect(failures).toHaveText('12 failed evaluations');
  await failures.click();
  const dialog = page.getByRole('dialog', { name: 'Failed evaluations' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('exited with code 3');
  await expect(dialog).toContainText('simulator exploded: mesh is inverted at cell 42');
  await screenshot(page, 'failures');
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test('open an executable: a starting problem around it, probed at the start point', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Open executable' }).click();
  await page.getByLabel('Path', { exact: true }).fill(join(fixturesDir, 'quadratic.py'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByLabel('Problem name')).toHaveValue('quadratic');
  await expect(page.getByLabel('Arguments (one per line)')).toHaveValue('{x1}');
  await expect(page.getByLabel('Name (row 1)')).toHaveValue('x1');
  await page.getByRole('button', { name: 'Probe', exact: true }).click();
  // The start point is the middle of [-1, 1]: (0 − 0.3)² = 0.09.
  await expect(page.getByTestId('probe-value')).toHaveText('0.09');
});

test('an invalid parameter row shows its message and blocks Start', async ({ page }) => {
  await openApp(page);
  await openProblemByPath(page, join(fixturesDir, 'noisy-line', 'problem.json'));
  await page.getByLabel('Lower (row 1)').fill('5');
  await expect(page.getByText('lower must be < upper (got 5 ≥ 3)')).toBeVisible();
  await expect(page.getByLabel('Lower (row 1)')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Init (row 2)').fill('abc');
  await expect(page.getByText('expected a number (got "abc")')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Probe', exact: true })).toBeDisabled();
  await screenshot(page, 'invalid-parameters');

  await page.getByRole('button', { name: '3 · Strategy' }).click();
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeDisabled();
  await expect(page.getByRole('list', { name: 'What blocks Start' })).toContainText(
    'Parameters: 2 rows need fixing',
  );

  await page.getByRole('button', { name: '2 · Describe' }).click();
  await page.getByLabel('Lower (row 1)').fill('-3');
  await page.getByLabel('Init (row 2)').fill('2');
  await page.getByRole('button', { name: '3 · Strategy' }).click();
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
});

test('history: compare runs and reopen one', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'History' }).click();
  // This spec's two runs (the shared server also holds other specs' runs).
  const rows = page
    .getByRole('table', { name: 'Runs' })
    .locator('tbody tr')
    .filter({ hasText: /noisy-line|broken/ });
  await expect(rows).toHaveCount(2);
  await rows
    .nth(0)
    .getByRole('checkbox', { name: /^Compare / })
    .check();
  await rows
    .nth(1)
    .getByRole('checkbox', { name: /^Compare / })
    .check();
  const chart = 'figure[aria-label="Comparison: best so far"]';
  await expect.poll(() => numberAttribute(page, chart, 'data-series')).toBe(2);
  await expect.poll(() => numberAttribute(page, chart, 'data-points')).toBeGreaterThan(0);
  await screenshot(page, 'history');

  const noisy = page.getByRole('button', { name: /^Open run .*noisy-line/ });
  await noisy.click();
  await expect(page.getByRole('heading', { name: 'noisy-line' })).toBeVisible();
  await expect
    .poll(() => numberAttribute(page, 'figure[aria-label="Fitness"]', 'data-points'))
    .toBeGreaterThan(0);
});

test('history: an interrupted run can be resumed', async ({ page, request }) => {
  const info = await request.post(`${e2eOrigin}/api/invoke/runs:list`, {
    data: {},
    headers: { 'x-evobox-token': e2eToken },
  });
  const runs = ((await info.json()) as { value: { runDir: string; name: string }[] }).value;
  const noisy = runs.find((r) => r.name === 'noisy-line')!;
  // What a crash (or kill -9) leaves behind: a run folder without result.json.
  rmSync(join(noisy.runDir, 'result.json'));

  await openApp(page);
  await page.getByRole('button', { name: 'History' }).click();
  const folder = noisy.runDir.split('/').pop()!;
  const row = page.getByRole('row').filter({ hasText: folder });
  await expect(row).toContainText('interrupted');
  const before = Number((await row.getByRole('cell').nth(5).textContent()) ?? 0);
  await page.getByRole('button', { name: `Resume run ${folder}` }).click();
  await expect(page.locator('.status')).toHaveText('running');
  await expect.poll(() => evaluations(page)).toBeGreaterThan(before);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('finished');
});

test('1-D problem: the smoothed objective over (μ, σ)', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Open example learned-sigma-1d/sinc' }).click();
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('finished');
  const view = 'figure[aria-label="Smoothed objective"]';
  await expect.poll(() => numberAttribute(page, view, 'data-path')).toBeGreaterThan(3);
  await screenshot(page, 'run-1d');
});

test('2-D built-in: ellipses over the objective, replayed with the generation slider', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Open example learned-sigma-2d/rosenbrock' }).click();
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('.status')).toHaveText('finished');
  const view = 'figure[aria-label="Sampling ellipses"]';
  await expect(page.locator(view)).toHaveAttribute('data-heat', 'function');
  await expect.poll(() => numberAttribute(page, view, 'data-ellipses')).toBe(2);
  const last = await drawnGeneration(page, view);
  expect(last).toBeGreaterThan(10);

  // Replay: back to an early generation, where the distribution is still wide.
  const slider = page.getByLabel('Generation');
  await slider.focus();
  await page.keyboard.press('Home');
  for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveValue('6');
  // The slider steps through the generations the view received (under load the stream may
  // skip some, so the 7th entry can be generation 9 rather than 6): an early one, not the last.
  const early = await drawnGeneration(page, view);
  expect(early).toBeGreaterThan(0);
  expect(early).toBeLessThan(Math.min(last, 30));
  await expect(page.locator('.replay .mono')).toHaveText(String(early));
  await expect(page.getByRole('checkbox', { name: 'Live' })).not.toBeChecked();
  await expect.poll(() => numberAttribute(page, view, 'data-ellipses')).toBe(2);
  await screenshot(page, 'run-2d');
  await page.getByRole('checkbox', { name: 'Live' }).check();
  await expect.poll(() => numberAttribute(page, view, 'data-generation')).toBe(last);
});
