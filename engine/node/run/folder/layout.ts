/**
 * The run folder's layout: `runs/<YYYYMMDD-HHMMSS>-<name>/` holding
 * - `problem.json`         the resolved problem (absolute paths) as it was run,
 * - `run.json`             metadata: where the problem came from, evobox version,
 * - `journal.jsonl`        append-only, one line per evaluation,
 * - `params.f64`           large n only: the evaluations' parameters as float64 rows (param-rows.ts),
 * - `checkpoint.json`      the optimizer state (strategy, generator, counters), replaced atomically,
 * - `checkpoint-<stamp>.f64` its large arrays as raw float64s (checkpoint-matrices.ts), one per checkpoint,
 * - `checkpoint.prev.json` the checkpoint before it, kept in case the newest one is damaged,
 * - `best.json`            best parameters so far, replaced atomically,
 * - `result.json`          written once the run ends (stop reason, counts),
 * - `lock.json`            present while a process writes the run (see lock.ts),
 * - `work/`                scratch directories of evaluations.
 * Only the modules of this folder know these names and shapes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../types';
import type { CheckpointCost } from '../checkpoint-policy';

export const runFiles = {
  problem: 'problem.json',
  meta: 'run.json',
  journal: 'journal.jsonl',
  params: 'params.f64',
  checkpoint: 'checkpoint.json',
  previousCheckpoint: 'checkpoint.prev.json',
  best: 'best.json',
  result: 'result.json',
  lock: 'lock.json',
  scratch: 'work',
} as const;

export interface RunMeta {
  evoboxVersion: string;
  createdAt: string;
  problemFile?: string;
  baseDir: string;
}

export interface CheckpointFile {
  /** 1: every array inline as JSON; 2: large arrays in the side file `matrices` names. */
  version: 1 | 2;
  savedAt: string;
  /**
   * Journal length when the checkpoint was taken: resume replays only the lines after it.
   * A checkpoint taken mid-generation (a run ended by a signal) records where that
   * generation's lines begin, so the evaluations it finished are replayed, not re-run.
   */
  journalBytes?: number;
  /** Rows of params.f64 when the checkpoint was taken (large-n journals; resume cuts it back to them at least). */
  paramsRows?: number;
  /** Evaluations the optimizer had been told of (what the journal must hold below journalBytes). */
  evaluations?: number;
  optimizer: unknown;
  /** Version 2: the side file holding the state's `$f64at` arrays, and its length in float64s. */
  matrices?: { file: string; float64s: number };
  /** What writing checkpoints cost this run so far (the checkpoint interval adapts to it). */
  cost?: CheckpointCost;
}

export interface BestFile {
  params: Record<string, number>;
  fitness: number;
  index: number;
  generation?: number;
  evaluations: number;
  direction?: 'minimize' | 'maximize';
  updatedAt?: string;
}

/** `result.json` holds the run's result as the runner returned it. */
export type ResultFile = RunResult;

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
