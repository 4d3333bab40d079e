/**
 * The backend side of the evaluations table and the analysis views: a small cache of runs'
 * journal columns (the last few runs looked at), refreshed from the file on every request so
 * a live run's new rows appear, and the answers of the runs:evaluation* channels.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  EvaluationDetail,
  EvaluationFilter,
  EvaluationPage,
  EvaluationSample,
  EvaluationSort,
} from '../../ipc-contract';
import { loadRunProblem, runFiles, type Problem } from '../engine';
import { evaluationCommand } from './evaluation-command';
import { EvaluationQuery, rowAt } from './evaluation-query';
import { JournalColumns, readRecordAt } from './journal-columns';

interface CachedRun {
  problem: Problem;
  columns: JournalColumns;
  query: EvaluationQuery;
}

/** Runs kept in memory at once (a 10⁶-row, 10-parameter journal is ≈ 150 MB of columns). */
const maxCachedRuns = 3;
/** Longest stretch the journal reader keeps the backend's thread. */
const sliceMs = 30;

export class RunEvaluations {
  private readonly cache = new Map<string, CachedRun>();

  private async open(runDir: string): Promise<CachedRun> {
    let run = this.cache.get(runDir);
    if (run) {
      this.cache.delete(runDir); // re-inserted below: the Map's order is the LRU order
    } else {
      const problem = loadRunProblem(runDir);
      const columns = new JournalColumns(problem.parameters.map((p) => p.name));
      run = { problem, columns, query: new EvaluationQuery(columns) };
    }
    const path = join(runDir, runFiles.journal);
    // A million-line journal takes seconds to read: in slices, so the backend keeps
    // answering (Pause, progress) meanwhile.
    for (let attempt = 0; ; attempt++) {
      const state = run.columns.refresh(path, performance.now() + sliceMs);
      if (state === 'done') break;
      if (state === 'reset') {
        if (attempt > 3) throw new Error(`${path} keeps being replaced while it is read`);
        const problem: Problem = run.problem;
        const columns = new JournalColumns(problem.parameters.map((p) => p.name));
        run = { problem, columns, query: new EvaluationQuery(columns) };
      }
      await new Promise((wake) => setImmediate(wake));
    }
    this.cache.set(runDir, run);
    while (this.cache.size > maxCachedRuns) this.cache.delete(this.cache.keys().next().value!);
    return run;
  }

  async page(
    runDir: string,
    offset: number,
    limit: number,
    sort?: EvaluationSort,
    filter?: EvaluationFilter,
  ): Promise<EvaluationPage> {
    return (await this.open(runDir)).query.page(offset, limit, sort, filter);
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
