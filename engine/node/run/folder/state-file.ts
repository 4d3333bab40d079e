/**
 * Crash-safe JSON state files: atomic replacement (write a temporary file, fsync, rename
 * over the old one — a reader sees the old or the new file, never half of one) and reads
 * whose errors name the file and what is wrong with it.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A value whose JSON text would be longer than the longest string JavaScript can hold. */
export class JsonTooLargeError extends Error {}

/** A state file that exists but cannot be read or parsed; `path` names it. */
export class StateFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

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
  writeAtomically(path, (fd) => writeSync(fd, text));
}

/**
 * Writes `path` through a temporary file: `write` fills it, then fsync and rename. A reader
 * sees the old file or the whole new one; a failed write (a full disk) leaves the old file
 * and removes the half-written temporary.
 */
export function writeAtomically(path: string, write: (fd: number) => void): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      write(fd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Reads a JSON state file; null when it does not exist. A file that exists but is empty,
 * truncated or not JSON throws StateFileError naming it (`checkpoint.json in D is not
 * valid JSON (…)`), never a bare `Unexpected end of JSON input`.
 */
export function readStateFile<T>(path: string): T | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateFileError(path, `cannot read ${describe(path)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const what = text.trim() === '' ? 'is empty' : `is not valid JSON (${(error as Error).message})`;
    throw new StateFileError(path, `${describe(path)} ${what}`, { cause: error });
  }
}

/** Like readStateFile, for listings that show what they can: a damaged file reads as absent. */
export function readStateFileLeniently<T>(path: string): T | null {
  try {
    return readStateFile<T>(path);
  } catch {
    return null;
  }
}

function describe(path: string): string {
  return `${basename(path)} in ${dirname(path)}`;
}
