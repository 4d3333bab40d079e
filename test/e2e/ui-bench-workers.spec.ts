/**
 * Past runs opened from History (issue 12's loose ends):
 * - the Workers panel follows the run shown, not the editor's draft: a past distributed run
 *   shows its own queue (from its problem.json) whatever problem is open in the editor, and a
 *   past local run shows none even when the draft is distributed. Nothing listens on the
 *   Redis ports used: the panel names the run's queue and says Redis is unreachable;
 * - a long run is shown from the first rows of its journal and completed once it is read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { RunFolderWriter } from '../../engine/node/run/folder';
import { openApp, openProblemByPath } from './helpers';

test.describe.configure({ mode: 'serial' });

const runRedis = 'redis://127.0.0.1:6391/0';
const draftRedis = 'redis://127.0.0.1:6392/0';
let dir = '';

function problem(name: string, executor?: Record<string, unknown>) {
  return {
    name,
    objective: { builtin: 'sphere' },
    parameters: [
      { name: 'a', lower: -1, upper: 1 },
      { name: 'b', lower: -1, upper: 1 },
    ],
    strategy: { name: 'cma-es' },
    budget: { evaluations: 8 },
    seed: 1,
    ...(executor ? { executor } : {}),
  };
}

/** A finished run folder of `problem` in the server's runs folder, in the engine's own format. */
function writePastRun(runsDir: string, folderName: string, content: Record<string, unknown>, rows = 4): void {
  const folder = RunFolderWriter.create(join(runsDir, folderName), true);
  folder.writeProblem(content);
  folder.writeMeta({ evoboxVersion: 'test', createdAt: new Date().toISOString(), baseDir: dir });
  const journal = folder.openJournal();
  // Fitness falls with the index, so the best so far is the last row's: the curve is whole
  // only if every row was read.
  for (let index = 0; index < rows; index++) {
    journal.append({
      index,
      generation: Math.floor(index / 10),
      params: { a: index / rows, b: 0 },
      fitness: rows - index,
      ms: 1,
      worker: 0,
    });
    if (index % 10_000 === 9_999) journal.flush();
  }
  journal.close();
  folder.writeBest({ params: { a: 0, b: 0 }, fitness: 1, index: rows - 1, evaluations: rows });
  folder.writeResult({
    runDir: folder.dir,
    stopReason: 'budget-evaluations',
    evaluations: rows,
    failedEvaluations: 0,
    elapsedMs: 10,
    best: { params: { a: 0, b: 0 }, fitness: 0 },
  });
  folder.release();
}

async function openProblem(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: '1 · Open', exact: true }).click();
  await openProblemByPath(page, path);
}

async function runsDirOf(page: Page): Promise<string> {
  const text = (await page.getByText(/runs in \//).textContent()) ?? '';
  return text.replace(/^.*runs in /, '').trim();
}

async function openFromHistory(page: Page, folderName: string): Promise<void> {
  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByRole('button', { name: `Open run ${folderName}`, exact: true }).click();
  await expect(page.getByTestId('run-dir')).toHaveText(new RegExp(`${folderName}$`));
}

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evobox-e2e-workers-'));
  writeFileSync(join(dir, 'local.problem.json'), JSON.stringify(problem('draft-local')));
  writeFileSync(
    join(dir, 'distributed.problem.json'),
    JSON.stringify(problem('draft-distributed', { kind: 'bullmq', redis: draftRedis })),
  );
});

test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a past distributed run's Workers panel reads its own queue, not the draft's", async ({ page }) => {
  await openApp(page);
  const runsDir = await runsDirOf(page);
  writePastRun(
    runsDir,
    '20200101-000000-past-bullmq',
    problem('past-bullmq', { kind: 'bullmq', redis: runRedis }),
  );
  await openFromHistory(page, '20200101-000000-past-bullmq');
  const workers = page.getByRole('region', { name: 'Workers' });
  await expect(workers).toContainText(runRedis);
  // Another problem in the editor (local): the run shown is still distributed.
  await openProblem(page, join(dir, 'local.problem.json'));
  await page.getByRole('button', { name: '4 · Run', exact: true }).click();
  await expect(page.getByTestId('run-dir')).toHaveText(/past-bullmq$/);
  await expect(workers).toContainText(runRedis);
  await expect(workers).toContainText('Redis is unreachable');
  // A distributed draft on another Redis: the panel still reads the run's own queue.
  await openProblem(page, join(dir, 'distributed.problem.json'));
  await page.getByRole('button', { name: '4 · Run', exact: true }).click();
  await expect(workers).toContainText(runRedis);
  await expect(workers).not.toContainText(draftRedis);
});

test('a past local run shows no Workers panel while the draft is distributed', async ({ page }) => {
  await openApp(page);
  const runsDir = await runsDirOf(page);
  writePastRun(runsDir, '20200101-000001-past-local', problem('past-local'));
  await openFromHistory(page, '20200101-000001-past-local');
  await openProblem(page, join(dir, 'distributed.problem.json'));
  await page.getByRole('button', { name: '4 · Run', exact: true }).click();
  await expect(page.getByTestId('run-dir')).toHaveText(/past-local$/);
  await expect(page.locator('figure[aria-label="Fitness"]')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Workers' })).toHaveCount(0);
});

test('a long past run shows its first rows at once and every row once its journal is read', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  const rows = 200_000; // ≈ 25 MB of journal: seconds to read on a busy machine
  writePastRun(await runsDirOf(page), '20200101-000002-past-long', problem('past-long'), rows);
  await openFromHistory(page, '20200101-000002-past-long');
  const table = page.getByRole('grid', { name: 'evaluations table' });
  await expect(table.locator('[data-row="0"]')).toHaveAttribute('data-index', '0');
  // Completed: the table holds every row, and the chart's curve reaches the last one.
  await expect(table).toHaveAttribute('data-matched', String(rows), { timeout: 150_000 });
  const chart = page.locator('figure[aria-label="Fitness"]');
  await expect(chart).toHaveAttribute('data-last-x', String(rows), { timeout: 30_000 });
  await expect(page.getByTestId('evaluations-count')).toHaveText(/^200,000 of 200,000 shown · 0 failed$/);
});
