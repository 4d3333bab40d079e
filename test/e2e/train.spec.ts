/**
 * The "Train a model" workbench on examples/train-rotation, on a server of its own (its runs
 * stay out of the shared server's History): preview the data and pick X and Y, the black box,
 * the model and the trainer; train with a small budget; the loss chart's drawn data grows and
 * equals the journal, the prediction plots equal predictions.json; the model downloads; two
 * training runs are compared in History; a JS module F with its gradient trains with the
 * oracle trainer, the engine's errors (no gradient export, a queue executor) shown on the way.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { formatNumber } from '../../renderer/src/lib/format';
import { repoRoot } from './env';
import { screenshot } from './helpers';
import { startLiveServer, type LiveServer } from './own-server';

test.describe.configure({ mode: 'serial' });

const example = join(repoRoot, 'examples', 'train-rotation');
let server: LiveServer;
let dir: string;
let runsDir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evobox-e2e-train-'));
  runsDir = join(dir, 'runs');
  server = await startLiveServer({
    ...process.env,
    EVOBOX_STATE_DIR: join(dir, 'state'),
    EVOBOX_LIVE_RUNS: runsDir,
    EVOBOX_LIVE_PORT: '',
  });
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface JournalLine {
  step: number;
  fCalls: number;
  validationLoss?: number | null;
}

function journalOf(runDir: string): JournalLine[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalLine);
}

const runDirs = () =>
  readdirSync(runsDir)
    .map((name) => join(runsDir, name))
    .sort();

async function setUp(page: Page, trainer: string, steps: number): Promise<void> {
  await page.getByRole('button', { name: 'Train a model…' }).click();
  await page.getByLabel('Data file').fill(join(example, 'data.csv'));
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByLabel('Executable').fill(join(example, 'rotate.py'));
  await page.getByLabel('Hidden sizes').fill('8');
  await page.getByLabel('Trainer', { exact: true }).selectOption(trainer);
  await page.getByLabel('Minibatch size').fill('16');
  await page.getByLabel('Steps', { exact: true }).fill(String(steps));
  await page.getByLabel('Validate every').fill('10');
}

test('trains on the rotation example with live loss and prediction charts', async ({ page }) => {
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(server.url);
  await setUp(page, 'fd-backprop', 500);
  await page.getByLabel(/batched requests/).check();

  // The preview: columns and the first row as in the file; the guess y… = Y, the rest X.
  const preview = page.getByTestId('train-preview');
  const firstRow = readFileSync(join(example, 'data.csv'), 'utf8').split('\n')[1].split(',');
  await expect(preview.locator('tbody tr')).toHaveCount(8);
  await expect(preview.locator('tbody tr').first().locator('td')).toHaveText(firstRow);
  for (const column of ['x1', 'x2']) await expect(page.getByLabel(`X: ${column}`)).toBeChecked();
  for (const column of ['y1', 'y2']) await expect(page.getByLabel(`Y: ${column}`)).toBeChecked();
  // Choosing a column as Y takes it out of X, and back.
  await page.getByLabel('Y: x2').check();
  await expect(page.getByLabel('X: x2')).not.toBeChecked();
  await expect(page.getByTestId('train-missing')).toHaveCount(0);
  await page.getByLabel('X: x2').check();
  await expect(page.getByLabel('Y: x2')).not.toBeChecked();

  // Trainer options come from the registry's specs; a bad value blocks Start, naming it.
  const learningRate = page.getByLabel('option learningRate');
  await learningRate.fill('-1');
  await expect(page.getByTestId('train-missing')).toContainText('learningRate must be');
  await learningRate.fill('0.02');
  await expect(page.getByTestId('train-missing')).toHaveCount(0);
  await screenshot(page, 'train-setup');

  await page.getByRole('button', { name: 'Start training' }).click();
  const run = page.getByTestId('train-run');
  const loss = page.getByTestId('train-loss');
  // The drawn training points grow while the run goes on.
  const counts: number[] = [];
  await expect
    .poll(
      async () => {
        counts.push(Number(await loss.getAttribute('data-train-count')));
        return run.getAttribute('data-status');
      },
      { timeout: 60_000, intervals: [150] },
    )
    .toBe('completed');
  counts.push(Number(await loss.getAttribute('data-train-count')));
  const distinct = [...new Set(counts.filter((n) => n > 0))];
  expect(distinct.length).toBeGreaterThanOrEqual(2);
  expect(distinct).toEqual([...distinct].sort((a, b) => a - b));

  const [runDir] = runDirs();
  const journal = journalOf(runDir);
  expect(journal).toHaveLength(500);
  await expect(loss).toHaveAttribute('data-train-count', '500');
  const drawn = JSON.parse((await loss.getAttribute('data-validation'))!) as [number, number][];
  const validated = journal.filter((l) => l.validationLoss !== undefined && l.validationLoss !== null);
  expect(drawn).toEqual(validated.map((l) => [l.fCalls, l.validationLoss]));
  expect(drawn.at(-1)![1]).toBeLessThan(0.1);
  // The chart itself draws both series, on a log axis.
  const chart = loss.locator('[data-points-by-series]');
  await expect(chart).toHaveAttribute('data-log', 'true');
  await expect(chart).toHaveAttribute('data-series', '2');
  await expect(page.getByTestId('train-validation-loss')).not.toHaveText('—');

  // Predictions against targets, per output: the validation rows of predictions.json.
  const predictions = JSON.parse(readFileSync(join(runDir, 'predictions.json'), 'utf8')) as {
    targets: number[][];
    predictions: number[][];
  };
  for (const [j, name] of ['y1', 'y2'].entries()) {
    const scatter = page.getByRole('figure', { name: `${name}: prediction vs target` });
    await expect(scatter).toHaveAttribute('data-count', '80');
    const points = JSON.parse((await scatter.getAttribute('data-points'))!) as [number, number][];
    expect(points).toEqual(predictions.targets.map((t, r) => [t[j], predictions.predictions[r][j]]));
    const residuals = page.getByRole('figure', { name: `${name}: residuals` });
    const first = (JSON.parse((await residuals.getAttribute('data-points'))!) as [number, number][])[0];
    expect(first[1]).toBeCloseTo(predictions.predictions[0][j] - predictions.targets[0][j], 12);
  }
  await page.getByRole('figure', { name: 'y2: residuals' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'train-run');

  // The trained model downloads as JSON (and .mjs / .py).
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export model as JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/-model\.json$/);
  const model = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { inputs: string[]; step: number };
  expect(model).toMatchObject({ inputs: ['x1', 'x2'], step: 500 });
  const py = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export model as Python' }).click();
  expect((await py).suggestedFilename()).toMatch(/-model\.py$/);
});

test('a second trainer from the examples list, then both compared in History', async ({ page }) => {
  await page.goto(server.url);
  // The example's problem file fills the workbench; only the trainer and budget change.
  await page.getByRole('button', { name: 'Open example train-rotation', exact: true }).click();
  await expect(page.getByLabel('Data file')).toHaveValue(join(example, 'data.csv'));
  await expect(page.getByLabel('Executable')).toHaveValue(join(example, 'rotate.py'));
  await expect(page.getByLabel('Hidden sizes')).toHaveValue('16');
  await expect(page.getByLabel('option learningRate')).toHaveValue('0.02');
  await expect(page.getByTestId('train-preview').locator('tbody tr')).toHaveCount(8);
  await page.getByLabel('Hidden sizes').fill('8');
  await page.getByLabel('Trainer', { exact: true }).selectOption('es');
  await page.getByLabel('Minibatch size').fill('16');
  await page.getByLabel('Steps', { exact: true }).fill('60');
  await page.getByLabel('Validate every').fill('10');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('train-run')).toHaveAttribute('data-status', 'completed', {
    timeout: 60_000,
  });

  await page.getByRole('button', { name: 'History' }).click();
  const list = page.getByRole('table', { name: 'Training runs list' });
  await expect(list.locator('tbody tr')).toHaveCount(2);
  const dirs = runDirs();
  for (const runDir of dirs) await page.getByLabel(`Compare training ${runDir.split('/').pop()}`).check();
  const compare = page.getByTestId('train-compare');
  await expect
    .poll(async () => (JSON.parse((await compare.getAttribute('data-compared')) ?? '[]') as unknown[]).length)
    .toBe(2);
  const compared = JSON.parse((await compare.getAttribute('data-compared'))!) as {
    runDir: string;
    points: [number, number][];
  }[];
  for (const entry of compared) {
    const validated = journalOf(entry.runDir).filter(
      (l) => l.validationLoss !== undefined && l.validationLoss !== null,
    );
    expect(entry.points).toEqual(validated.map((l) => [l.fCalls, l.validationLoss]));
  }
  expect(compared.map((c) => c.runDir).sort()).toEqual(dirs);
  const chart = compare.locator('[data-points-by-series]');
  await expect(chart).toHaveAttribute('data-series', '2');
  await expect(chart).toHaveAttribute('data-log', 'true');
  await compare.scrollIntoViewIfNeeded();
  await screenshot(page, 'train-history');
});

test('a JS module F trains with the gradient-needing oracle trainer', async ({ page }) => {
  await page.goto(server.url);
  const before = runDirs();
  await page.getByRole('button', { name: 'Train a model…' }).click();
  await page.getByLabel('Data file').fill(join(example, 'data.csv'));
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('train-preview').locator('tbody tr')).toHaveCount(8);
  const trainer = page.getByLabel('Trainer', { exact: true });
  // With an executable F the oracle cannot be chosen; with a module F it can.
  await expect(trainer.locator('option[value="oracle"]')).toBeDisabled();
  await expect(trainer.locator('option[value="oracle"]')).toContainText('needs a JS module F');
  await page.getByLabel('F is').selectOption('module');
  await expect(page.getByLabel('Executable')).toHaveCount(0);
  await expect(page.getByTestId('train-missing')).toContainText('pick the black box F');
  await page.getByLabel('Module', { exact: true }).fill(join(example, 'rotate.mjs'));
  await expect(trainer.locator('option[value="oracle"]')).toBeEnabled();
  await trainer.selectOption('oracle');
  await page.getByLabel('Hidden sizes').fill('8');
  await page.getByLabel('Minibatch size').fill('16');
  await page.getByLabel('Steps', { exact: true }).fill('120');
  await page.getByLabel('Validate every').fill('10');
  await expect(page.getByTestId('train-missing')).toHaveCount(0);

  // No gradient export named: the engine refuses, naming the field; no run folder is made.
  const banner = page.getByRole('alert');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(banner).toContainText(
    'trainer.name: "oracle" needs a module black box that exports its gradient',
  );
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  // The executor goes into the problem sent: a queue executor is refused for the oracle.
  await page.getByLabel('Gradient export').fill('gradient');
  await page.getByLabel('Evaluations run').selectOption('bullmq');
  await expect(page.getByLabel('Redis URL')).toHaveValue('redis://127.0.0.1:6379/0');
  await page.getByLabel('Queue (optional)').fill('train-e2e');
  await page.getByLabel('Queue (optional)').blur();
  await expect(page.locator('[data-executor="bullmq"]')).toContainText('--queue train-e2e');
  await screenshot(page, 'train-module-f');
  await page.getByRole('button', { name: 'Start training' }).click();
  await expect(banner).toContainText('executor: the oracle trainer calls its gradient in-process');
  await banner.getByRole('button', { name: 'Dismiss' }).click();
  expect(runDirs()).toEqual(before);

  await page.getByLabel('Evaluations run').selectOption('local');
  await expect(page.getByLabel('Redis URL')).toHaveCount(0);
  await page.getByRole('button', { name: 'Start training' }).click();
  const run = page.getByTestId('train-run');
  await expect(run).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(banner).toHaveCount(0);
  const [runDir] = runDirs().filter((d) => !before.includes(d));
  expect(runDir).toBeDefined();
  await expect(run).toContainText('oracle');

  // The run folder records the module F and the oracle; the loss shown is the one it recorded.
  const problem = JSON.parse(readFileSync(join(runDir, 'train.json'), 'utf8')) as {
    blackBox: { module?: string; gradient?: string };
    trainer: { name: string };
    executor?: unknown;
  };
  expect(problem.blackBox).toMatchObject({ module: join(example, 'rotate.mjs'), gradient: 'gradient' });
  expect(problem.trainer.name).toBe('oracle');
  const result = JSON.parse(readFileSync(join(runDir, 'result.json'), 'utf8')) as {
    steps: number;
    validationLoss: number;
  };
  expect(result.steps).toBe(120);
  const journal = journalOf(runDir);
  expect(journal).toHaveLength(120);
  const lastValidated = journal.findLast((l) => l.validationLoss !== undefined && l.validationLoss !== null)!;
  expect(lastValidated.validationLoss).toBe(result.validationLoss);
  await expect(page.getByTestId('train-validation-loss')).toHaveText(formatNumber(result.validationLoss));
  // True gradients learn the rotation: the validation loss falls well below the first one.
  const first = journal.find((l) => l.validationLoss !== undefined && l.validationLoss !== null)!;
  expect(result.validationLoss).toBeLessThan(first.validationLoss! / 2);
});
