/**
 * Runs bench/python/pycma_driver.py (our driver; pycma itself comes from the checkout named
 * by PYCMA_PATH and is never committed) with one BLAS thread, and reads its JSON lines.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSettings } from './settings';

export const pythonCommand = process.env.EVOBOX_BENCH_PYTHON ?? '/usr/bin/python3';
const driver = fileURLToPath(new URL('../python/pycma_driver.py', import.meta.url));

export interface PycmaVersions {
  pycma: string;
  numpy: string;
  python: string;
}

export type PycmaAvailability = { ok: true; versions: PycmaVersions } | { ok: false; reason: string };

function driverEnvironment(pycmaPath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PYCMA_PATH: pycmaPath,
    // One thread, as in the reference figures: the bench compares single-core engines.
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    // pycma warns that matplotlib is missing; nothing to plot here.
    PYTHONWARNINGS: 'ignore',
  };
}

/**
 * Runs the driver with `request` on stdin; calls `onRecord` for each JSON line it prints.
 * Rejects with the driver's stderr when it fails.
 */
export function runPycmaDriver<T>(
  pycmaPath: string,
  request: unknown,
  onRecord: (record: T) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(pythonCommand, [driver], {
      cwd: tmpdir(),
      env: driverEnvironment(pycmaPath),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let pending = '';
    let stderr = '';
    let failure: Error | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line) continue;
        try {
          onRecord(JSON.parse(line) as T);
        } catch (error) {
          failure ??= error as Error;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (failure) reject(failure);
      else if (code !== 0) reject(new Error(`pycma driver exited with ${code}: ${stderr.trim()}`));
      else resolve();
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Checks that PYCMA_PATH is a pycma checkout and that python3 + numpy can run it. */
export async function checkPycma(settings: BenchSettings): Promise<PycmaAvailability> {
  const path = settings.pycmaPath;
  if (!path) return { ok: false, reason: 'PYCMA_PATH is not set' };
  if (!existsSync(join(path, 'cma', '__init__.py'))) {
    return { ok: false, reason: `PYCMA_PATH=${path} holds no cma/__init__.py` };
  }
  try {
    let versions: PycmaVersions | null = null;
    await runPycmaDriver<PycmaVersions>(path, { mode: 'version' }, (v) => (versions = v));
    if (!versions) return { ok: false, reason: 'the pycma driver printed no versions' };
    return { ok: true, versions };
  } catch (error) {
    return {
      ok: false,
      reason: `${pythonCommand} cannot run pycma: ${(error as Error).message.split('\n').pop()}`,
    };
  }
}
