/**
 * A run's journal as columns, read incrementally and read-only. The evaluations table pages,
 * sorts and filters up to millions of rows; keeping one Float64Array per numeric field
 * (8 bytes a value, instead of a parsed object per row) lets a sort touch only the column it
 * sorts by, and a live run's journal is read from where the last query stopped.
 *
 * The journal is never opened for writing: a line still being appended by the run (no
 * newline yet) is simply left for the next read.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ParamRowsReader, parseJournalLine, runFiles, type JournalRecord } from '../engine';

/** A journal line as parsed: a large-n run's lines hold a params.f64 row number instead of params. */
type JournalLine = JournalRecord & { paramsRow?: number };

/** params.f64 beside the journal at `path`, when the run has one. */
function paramRowsBeside(path: string, names: readonly string[]): ParamRowsReader {
  return new ParamRowsReader(join(dirname(path), runFiles.params), names);
}

/** A growable Float64Array (amortised doubling). */
export class NumberColumn {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  get(row: number): number {
    return this.data[row];
  }

  /** A view of the filled part (no copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** A value of an extras column: numbers sort numerically, anything else as its text. */
export type ExtraValue = number | string | null;

export class JournalColumns {
  readonly index = new NumberColumn();
  readonly generation = new NumberColumn();
  /** NaN for a failed evaluation. */
  readonly fitness = new NumberColumn();
  readonly ms = new NumberColumn();
  readonly worker = new NumberColumn();
  /** One column per parameter, in the problem's order (NaN when a record lacks it). */
  readonly params: NumberColumn[];
  /** Byte offset and length of each row's journal line, to read its details later. */
  readonly lineStart = new NumberColumn();
  readonly lineLength = new NumberColumn();
  /** Errors by row (sparse: most rows have none). */
  readonly errors = new Map<number, string>();
  readonly extraNames: string[] = [];
  /** Extras columns by name, each as long as the row count (null where a record lacks it). */
  readonly extras = new Map<string, ExtraValue[]>();
  /** Bytes of the journal consumed so far (always at a line boundary). */
  bytes = 0;
  /** Size and identity of the file last seen, to notice a replaced or truncated journal. */
  private inode = -1;

  constructor(readonly parameterNames: readonly string[]) {
    this.params = parameterNames.map(() => new NumberColumn());
  }

  get rows(): number {
    return this.index.length;
  }

  get failed(): number {
    return this.errors.size + this.nullFitnessWithoutError;
  }

  private nullFitnessWithoutError = 0;

  append(record: JournalLine, start: number, length: number, rows?: ParamRowsReader): void {
    const row = this.rows;
    this.index.push(record.index);
    this.generation.push(record.generation);
    const fitness = typeof record.fitness === 'number' ? record.fitness : Number.NaN;
    this.fitness.push(fitness);
    this.ms.push(record.ms ?? Number.NaN);
    this.worker.push(record.worker ?? Number.NaN);
    if (record.paramsRow !== undefined && record.params === undefined && rows?.has(record.paramsRow)) {
      const values = rows.values(record.paramsRow);
      for (let k = 0; k < this.params.length; k++) this.params[k].push(values[k]);
    } else {
      this.parameterNames.forEach((name, k) => {
        const value = record.params?.[name];
        this.params[k].push(typeof value === 'number' ? value : Number.NaN);
      });
    }
    this.lineStart.push(start);
    this.lineLength.push(length);
    if (record.error) this.errors.set(row, record.error);
    else if (Number.isNaN(fitness)) this.nullFitnessWithoutError++;
    if (record.extras) {
      for (const [name, value] of Object.entries(record.extras)) {
        let column = this.extras.get(name);
        if (!column) {
          column = new Array<ExtraValue>(row).fill(null);
          this.extras.set(name, column);
          this.extraNames.push(name);
        }
        column.length = row;
        column.push(
          typeof value === 'number' || typeof value === 'string' || value === null
            ? value
            : JSON.stringify(value),
        );
      }
    }
    for (const column of this.extras.values()) if (column.length < row + 1) column.length = row + 1;
  }

  /** The fitness of a row, or null when it failed. */
  fitnessAt(row: number): number | null {
    const value = this.fitness.get(row);
    return Number.isNaN(value) ? null : value;
  }

  isFailed(row: number): boolean {
    return this.errors.has(row) || Number.isNaN(this.fitness.get(row));
  }

  extraAt(name: string, row: number): ExtraValue {
    return this.extras.get(name)?.[row] ?? null;
  }

  /**
   * Reads what was appended to the journal since the last call, until `deadline`
   * (performance.now() milliseconds): 'more' when time ran out first (call again — the
   * backend answers other requests, such as Pause, in between), 'reset' when the file was
   * replaced or shrank (a resume that dropped a torn line): the caller starts over.
   */
  refresh(path: string, deadline = Infinity): 'done' | 'more' | 'reset' {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.bytes === 0 ? 'done' : 'reset';
      throw error;
    }
    try {
      const stat = fstatSync(fd);
      if (this.inode !== -1 && (stat.ino !== this.inode || stat.size < this.bytes)) return 'reset';
      this.inode = stat.ino;
      if (stat.size === this.bytes) return 'done';
      const rows = paramRowsBeside(path, this.parameterNames);
      try {
        return this.readFrom(fd, rows, deadline);
      } finally {
        rows.close();
      }
    } finally {
      closeSync(fd);
    }
  }

  private readFrom(fd: number, rows: ParamRowsReader, deadline: number): 'done' | 'more' {
    const chunk = Buffer.alloc(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let position = this.bytes;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let lineStart = 0;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, lineStart)) {
        const start = this.bytes;
        const length = newline - lineStart;
        const line = data.toString('utf8', lineStart, newline);
        this.bytes += length + 1;
        lineStart = newline + 1;
        if (line.trim() === '') continue;
        let record: JournalLine;
        try {
          record = JSON.parse(line) as JournalLine;
        } catch {
          // A torn line mid-file would be a damaged journal; stop here rather than guess.
          this.bytes = start;
          return 'done';
        }
        this.append(record, start, length, rows);
      }
      carry = Buffer.from(data.subarray(lineStart));
      // Only whole lines were consumed, so the next call goes on from `this.bytes`.
      if (performance.now() > deadline) return 'more';
    }
    return 'done';
  }
}

/** Reads one row's full journal record again (details: stdout/stderr tails, extras, params from params.f64). */
export function readRecordAt(
  path: string,
  start: number,
  length: number,
  parameterNames: readonly string[] = [],
): JournalRecord {
  const fd = openSync(path, 'r');
  const rows = paramRowsBeside(path, parameterNames);
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, start);
    return parseJournalLine(buffer.toString('utf8'), rows);
  } finally {
    rows.close();
    closeSync(fd);
  }
}
