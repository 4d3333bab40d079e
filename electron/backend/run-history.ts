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
 * Per-generation series from journal records in index order: evaluations so far, best so
 * far (in the problem's direction), the generation's best and median. Duplicate indices
 * (a record written twice around a crash) count once.
 */
export function curveFromRecords(records: readonly JournalRecord[], maximize: boolean): RunCurve {
  const curve: RunCurve = { evaluations: [], bestSoFar: [], generationMin: [], generationMedian: [] };
  const seen = new Set<number>();
  let best: number | null = null;
  let generation: number | null = null;
  let values: number[] = [];
  let count = 0;
  const better = (a: number, b: number) => (maximize ? a > b : a < b);
  const close = () => {
    if (generation === null) return;
    curve.evaluations.push(count);
    curve.bestSoFar.push(best);
    const sorted = values.length ? values.reduce((a, b) => (better(a, b) ? a : b)) : null;
    curve.generationMin.push(sorted);
    curve.generationMedian.push(median(values));
  };
  for (const record of records) {
    if (seen.has(record.index)) continue;
    seen.add(record.index);
    if (record.generation !== generation) {
      close();
      generation = record.generation;
      values = [];
    }
    count++;
    const fitness = record.fitness;
    if (fitness !== null && Number.isFinite(fitness)) {
      values.push(fitness);
      if (best === null || better(fitness, best)) best = fitness;
    }
  }
  close();
  return curve;
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

export function readRun(runDir: string, maxPoints: number, active?: RunStatus): RunDetail {
  if (!isRunDir(runDir))
    throw new Error(`${runDir} is not a run folder (no ${runFiles.problem} / ${runFiles.meta})`);
  const folder = openRunFolder(runDir);
  const problem = folder.problemJson<ProblemDraft>();
  const maximize = problem?.objective?.direction === 'maximize';
  const records: JournalRecord[] = [];
  const failures: FailureInfo[] = [];
  let failed = 0;
  folder.journal((record) => {
    records.push(record);
    if (record.fitness === null || record.error) {
      failed++;
      if (failures.length < 200) {
        failures.push({
          index: record.index,
          error: record.error ?? 'no fitness',
          ...(record.stderrTail ? { stderrTail: record.stderrTail } : {}),
          params: record.params,
        });
      }
    }
  });
  const best = lenient(() => folder.best());
  return {
    summary: summarize(folder, active),
    problem,
    best: best ? { params: best.params, fitness: best.fitness } : null,
    curve: decimateCurve(curveFromRecords(records, maximize), maxPoints, maximize),
    failures,
    failedEvaluations: failed,
  };
}
