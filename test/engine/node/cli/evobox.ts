/** Calls bin/evobox.mjs as users do, for the CLI tests. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');

export function evobox(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Writes `problem` as `<dir>/<name>.problem.json` and returns its path. */
export function writeProblem(dir: string, problem: { name: string } & Record<string, unknown>): string {
  const path = join(dir, `${problem.name}.problem.json`);
  writeFileSync(path, JSON.stringify(problem));
  return path;
}
