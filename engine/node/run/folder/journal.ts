/**
 * The append-only journal, `journal.jsonl`: one JSON line per evaluation. One writer (the
 * process holding the run's lock) appends whole lines; readers never modify the file, since
 * the writer may be appending the very line they see half of. Only resume, holding the lock,
 * cuts off a torn last line (`repairJournalTail`).
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { truncateParamRows, type ParamRowsReader, type ParamRowsWriter } from './param-rows';

/** One line of journal.jsonl: one evaluation. */
export interface JournalRecord {
  index: number;
  generation: number;
  /** Read from params.f64 when the line holds `paramsRow` instead (large n, param-rows.ts). */
  params: Record<string, number>;
  /** User-scale fitness; null when the evaluation failed. */
  fitness: number | null;
  extras?: Record<string, unknown>;
  ms: number;
  worker: number;
  error?: string;
  stderrTail?: string;
  /** The machine that evaluated it, when not this one (distributed executors). */
  host?: string;
  /** The end of the program's stdout (≤ 1 KB; executables only). */
  stdoutTail?: string;
}

/** A journal line as written: the record, its parameters either inline or as a row of params.f64. */
type JournalLine = Omit<JournalRecord, 'params'> & { params?: JournalRecord['params']; paramsRow?: number };

/**
 * Append-only journal writer. Lines are buffered per generation and written with one write
 * call; `sync` (before each checkpoint) makes them durable, so a checkpoint never refers to
 * evaluations the journal lost. With `rows` (large n) the parameters go to params.f64,
 * always written before the lines that refer to them.
 */
export class JournalWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  /** Bytes in the file so far: a checkpoint records it so resume reads only what follows. */
  bytes: number;

  constructor(
    readonly path: string,
    private readonly rows?: ParamRowsWriter,
  ) {
    this.fd = openSync(path, 'a');
    this.bytes = fstatSync(this.fd).size;
  }

  /** Rows in params.f64 (0 for a journal with inline parameters). */
  get paramsRows(): number {
    return this.rows?.rows ?? 0;
  }

  /**
   * Buffers one record's line. `values`: its parameters' values in the journal's column order,
   * when the caller has them as numbers: a binary row is then copied from them and
   * `record.params` is never read (the run loop builds that object only when something asks).
   */
  append(record: JournalRecord, values?: ArrayLike<number>): void {
    if (!this.rows) {
      this.buffer.push(JSON.stringify(record));
      return;
    }
    // `paramsRow` where `params` would be: the line reads the same way, minus the numbers.
    // The other fields follow in the record's own order, as a rest spread would give them.
    const paramsRow =
      values !== undefined && values.length === this.rows.names.length
        ? this.rows.appendValues(values)
        : this.rows.append(record.params);
    const line: Record<string, unknown> = { index: record.index, generation: record.generation, paramsRow };
    for (const key of Object.keys(record) as (keyof JournalRecord)[])
      if (key !== 'index' && key !== 'generation' && key !== 'params') line[key] = record[key];
    this.buffer.push(JSON.stringify(line));
  }

  flush(): void {
    this.rows?.flush();
    if (this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    const data = Buffer.from(text);
    writeSync(this.fd, data);
    this.bytes += data.length;
  }

  sync(): void {
    this.flush();
    this.rows?.sync();
    fdatasyncSync(this.fd);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.rows?.close();
    }
  }
}

/** What a read of the journal found. */
export interface JournalScan {
  /** False when there is no journal file at all. */
  exists: boolean;
  /** Complete records delivered to `onRecord`. */
  records: number;
  /** Offset just past the last complete line (where a repair cuts a torn tail off). */
  endBytes: number;
  /** Bytes after the last newline: a line being appended right now, or torn by a crash. */
  tornBytes: number;
  /** Complete lines that are not journal records (damage inside the file), skipped. */
  badLines: number;
  /** One past the highest params.f64 row a line read refers to (0 when none does). */
  paramsRows: number;
}

function isLine(value: unknown): value is JournalLine {
  return typeof value === 'object' && value !== null && typeof (value as JournalLine).index === 'number';
}

/**
 * A parsed journal line as a record: parameters inline, or read from params.f64. Null when
 * it is not a record, or refers to a row that is not there (damage: no reader given, or a
 * params.f64 cut shorter than the journal).
 */
export function lineToRecord(value: unknown, rows?: ParamRowsReader): JournalRecord | null {
  if (!isLine(value)) return null;
  if (value.params !== undefined || value.paramsRow === undefined) return value as JournalRecord;
  if (!rows || !rows.has(value.paramsRow)) return null;
  const { paramsRow, ...record } = value;
  return { ...record, params: rows.params(paramsRow) };
}

/** Parses one journal line (as readJournal hands it over) into its record; throws on damage. */
export function parseJournalLine(line: string, rows?: ParamRowsReader): JournalRecord {
  const record = lineToRecord(JSON.parse(line), rows);
  if (!record)
    throw new Error(`not a journal record, or its params.f64 row is missing: ${line.slice(0, 120)}`);
  return record;
}

/**
 * Reads the journal from byte `from` on (a line boundary, e.g. recorded by a checkpoint),
 * without modifying it. Calls `onRecord` for each complete record; streams in chunks so a
 * million-line journal never has to fit in one string. A missing file reads as empty.
 */
export function readJournal(
  path: string,
  onRecord: (record: JournalRecord, line: string) => void,
  from = 0,
  rows?: ParamRowsReader,
): JournalScan {
  const scan: JournalScan = {
    exists: true,
    records: 0,
    endBytes: from,
    tornBytes: 0,
    badLines: 0,
    paramsRows: 0,
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...scan, exists: false, endBytes: 0 };
    throw error;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let position = from;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      // Split on newline bytes, not characters: offsets stay exact whatever the encoding.
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
        const line = data.toString('utf8', start, newline);
        scan.endBytes += newline - start + 1;
        start = newline + 1;
        if (line.trim() === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = undefined;
        }
        const record = lineToRecord(parsed, rows);
        if (!record) {
          scan.badLines++;
          continue;
        }
        const row = (parsed as JournalLine).paramsRow;
        if (row !== undefined) scan.paramsRows = Math.max(scan.paramsRows, row + 1);
        scan.records++;
        onRecord(record, line);
      }
      carry = Buffer.from(data.subarray(start));
    }
    scan.tornBytes = carry.length;
  } finally {
    closeSync(fd);
  }
  return scan;
}

/** Counts newline-terminated lines without parsing them (for listings of big journals). */
export function countJournalLines(path: string): number {
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
 * Cuts off a torn last line (a crash mid-write) so appending starts on a line boundary, and
 * with `rows` cuts params.f64 back to the rows the journal's lines refer to (rows written
 * before a crash took their lines, or half a row). `rows.count` is the row count the caller
 * knows the kept journal to reach (the scan's, or the checkpoint's when the scan began after it).
 * Only for resume, which holds the run's lock: nobody else can be appending that line.
 */
export function repairJournalTail(
  path: string,
  scan: JournalScan,
  rows?: { path: string; columns: number; count: number },
): void {
  if (rows) truncateParamRows(rows.path, rows.columns, rows.count);
  if (!scan.exists || scan.tornBytes === 0) return;
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, scan.endBytes);
  } finally {
    closeSync(fd);
  }
}
