/**
 * `params.f64`: the parameters of a large-n run's evaluations as binary rows beside the
 * journal (docs/run-folder-format.md). Row k holds the problem's parameters in problem.json
 * order as little-endian float64 at byte k·n·8; a journal line says `"paramsRow": k` instead
 * of carrying `"params": {…}`. At n = 10 000 that is 80 KB a row instead of ≈ 270 KB of
 * JSON names and decimal digits, and a row is written with one memcpy, not printed.
 *
 * Order of writes: a generation's rows are written before its journal lines, so a line a
 * reader sees always has its row. A crash can leave rows without lines (or half a row):
 * resume cuts the file back to the rows the journal refers to (`truncateParamRows`).
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writevSync } from 'node:fs';
import type { ParamValues } from '../../../core/search-space';

/** Runs with at least this many parameters journal them as binary rows (see docs/run-folder-format.md). */
export const binaryParamsDimension = 100;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function requireLittleEndian(): void {
  // Float64Array bytes are the machine's order; every platform Node supports is little-endian.
  if (!littleEndian) throw new Error('params.f64 needs a little-endian machine');
}

/** Appends rows; buffered per generation like the journal, written before its lines. */
export class ParamRowsWriter {
  private readonly fd: number;
  private readonly rowBytes: number;
  private pending: Float64Array[] = [];
  /** Rows in the file plus rows buffered: the next row's number. */
  rows: number;

  constructor(
    readonly path: string,
    readonly names: readonly string[],
  ) {
    requireLittleEndian();
    this.rowBytes = names.length * 8;
    this.fd = openSync(path, 'a');
    const size = fstatSync(this.fd).size;
    if (size % this.rowBytes !== 0)
      throw new Error(
        `${path} holds ${size} bytes, not a whole number of ${names.length}-parameter rows: resume repairs it`,
      );
    this.rows = size / this.rowBytes;
  }

  /** Buffers one evaluation's parameters; returns its row number. */
  append(params: ParamValues): number {
    const row = new Float64Array(this.names.length);
    for (let k = 0; k < row.length; k++) {
      const value = params[this.names[k]];
      row[k] = value === undefined ? Number.NaN : value;
    }
    this.pending.push(row);
    return this.rows++;
  }

  /**
   * `append` for values already in the file's column order, without name look-ups. A
   * Float64Array is written as it is, not copied: it must not change before the next flush.
   */
  appendValues(values: ArrayLike<number>): number {
    this.pending.push(values instanceof Float64Array ? values : Float64Array.from(values));
    return this.rows++;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    // One gathering write of the rows where they are (a generation at n = 10 000 is 2.5 MB).
    const rows = this.pending.map((row) => new Uint8Array(row.buffer, row.byteOffset, this.rowBytes));
    this.pending = [];
    writevSync(this.fd, rows);
  }

  sync(): void {
    this.flush();
    fdatasyncSync(this.fd);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * Reads rows of a file another process may be appending to: only whole rows count, and the
 * row count is read again when a line refers to a row past the last one seen.
 */
export class ParamRowsReader {
  private fd: number | null = null;
  private readonly rowBytes: number;
  private knownRows = 0;
  private readonly row: Buffer;

  constructor(
    readonly path: string,
    readonly names: readonly string[],
  ) {
    requireLittleEndian();
    this.rowBytes = names.length * 8;
    this.row = Buffer.alloc(this.rowBytes);
  }

  /** Whole rows in the file now (0 when it does not exist). */
  rowCount(): number {
    const fd = this.open();
    this.knownRows = fd === null ? 0 : Math.floor(fstatSync(fd).size / this.rowBytes);
    return this.knownRows;
  }

  has(row: number): boolean {
    return Number.isInteger(row) && row >= 0 && (row < this.knownRows || row < this.rowCount());
  }

  /**
   * Row `row`'s values in the problem's order: a view that the next read overwrites (copy it
   * to keep it). Throws when the row is not there.
   */
  values(row: number): Float64Array {
    const fd = this.open();
    if (fd === null || !this.has(row))
      throw new Error(`${this.path} has no row ${row} (it holds ${this.knownRows} rows)`);
    readSync(fd, this.row, 0, this.rowBytes, row * this.rowBytes);
    return new Float64Array(this.row.buffer, this.row.byteOffset, this.names.length);
  }

  /** Row `row` as named parameters in the problem's order; throws when it is not there. */
  params(row: number): ParamValues {
    const values = this.values(row);
    const out: ParamValues = {};
    for (let k = 0; k < this.names.length; k++) out[this.names[k]] = values[k];
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): number | null {
    if (this.fd !== null) return this.fd;
    try {
      this.fd = openSync(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return this.fd;
  }
}

/** Cuts `params.f64` back to `rows` rows (resume, holding the lock: rows no journal line refers to). */
export function truncateParamRows(path: string, columns: number, rows: number): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (fstatSync(fd).size > rows * columns * 8) ftruncateSync(fd, rows * columns * 8);
  } finally {
    closeSync(fd);
  }
}
