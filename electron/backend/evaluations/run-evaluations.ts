/**
 * The backend side of the evaluations table and the analysis views: a small cache of runs'
 * journal columns (the last few runs looked at), refreshed from the file on every request so
 * a live run's new rows appear, and the answers of the runs:evaluation* channels.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  FailureInfo,
  EvaluationDetail,
  EvaluationFilter,
  EvaluationPage,
  EvaluationSample,
  EvaluationSort,
} from '../../ipc-contract';
import { loadRunProblem, runFiles, type Problem } from '../engine';
import { CurveBuilder, maxFailuresListed, type JournalSummary } from '../run-history';
import { evaluationCommand } from './evaluation-command';
import { EvaluationQuery, rowAt } from './evaluation-query';
import { JournalColumns, readRecordAt } from './journal-columns';

interface CachedRun {
  problem: Problem;
  columns: JournalColumns;
  query: EvaluationQuery;
  /** The read of the journal under way (one per run, shared by every request), or null. */
  reading: Promise<CachedRun> | null;
  /** Size of the journal when the read under way started (for progress). */
  journalBytes: number;
}

/** Runs kept in memory at once (a 10⁶-row, 10-parameter journal is ≈ 150 MB of columns). */
const maxCachedRuns = 3;
/** Longest stretch the journal reader keeps the backend's thread. */
const sliceMs = 30;

/**
 * A page in journal order whose rows are read already is answered at once, marked `reading`,
 * when the journal is not read to its end within the first slice: a 10⁶-line journal takes
 * seconds, its first page need not. A live run's few new lines are read in that first
 * slice, so its answers stay complete.
 */
export class RunEvaluations {
  private readonly cache = new Map<string, CachedRun>();

  /** `sliceMs`: longest stretch a read keeps the thread (tests make it 0: one 1 MB chunk a slice). */
  constructor(private readonly options: { sliceMs?: number } = {}) {}

  private fresh(runDir: string, problem: Problem = loadRunProblem(runDir)): CachedRun {
    const columns = new JournalColumns(problem.parameters.map((p) => p.name));
    return { problem, columns, query: new EvaluationQuery(columns), reading: null, journalBytes: 0 };
  }

  /** The cached run (made if needed, most recently used), without reading anything. */
  private entry(runDir: string): CachedRun {
    let run = this.cache.get(runDir);
    if (run)
      this.cache.delete(runDir); // re-inserted below: the Map's order is the LRU order
    else run = this.fresh(runDir);
    this.cache.set(runDir, run);
    while (this.cache.size > maxCachedRuns) this.cache.delete(this.cache.keys().next().value!);
    return run;
  }

  /**
   * Reads what was appended to the journal since the last read. A million-line journal
   * takes seconds: it is read in slices, so the backend keeps answering (Pause, progress)
   * meanwhile, and requests arriving during a read share it instead of starting another.
   */
  private read(runDir: string, run: CachedRun): Promise<CachedRun> {
    if (run.reading) return run.reading;
    const path = join(runDir, runFiles.journal);
    run.journalBytes = fileSize(path);
    // The read may end in its first slice, before the promise is stored: `shared.finished`.
    const shared: { reading: Promise<CachedRun> | null; finished: boolean } = {
      reading: null,
      finished: false,
    };
    const reading = (async () => {
      let current = run;
      try {
        for (let attempt = 0; ; attempt++) {
          const state = current.columns.refresh(path, performance.now() + (this.options.sliceMs ?? sliceMs));
          if (state === 'done') return current;
          if (state === 'reset') {
            if (attempt > 3) throw new Error(`${path} keeps being replaced while it is read`);
            // A resume replaced the journal: start over in a new entry, in place of this one.
            current = this.fresh(runDir, current.problem);
            current.reading = shared.reading; // null while still in the first, synchronous slice
            current.journalBytes = fileSize(path);
            if (this.cache.has(runDir)) this.cache.set(runDir, current);
          }
          await new Promise((wake) => setImmediate(wake));
        }
      } finally {
        shared.finished = true;
        run.reading = null;
        current.reading = null;
      }
    })();
    if (!shared.finished) {
      shared.reading = reading;
      run.reading = reading;
    }
    return reading;
  }

