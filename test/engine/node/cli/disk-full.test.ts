/**
 * A full disk, before a run starts and during it, on a real full file system: a small tmpfs
 * mounted for the test (needs root; skipped otherwise). The same message either way, one
 * JSON object under --json, and nothing left behind by a run that never started.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evobox } from '../../../evobox-process';
import { scratchDirectories } from '../../../scratch-directories';

const scratch = scratchDirectories('evobox-problem-');

/** Mounts a tmpfs of `size` at a fresh folder; null when this process may not mount. */
function mountTmpfs(size: string): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'evobox-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return dir;
}

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Fills a file system with one file until a write fails with ENOSPC. */
function fill(dir: string): void {
  const block = Buffer.alloc(4096, 1);
  const path = join(dir, 'filler');
  writeFileSync(path, '');
  for (let k = 0; k < 100_000; k++) {
    try {
      writeFileSync(path, block, { flag: 'a' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
  }
  throw new Error(`${dir} never filled up`);
}

function problemFile(dir: string, evaluations: number): string {
  const path = join(dir, 'sphere.problem.json');
  writeFileSync(
    path,
    JSON.stringify({
      name: 'sphere',
      objective: { builtin: 'sphere', dimension: 3 },
      budget: { evaluations },
      seed: 2,
    }),
  );
  return path;
}

const canMount = mountTmpfs('64k');
if (canMount) mounts.push(canMount);

describe.skipIf(!canMount)('a full disk', () => {
  it('before the run starts: the disk-full message, one JSON object, no folder or temporary file left', async () => {
    const disk = canMount!;
    const runs = join(disk, 'runs');
    mkdirSync(runs);
    const problem = problemFile(scratch(), 100);
    fill(disk);
    const { code, stdout, stderr } = await evobox(['run', problem, '--json', '--runs-dir', runs]);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(result).toMatchObject({ runDir: null, stopReason: 'error', evaluations: 0 });
    expect(result.error).toMatch(
      /^the disk is full \(writing to .*\); free some space and start the run again/,
    );
    expect(stderr).toBe(`evobox: ${result.error}\n`);
    expect(readdirSync(runs)).toEqual([]); // no empty run folder, no problem.json.tmp-*
    rmSync(join(disk, 'filler'));
  });

  it('during the run: the same message, with the resume command', async () => {
    const disk = mountTmpfs('64k');
    expect(disk).not.toBeNull();
    mounts.push(disk!);
    const problem = problemFile(scratch(), 100_000);
    const { code, stdout, stderr } = await evobox(['run', problem, '--json', '--runs-dir', disk!]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.error).toBe(
      `the disk is full (writing to ${result.runDir}); free some space and run \`evobox resume ${result.runDir}\``,
    );
    expect(stderr).toContain(result.error);
  });
});
