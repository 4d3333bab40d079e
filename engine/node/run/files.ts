/**
 * Crash-safe file primitives for run folders: atomic JSON replacement (write a temporary
 * file, fsync, rename over the old one — a reader sees the old or the new file, never half
 * of one) and the append-only journal.
 */
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';

/** A value whose JSON text would be longer than the longest string JavaScript can hold. */
export class JsonTooLargeError extends Error {}

export function writeJsonAtomic(path: string, value: unknown): void {
  // Serialised before the temporary file exists, so a value that cannot be written leaves
  // neither a stray temporary file nor a damaged old file.
  let text: string;
  try {
    text = `${JSON.stringify(value, null, 2)}\n`;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new JsonTooLargeError(
      `cannot write ${path}: its JSON would be longer than JavaScript's longest string (${error.message})`,
      { cause: error },
    );
  }
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** One line of journal.jsonl: one evaluation. */
export interface JournalRecord {
  index: number;
  generation: number;
  params: Record<string, number>;
  /** User-scale fitness; null when the evaluation failed. */
  fitness: number | null;
  extras?: Record<string, unknown>;
  ms: number;
  worker: number;
  error?: string;
  stderrTail?: string;
  /** The end of the program's stdout (≤ 1 KB; executables only). */
  stdoutTail?: string;
}

/**
 * Append-only journal. Lines are buffered per generation and written with one write call;
 * `sync` (before each checkpoint) makes them durable, so a checkpoint never refers to
 * evaluations the journal lost.
 */
export class JournalWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  /** Bytes in the file so far: a checkpoint records it so resume reads only what follows. */
  bytes: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
    this.bytes = fstatSync(this.fd).size;
  }

  append(record: JournalRecord): void {
    this.buffer.push(JSON.stringify(record));
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    const data = Buffer.from(text);
    writeSync(this.fd, data);
    this.bytes += data.length;
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
 * Reads a journal from byte `from` on (a line boundary, e.g. recorded by a checkpoint),
 * dropping (and truncating away) a torn last line left by a crash mid-write. Calls
 * `onRecord` for each complete record; streams in chunks so a million-line journal does
 * not need to fit in one string.
 */
export function readJournal(
  path: string,
  onRecord: (record: JournalRecord, line: string) => void,
  from = 0,
): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = '';
    let position = from;
    let validBytes = from;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      const text = carry + chunk.toString('utf8', 0, read);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        const bytes = Buffer.byteLength(line) + 1;
        if (line.trim() === '') {
          validBytes += bytes;
          continue;
        }
        let record: JournalRecord;
        try {
          record = JSON.parse(line) as JournalRecord;
        } catch {
          // A torn line can only be the last one; anything after it is dropped too.
          ftruncateSync(fd, validBytes);
          return;
        }
        validBytes += bytes;
        onRecord(record, line);
      }
    }
    if (carry.length > 0) ftruncateSync(fd, validBytes);
  } finally {
    closeSync(fd);
  }
}
