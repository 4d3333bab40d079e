/**
 * Every bundled example runs as the README says (`evobox run examples/<name>/problem.json`,
 * or `evobox train` for a training problem) and completes without failed evaluations.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const examples = readdirSync(join(root, 'examples'))
  .flatMap((name) =>
    readdirSync(join(root, 'examples', name))
      .filter((file) => file === 'problem.json' || file.endsWith('.problem.json'))
      .map((file) => `${name}/${file}`),
  )
  .filter((path) => existsSync(join(root, 'examples', path)))
  .sort();

const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

describe('examples', () => {
  it('exist', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  const isTraining = (path: string) =>
    'trainer' in (JSON.parse(readFileSync(join(root, 'examples', path), 'utf8')) as object);

  it.each(examples.filter((path) => isTraining(path)))('%s trains (40 steps) and improves', (path) => {
    const runsDir = mkdtempSync(join(tmpdir(), 'evobox-example-'));
    scratchDirs.push(runsDir);
    const out = spawnSync(
      process.execPath,
      [
        join(root, 'bin/evobox.mjs'),
        'train',
        join('examples', path),
        '--json',
        '--steps',
        '40',
        '--runs-dir',
        runsDir,
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.failures).toBe(0);
    expect(result.steps).toBe(40);
    // 1 = always predicting the targets' mean (standardised units).
    expect(result.validationLoss).toBeLessThan(1);
  });

  it.each(examples.filter((path) => !isTraining(path)))('%s runs to completion', (path) => {
    const runsDir = mkdtempSync(join(tmpdir(), 'evobox-example-'));
    scratchDirs.push(runsDir);
    const out = spawnSync(
      process.execPath,
      [join(root, 'bin/evobox.mjs'), 'run', join('examples', path), '--json', '--runs-dir', runsDir],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.failedEvaluations).toBe(0);
    expect(Number.isFinite(result.best.fitness)).toBe(true);
    expect(result.evaluations).toBeGreaterThan(0);
  });
});
