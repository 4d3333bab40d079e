/**
 * The run folder: `runs/<YYYYMMDD-HHMMSS>-<name>/` holding
 * - `problem.json`   the resolved problem (absolute paths) as it was run,
 * - `run.json`       metadata: where the problem came from, overrides, evobox version,
 * - `journal.jsonl`  append-only, one line per evaluation,
 * - `checkpoint.json` the optimizer state (strategy, generator, counters), replaced atomically,
 * - `best.json`      best parameters so far, replaced atomically,
 * - `result.json`    written once the run ends (stop reason, counts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const runFiles = {
  problem: 'problem.json',
  meta: 'run.json',
  journal: 'journal.jsonl',
  checkpoint: 'checkpoint.json',
  best: 'best.json',
  result: 'result.json',
  scratch: 'work',
} as const;

export interface RunMeta {
  evoboxVersion: string;
  createdAt: string;
  problemFile?: string;
  baseDir: string;
}

function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-` +
    `${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/** Creates a fresh run folder under `runsDir`, never reusing an existing one. */
export function createRunDir(runsDir: string, name: string, now = new Date()): string {
  mkdirSync(runsDir, { recursive: true });
  const base = join(runsDir, `${timestamp(now)}-${name}`);
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
