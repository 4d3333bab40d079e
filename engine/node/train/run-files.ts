/**
 * The files of a training run folder, written atomically (temp file + rename) so a kill -9
 * leaves either the old or the new version:
 *   train.json       the resolved problem (marks the folder as a training run)
 *   journal.jsonl    one line per step: losses, F calls, failures
 *   checkpoint.json  trainer state, generator state and counters after a step
 *   model.json, model.mjs, model.py   the trained model and its standalone inference code
 *   result.json      the summary, once the run has ended
 *   predictions.json F(x, NN(x)) and the targets of the validation rows, at the last validation
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainStepRecord } from '../../core/run-records';

export const trainFiles = {
  problem: 'train.json',
  journal: 'journal.jsonl',
  checkpoint: 'checkpoint.json',
  model: 'model.json',
  modelJs: 'model.mjs',
  modelPy: 'model.py',
  result: 'result.json',
  predictions: 'predictions.json',
} as const;

/** The validation rows' targets and predictions (F at the model's outputs), data units. */
export interface ValidationPredictions {
  step: number;
  fCalls: number;
  targets: number[][];
  /** null where F failed for that row. */
  predictions: (number[] | null)[];
}

export function writeAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

export function isTrainRun(runDir: string): boolean {
  return existsSync(join(runDir, trainFiles.problem));
}

/** A journal line as the trainer writes it: with its metrics. */
export type JournalLine = TrainStepRecord & { metrics: Record<string, number | null> };

export function readJournal(runDir: string): JournalLine[] {
  const path = join(runDir, trainFiles.journal);
  if (!existsSync(path)) return [];
  const lines: JournalLine[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line) as JournalLine);
    } catch {
      break; // a line cut by a kill: everything before it is whole
    }
  }
  return lines;
}

/** JSON with non-finite numbers as null (a NaN loss is "no value", not a parse error). */
export function jsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
