/** Shared by the evaluation tests: fixture paths, a one-worker runner, process liveness. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createObjectiveRunner,
  type RunnerSettings,
} from '../../../../engine/node/evaluation/objective-runner';
import type {
  EvaluationJob,
  EvaluationResult,
  ObjectiveConfig,
} from '../../../../engine/node/evaluation/types';

export const python = '/usr/bin/python3';
export const executables = resolve(import.meta.dirname, '../../../fixtures/executables');
export const fixtures = resolve(import.meta.dirname, 'fixtures');

export function fixture(name: string): string {
  return join(executables, name);
}

export function temporaryDirectory(prefix = 'evobox-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function settings(overrides: Partial<RunnerSettings> = {}): RunnerSettings {
  return {
    workers: 1,
    cwd: executables,
    scratchDir: undefined,
    seed: 1,
    dimension: 2,
    parameterNames: ['x', 'y'],
    keepScratch: 'never',
    maxOutputBytes: undefined,
    ...overrides,
  };
}

/** Evaluates jobs with one in-thread runner (no piscina), then closes it. */
export async function evaluateWith(
  objective: ObjectiveConfig,
  jobs: EvaluationJob[],
  overrides: Partial<RunnerSettings> = {},
): Promise<EvaluationResult[]> {
  const runner = createObjectiveRunner(objective, settings(overrides), 0);
  try {
    return await runner.evaluate(jobs);
  } finally {
    await runner.close();
  }
}

export async function evaluateOne(
  objective: ObjectiveConfig,
  params: Record<string, number> = { x: 0, y: 0 },
  overrides: Partial<RunnerSettings> = {},
): Promise<EvaluationResult> {
  const [result] = await evaluateWith(objective, [{ index: 0, params }], overrides);
  return result;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits up to `ms` for a condition polled every 20 ms. */
export async function waitFor(condition: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

/** Pids of live processes whose command line contains `text` (for orphan checks). */
export function processesMatching(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text) && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