  private async open(runDir: string): Promise<CachedRun> {
    return this.read(runDir, this.entry(runDir));
  }

  async page(
    runDir: string,
    offset: number,
    limit: number,
    sort?: EvaluationSort,
    filter?: EvaluationFilter,
  ): Promise<EvaluationPage> {
    const run = this.entry(runDir);
    const reading = this.read(runDir, run);
    // In journal order the rows asked for may be there long before the whole journal is.
    if (run.reading && !sort && !filter && run.columns.rows >= offset + limit) {
      return {
        ...run.query.page(offset, limit, undefined, undefined),
        reading: { bytesRead: run.columns.bytes, bytes: Math.max(run.journalBytes, run.columns.bytes) },
      };
    }
    return (await reading).query.page(offset, limit, sort, filter);
  }

  /**
   * The journal's curve and failures for runs:read, from the cached columns: opening a run
   * reads its journal once, in slices, for the chart and the table alike.
   */
  async summary(runDir: string, waitMs = Infinity): Promise<JournalSummary> {
    const run = this.entry(runDir);
    const reading = this.read(runDir, run);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await (Number.isFinite(waitMs)
      ? Promise.race([reading, new Promise<null>((wake) => (timer = setTimeout(() => wake(null), waitMs)))])
      : reading);
    clearTimeout(timer);
    const { problem, columns } = done ?? run;
    const builder = new CurveBuilder(problem.objective.direction === 'maximize');
    const failures: FailureInfo[] = [];
    const journal = join(runDir, runFiles.journal);
    for (let row = 0; row < columns.rows; row++) {
      const fitness = columns.fitnessAt(row);
      builder.add(columns.index.get(row), columns.generation.get(row), fitness);
      if (failures.length < maxFailuresListed && columns.isFailed(row)) {
        const record = readRecordAt(journal, columns.lineStart.get(row), columns.lineLength.get(row));
        failures.push({
          index: record.index,
          error: record.error ?? 'no fitness',
          ...(record.stderrTail ? { stderrTail: record.stderrTail } : {}),
          params: record.params,
        });
      }
    }
    return {
      curve: builder.finish(),
      failures,
      failed: columns.failed,
      ...(done
        ? {}
        : { reading: { bytesRead: columns.bytes, bytes: Math.max(run.journalBytes, columns.bytes) } }),
    };
  }

  async detail(runDir: string, row: number): Promise<EvaluationDetail> {
    const { problem, columns } = await this.open(runDir);
    if (row >= columns.rows)
      throw new Error(`row must be < ${columns.rows} (the journal has ${columns.rows} rows; got ${row})`);
    const record = readRecordAt(
      join(runDir, runFiles.journal),
      columns.lineStart.get(row),
      columns.lineLength.get(row),
      columns.parameterNames,
    );
    return {
      row: rowAt(columns, row),
      params: record.params,
      ...(record.extras ? { extras: record.extras } : {}),
      ...(record.stdoutTail ? { stdoutTail: record.stdoutTail } : {}),
      ...(record.stderrTail ? { stderrTail: record.stderrTail } : {}),
      command: evaluationCommand(problem, runDir, record.index, record.params),
    };
  }

  async sample(runDir: string, maxRows: number): Promise<EvaluationSample> {
    const { problem, columns } = await this.open(runDir);
    const total = columns.rows;
    const stride = Math.max(1, total / maxRows);
    const rows: number[] = [];
    for (let k = 0; k < Math.min(total, maxRows); k++) rows.push(Math.floor(k * stride));
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return {
      total,
      parameters: problem.parameters.map((p) => ({
        name: p.name,
        ...(p.lower !== undefined ? { lower: p.lower } : {}),
        ...(p.upper !== undefined ? { upper: p.upper } : {}),
        ...(p.scale ? { scale: p.scale } : {}),
      })),
      direction: problem.objective.direction ?? 'minimize',
      index: rows.map((r) => columns.index.get(r)),
      generation: rows.map((r) => columns.generation.get(r)),
      fitness: rows.map((r) => finite(columns.fitness.get(r))),
      params: columns.params.map((column) => rows.map((r) => column.get(r))),
    };
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
