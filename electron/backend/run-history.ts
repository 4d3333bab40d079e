/**
 * Past runs, read back from their folders (problem.json, run.json, best.json, result.json,
 * journal.jsonl) for the History view: a listing, and one run's per-generation curve.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FailureInfo, ProblemDraft, RunCurve, RunDetail, RunStatus, RunSummary } from '../ipc-contract';
import { readJson, runFiles, type JournalRecord, type RunMeta } from './engine';

interface ResultFile {
  stopReason?: string;
  evaluations?: number;
  error?: string;
}

interface BestFile {
  params: Record<string, number>;
  fitness: number;
}

function tryRead<T>(path: string): T | null {
  try {
    return readJson<T>(path);
  } catch {
    return null;
  }
}

/** Counts newline-terminated lines without parsing them (for listings of big journals). */
export function countLines(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 0;
  }
  try {
    const buffer = Buffer.alloc(1 << 20);
    let count = 0;
    let position = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      position += read;
      for (let k = 0; k < read; k++) if (buffer[k] === 10) count++;
    }
    return count;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads journal records without modifying the file. The engine's own reader truncates a
 * torn last line, which is right for resume but wrong for a viewer: another process (a CLI
 * run in the same runs folder) may be appending that very line.
 */
export function readJournalReadOnly(path: string, onRecord: (record: JournalRecord) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    const buffer = Buffer.alloc(1 << 20);
    let carry = '';
    let position = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      position += read;
      const lines = (carry + buffer.toString('utf8', 0, read)).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          onRecord(JSON.parse(line) as JournalRecord);
        } catch {
          return; // a torn line: nothing after it is trustworthy
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, runFiles.problem)) && existsSync(join(dir, runFiles.meta));
}

/** Summary of one run folder; `active` is the status of a run this backend is running. */
export function summarizeRun(runDir: string, active?: RunStatus): RunSummary {
  const problem = tryRead<ProblemDraft>(join(runDir, runFiles.problem));
  const meta = tryRead<RunMeta>(join(runDir, runFiles.meta));
  const result = tryRead<ResultFile>(join(runDir, runFiles.result));
  const best = tryRead<BestFile>(join(runDir, runFiles.best));
  let createdAt = meta?.createdAt;
  if (!createdAt) {
    try {
      createdAt = statSync(runDir).mtime.toISOString();
    } catch {
      createdAt = new Date(0).toISOString();
    }
  }
  const status: RunSummary['status'] =
    active ?? (result ? (result.error ? 'failed' : 'finished') : 'interrupted');
  const evaluations =
    !active && result?.evaluations !== undefined
      ? result.evaluations
      : countLines(join(runDir, runFiles.journal));
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
  const problem = tryRead<ProblemDraft>(join(runDir, runFiles.problem));
  const maximize = problem?.objective?.direction === 'maximize';
  const records: JournalRecord[] = [];
  const failures: FailureInfo[] = [];
  let failed = 0;
  readJournalReadOnly(join(runDir, runFiles.journal), (record) => {
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
  const best = tryRead<BestFile>(join(runDir, runFiles.best));
  return {
    summary: summarizeRun(runDir, active),
    problem,
    best: best ? { params: best.params, fitness: best.fitness } : null,
    curve: decimateCurve(curveFromRecords(records, maximize), maxPoints, maximize),
    failures,
    failedEvaluations: failed,
  };
}
