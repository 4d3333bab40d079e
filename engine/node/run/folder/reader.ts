/**
 * Reading a run folder without changing it: for the History view, export and status
 * listings, which may look at a run another process is writing right now. Nothing here
 * writes, truncates or repairs (resume does that, holding the lock).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseProblem, type Problem } from '../../problem/schema';
import { countJournalLines, readJournal, type JournalRecord, type JournalScan } from './journal';
import { runFiles, type BestFile, type CheckpointFile, type ResultFile, type RunMeta } from './layout';
import { readLockHolder, type LockHolder } from './lock';
import { ParamRowsReader } from './param-rows';
import { openMatrices } from './checkpoint-matrices';
import { decodeState } from '../../../core/state-codec';
import { readStateFile, readStateFileLeniently } from './state-file';

/** The direction and name the History view needs, read from problem.json as it was written. */
export interface ProblemFileSummary {
  name?: string;
  strategy?: { name?: string };
  objective?: { direction?: string };
  parameters?: { name: string }[];
}

export class NotARunFolderError extends Error {}

export class RunFolderReader {
  constructor(readonly dir: string) {}

  path(file: keyof typeof runFiles): string {
    return join(this.dir, runFiles[file]);
  }

  /** A run folder has its problem and its metadata. */
  isRunFolder(): boolean {
    return existsSync(this.path('problem')) && existsSync(this.path('meta'));
  }

  /** The folder's creation time from run.json, else the folder's mtime. */
  createdAt(): string {
    const meta = readStateFileLeniently<RunMeta>(this.path('meta'));
    if (meta?.createdAt) return meta.createdAt;
    try {
      return statSync(this.dir).mtime.toISOString();
    } catch {
      return new Date(0).toISOString();
    }
  }

  meta(): RunMeta | null {
    return readStateFile<RunMeta>(this.path('meta'));
  }

  /** problem.json as JSON (lenient: null when missing or damaged). */
  problemJson<T = ProblemFileSummary>(): T | null {
    return readStateFileLeniently<T>(this.path('problem'));
  }

  /** The problem as it was run, validated; throws naming what is missing or wrong. */
  problem(): Problem {
    const problem = readStateFile<unknown>(this.path('problem'));
    if (problem === null)
      throw new NotARunFolderError(`${this.dir} is not a run folder (no ${runFiles.problem})`);
    const meta = this.meta();
    if (meta === null) throw new NotARunFolderError(`${this.dir} is not a run folder (no ${runFiles.meta})`);
    return parseProblem(problem, meta.baseDir);
  }

  direction(): 'minimize' | 'maximize' {
    return this.problemJson()?.objective?.direction === 'maximize' ? 'maximize' : 'minimize';
  }

  best(): BestFile | null {
    return readStateFile<BestFile>(this.path('best'));
  }

  result(): ResultFile | null {
    return readStateFile<ResultFile>(this.path('result'));
  }

  checkpoint(which: 'checkpoint' | 'previousCheckpoint' = 'checkpoint'): CheckpointFile | null {
    return readStateFile<CheckpointFile>(this.path(which));
  }

  /**
   * A checkpoint with its optimizer state decoded (large arrays read from its side file), or
   * null when there is none. Throws naming the file when it or its side file is damaged.
   */
  checkpointState<T>(
    which: 'checkpoint' | 'previousCheckpoint' = 'checkpoint',
  ): { checkpoint: CheckpointFile; state: T } | null {
    const checkpoint = this.checkpoint(which);
    if (checkpoint === null) return null;
    if (!checkpoint.matrices) return { checkpoint, state: decodeState<T>(checkpoint.optimizer) };
    const matrices = openMatrices(this.dir, checkpoint.matrices.file, checkpoint.matrices.float64s);
    try {
      return { checkpoint, state: decodeState<T>(checkpoint.optimizer, matrices.source) };
    } finally {
      matrices.close();
    }
  }

  lockHolder(): LockHolder | null {
    return readLockHolder(this.dir);
  }

  /** Every complete journal record from `from` on; a line being appended is left out. */
  journal(onRecord: (record: JournalRecord, line: string) => void, from = 0): JournalScan {
    const rows = this.paramRows();
    try {
      return readJournal(this.path('journal'), onRecord, from, rows ?? undefined);
    } finally {
      rows?.close();
    }
  }

  /** The parameter names in problem.json's order: the columns of params.f64 rows. */
  parameterNames(): string[] {
    return (this.problemJson()?.parameters ?? []).map((p) => p.name);
  }

  /**
   * A reader of params.f64 (the parameters of a large-n run's journal lines), or null when
   * the run has none. Close it after use.
   */
  paramRows(): ParamRowsReader | null {
    if (!existsSync(this.path('params'))) return null;
    const names = this.parameterNames();
    if (names.length === 0)
      throw new Error(`${this.path('params')} exists but problem.json names no parameters`);
    return new ParamRowsReader(this.path('params'), names);
  }

  journalLines(): number {
    return countJournalLines(this.path('journal'));
  }

  journalBytes(): number {
    try {
      return statSync(this.path('journal')).size;
    } catch {
      return 0;
    }
  }
}

export function openRunFolder(dir: string): RunFolderReader {
  return new RunFolderReader(dir);
}
