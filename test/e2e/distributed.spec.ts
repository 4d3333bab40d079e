/**
 * A distributed run from the GUI: the Strategy step's executor picker, and the Run view's
 * Workers panel (workers, queue depth, throughput) fed by two real `evobox worker` processes
 * and a redis-server of the spec's own on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from './env';
import { openApp, openProblemByPath } from './helpers';

const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
const port = 6396;
const url = `redis://127.0.0.1:${port}/0`;
const children: ChildProcess[] = [];
let dir = '';

test.describe.configure({ mode: 'serial' });
test.skip(!redisServer, 'redis-server is not installed');

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evobox-e2e-distributed-'));
  children.push(
    spawn(redisServer!, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], {
      stdio: 'ignore',
    }),
  );
  await expect
    .poll(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim(), {
      timeout: 10_000,
    })
    .toBe('PONG');
  for (let k = 0; k < 2; k++) {
    children.push(
      spawn(process.execPath, [join(repoRoot, 'bin/evobox.mjs'), 'worker', '--redis', url], {
        stdio: 'ignore',
      }),
    );
  }
  writeFileSync(
    join(dir, 'problem.json'),
    JSON.stringify({
      name: 'distributed-gui',
      objective: {
        command: join(repoRoot, 'test/fixtures/distributed/objective.py'),
        protocol: 'line',
        env: { EVOBOX_TEST_SLEEP_MS: '40' },
      },
      parameters: [
        { name: 'a', lower: -2, upper: 2 },
        { name: 'b', lower: -2, upper: 2 },
      ],
      strategy: { name: 'cma-es', options: { populationSize: 6 } },
      budget: { evaluations: 60 },
      executor: { kind: 'bullmq', redis: url },
    }),
  );
});

test.afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('the executor picker and the Workers panel of a distributed run', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await openProblemByPath(page, join(dir, 'problem.json'));
  await page.getByRole('button', { name: /Next: strategy/ }).click();
  const picker = page.getByLabel('Evaluations run');
  await expect(picker).toHaveValue('bullmq');
  await expect(page.getByLabel('Redis URL')).toHaveValue(url);
  // A bad URL is flagged at once; back to the right one.
  await page.getByLabel('Redis URL').fill('http://nowhere');
  await page.getByLabel('Redis URL').blur();
  await expect(page.getByText('expected redis://host:6379/0 or rediss://…')).toBeVisible();
  await page.getByLabel('Redis URL').fill(url);
  await page.getByLabel('Redis URL').blur();
  // Local hides the Redis fields; bullmq brings them back with the URL kept.
  await picker.selectOption('local');
  await expect(page.getByLabel('Redis URL')).toHaveCount(0);
  await picker.selectOption('bullmq');
  await page.getByLabel('Redis URL').fill(url);
  await page.getByLabel('Redis URL').blur();

  await page.getByRole('button', { name: 'Start', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Workers' });
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('data-workers', '2', { timeout: 30_000 });
  await expect(panel.locator('tbody tr')).toHaveCount(2);
  await expect(page.locator('.status')).toHaveText('finished', { timeout: 90_000 });
  // Every evaluation was a job done by one of the two workers; the queue is empty again.
  await expect
    .poll(
      async () => {
        const counts = await panel
          .locator('tbody tr')
          .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-jobs-done'))));
        return counts.reduce((a, b) => a + b, 0);
      },
      { timeout: 10_000 },
    )
    .toBe(60);
  await expect(panel).toHaveAttribute('data-waiting', '0');
  await expect(page.getByTestId('queue-throughput')).toHaveText(/\d+(\.\d)?\/s|–/);
});
