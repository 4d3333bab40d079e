/**
 * Temporary directories for one test file, all removed when its tests are done, so test runs
 * do not leave folders behind in the system's temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Returns `scratch(prefix?)`, which makes a fresh temp directory named `<prefix>XXXXXX`. */
export function scratchDirectories(defaultPrefix: string): (prefix?: string) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix = defaultPrefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
