/**
 * Past runs, read back from their folders for the History view: a listing, and one run's
 * per-generation curve. Reads through the engine's run-folder reader, which never modifies a
 * folder (another process may be writing it right now).
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FailureInfo, ProblemDraft, RunCurve, RunDetail, RunStatus, RunSummary } from '../ipc-contract';
import { openRunFolder, runFiles, type JournalRecord, type RunFolderReader } from './engine';

/** A state file that is damaged reads as absent here: a listing shows what it can. */
function lenient<T>(read: () => T | null): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

export function isRunDir(dir: string): boolean {
  return openRunFolder(dir).isRunFolder();
}

/** Summary of one run folder; `active` is the status of a run this backend is running. */
export function summarizeRun(runDir: string, active?: RunStatus): RunSummary {
  return summarize(openRunFolder(runDir), active);
}

function summarize(folder: RunFolderReader, active?: RunStatus): RunSummary {
  const runDir = folder.dir;
  const problem = folder.problemJson<ProblemDraft>();
  const result = lenient(() => folder.result());
  const best = lenient(() => folder.best());
  const createdAt = folder.createdAt();
  const status: RunSummary['status'] =
    active ?? (result ? (result.error ? 'failed' : 'finished') : 'interrupted');
  const evaluations =
    !active && result?.evaluations !== undefined ? result.evaluations : folder.journalLines();
  return {
    runDir,
    name: problem?.name ?? basename(runDir),
    createdAt,
    status,
    ...(problem?.strategy?.name ? { strategy: problem.strategy.name } : {}),
    evaluations,
    bestFitness: best && Number.isFinite(best.fitness) ? best.fitness : null,
    ...(result?.stopReason ? { stopReason: result.stopReason } : {}),
  };
}

/** Run folders directly inside `runsDir`, newest first. */
export function listRuns(runsDir: string, active: ReadonlyMap<string, RunStatus>): RunSummary[] {
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return [];
  }
  return names
    .map((name) => join(runsDir, name))
    .filter(isRunDir)
    .map((dir) => summarizeRun(dir, active.get(dir)))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runDir.localeCompare(a.runDir));
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/**
 * Per-generation series from journal rows in index order, fed one row at a time: evaluations
 * so far, best so far (in the problem's direction), the generation's best and median.
 * Duplicate indices (a record written twice around a crash) count once.
 */
export class CurveBuilder {
  private readonly curve: RunCurve = {
    evaluations: [],
    bestSoFar: [],
    generationMin: [],
    generationMedian: [],
  };
  private readonly seen = new Set<number>();
  private best: number | null = null;
  private generation: number | null = null;
  private values: number[] = [];
  private count = 0;

  constructor(private readonly maximize: boolean) {}

  private better(a: number, b: number): boolean {
    return this.maximize ? a > b : a < b;
  }

  private close(): void {
    if (this.generation === null) return;
    this.curve.evaluations.push(this.count);
    this.curve.bestSoFar.push(this.best);
    const values = this.values;
    this.curve.generationMin.push(
      values.length ? values.reduce((a, b) => (this.better(a, b) ? a : b)) : null,
    );
    this.curve.generationMedian.push(median(values));
  }

  add(index: number, generation: number, fitness: number | null): void {
    if (this.seen.has(index)) return;
    this.seen.add(index);
    if (generation !== this.generation) {
      this.close();
      this.generation = generation;
      this.values = [];
    }
    this.count++;
    if (fitness !== null && Number.isFinite(fitness)) {
      this.values.push(fitness);
      if (this.best === null || this.better(fitness, this.best)) this.best = fitness;
    }
  }

  finish(): RunCurve {
    this.close();
    this.generation = null;
    return this.curve;
  }
}

export function curveFromRecords(records: readonly JournalRecord[], maximize: boolean): RunCurve {
  const builder = new CurveBuilder(maximize);
  for (const record of records) builder.add(record.index, record.generation, record.fitness);
  return builder.finish();
}

/** What readRun takes from the journal: its whole curve and its failures (the first 200 in full). */
export interface JournalSummary {
  curve: RunCurve;
  failures: FailureInfo[];
  failed: number;
  /** Set when only part of the journal was read yet. */
  reading?: { bytesRead: number; bytes: number };
}

export const maxFailuresListed = 200;

/** Reads the journal in one go (the evaluations cache reads it in slices: RunEvaluations.summary). */
function summarizeJournal(folder: RunFolderReader, maximize: boolean): JournalSummary {
  const builder = new CurveBuilder(maximize);
  const failures: FailureInfo[] = [];
  let failed = 0;
  folder.journal((record) => {
    builder.add(record.index, record.generation, record.fitness);
    if (record.fitness === null || record.error) {
      failed++;
      if (failures.length < maxFailuresListed) {
        failures.push({
          index: record.index,
          error: record.error ?? 'no fitness',
          ...(record.stderrTail ? { stderrTail: record.stderrTail } : {}),
          params: record.params,
        });
      }
    }
  });
  return { curve: builder.finish(), failures, failed };
}

/** Keeps at most `maxPoints` generations: the last of each bucket, with the bucket's best generation value. */
export function decimateCurve(curve: RunCurve, maxPoints: number, maximize: boolean): RunCurve {
  const length = curve.evaluations.length;
  if (length <= maxPoints) return curve;
  const out: RunCurve = { evaluations: [], bestSoFar: [], generationMin: [], generationMedian: [] };
  for (let bucket = 0; bucket < maxPoints; bucket++) {
    const from = Math.floor((bucket * length) / maxPoints);
    const to = Math.floor(((bucket + 1) * length) / maxPoints);
    if (to <= from) continue;
    let extreme: number | null = null;
    for (let k = from; k < to; k++) {
      const v = curve.generationMin[k];
      if (v !== null && (extreme === null || (maximize ? v > extreme : v < extreme))) extreme = v;
    }
    out.evaluations.push(curve.evaluations[to - 1]);
    out.bestSoFar.push(curve.bestSoFar[to - 1]);
    out.generationMin.push(extreme);
    out.generationMedian.push(curve.generationMedian[to - 1]);
  }
  return out;
}

/**
 * One run for the Run view. `journal`: its journal already summarised (by the evaluations
 * cache, which reads a long journal without holding the thread); else it is read here.
 */
export function readRun(
  runDir: string,
  maxPoints: number,
  active?: RunStatus,
  journal?: JournalSummary,
): RunDetail {
  if (!isRunDir(runDir))
    throw new Error(`${runDir} is not a run folder (no ${runFiles.problem} / ${runFiles.meta})`);
  const folder = openRunFolder(runDir);
  const problem = folder.problemJson<ProblemDraft>();
  const maximize = problem?.objective?.direction === 'maximize';
  const { curve, failures, failed, reading } = journal ?? summarizeJournal(folder, maximize);
  const best = lenient(() => folder.best());
  return {
    summary: summarize(folder, active),
    problem,
    best: best ? { params: best.params, fitness: best.fitness } : null,
    curve: decimateCurve(curve, maxPoints, maximize),
    failures,
    failedEvaluations: failed,
    ...(reading ? { reading } : {}),
  };
}
