/**
 * A checkpoint's large arrays (covariance, eigenvectors: n² float64s each) as raw bytes in a
 * side file, `checkpoint-<stamp>.f64`, named by checkpoint.json (docs/run-folder-format.md).
 * Each checkpoint writes a new side file (temporary name, fsync, rename) before its JSON, so
 * the checkpoint.json and checkpoint.prev.json a crash leaves behind always find theirs;
 * side files neither names are removed after the JSON is in place.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BinarySource } from '../../../core/state-codec';
import { writeAtomically } from './state-file';

const sideFilePattern = /^checkpoint-[0-9a-z-]+\.f64$/;
let sequence = 0;

/** A side-file name no earlier checkpoint of this folder used. */
export function newMatricesFile(): string {
  sequence += 1;
  return `checkpoint-${Date.now().toString(36)}-${process.pid.toString(36)}-${sequence}.f64`;
}

/** Writes `arrays` back to back as little-endian float64s, atomically; returns the float64 count. */
export function writeMatrices(dir: string, file: string, arrays: readonly Float64Array[]): number {
  let count = 0;
  writeAtomically(join(dir, file), (fd) => {
    for (const array of arrays) {
      // The array's own bytes: no copy, whatever buffer (WebAssembly memory too) it views.
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let written = 0; written < bytes.length;)
        written += writeSync(fd, bytes, written, bytes.length - written);
      count += array.length;
    }
  });
  return count;
}

/**
 * Opens a checkpoint's side file for decoding; throws naming the file when it is missing or
 * shorter than checkpoint.json says (a damaged checkpoint: resume falls back to the previous one).
 */
export function openMatrices(
  dir: string,
  file: string,
  float64s: number,
): { source: BinarySource; close(): void } {
  if (!sideFilePattern.test(file))
    throw new Error(`checkpoint.json names an unexpected matrices file ${JSON.stringify(file)}`);
  const path = join(dir, file);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new Error(
      `${file} in ${dir}, which checkpoint.json refers to, cannot be read (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  const size = fstatSync(fd).size;
  if (size !== float64s * 8) {
    closeSync(fd);
    throw new Error(`${file} in ${dir} holds ${size} bytes where checkpoint.json expects ${float64s * 8}`);
  }
  return {
    source(offset, length) {
      if (offset + length > float64s)
        throw new Error(
          `checkpoint.json refers to float64s ${offset}…${offset + length} of ${file}, which holds ${float64s}`,
        );
      const out = new Float64Array(length);
      const bytes = new Uint8Array(out.buffer);
      for (let read = 0; read < bytes.length;) {
        const got = readSync(fd, bytes, read, bytes.length - read, offset * 8 + read);
        if (got === 0) throw new Error(`${file} in ${dir} ended early`);
        read += got;
      }
      return out;
    },
    close: () => closeSync(fd),
  };
}

/** Removes side files (and their temporaries) that no checkpoint in `keep` names. */
export function removeUnusedMatrices(dir: string, keep: ReadonlySet<string>): void {
  for (const name of readdirSync(dir)) {
    // A temporary a crash left behind (writeAtomically's `<file>.tmp-<pid>`) goes too.
    const base = name.replace(/\.tmp(-\d+)?$/, '');
    if (sideFilePattern.test(base) && !keep.has(name)) rmSync(join(dir, name), { force: true });
  }
}
