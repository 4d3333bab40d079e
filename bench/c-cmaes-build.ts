/**
 * Builds Hansen's c-cmaes (github.com/CMA-ES/c-cmaes, never committed here) with our timing
 * driver bench/c/c-cmaes-driver.c at bench run time, and runs it.
 *
 * The source comes from EVOBOX_C_CMAES_PATH — a git repository (bare or not) of c-cmaes, read
 * with `git show HEAD:src/…`, or a plain folder holding src/cmaes.c — or, without it, from the
 * mirror the session's fetch tool leaves at /work/.mirror/CMA-ES+c-cmaes/repo. It is compiled
 * with `cc -O2` (CC overrides the compiler) into a temporary folder that is removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const defaultCCmaesPath = '/work/.mirror/CMA-ES+c-cmaes/repo';
const driverSource = fileURLToPath(new URL('./c/c-cmaes-driver.c', import.meta.url));
const sourceFiles = ['src/cmaes.c', 'src/cmaes.h', 'src/cmaes_interface.h'];

export interface CCmaesTiming {
  dimension: number;
  lambda: number;
  /** c-cmaes's `updatecov`: generations between eigendecompositions (< 1: every generation). */
  updatecov: number;
  generations: number;
  restarts: number;
  wallMicros: number;
  cpuMicros: number;
}

export interface CCmaesBuild {
  /** Where the source came from and its commit, for the report. */
  source: string;
  compiler: string;
  /** Runs the driver; `eigenInterval` 0 keeps c-cmaes's own rule. */
  time(dimension: number, generations: number, eigenInterval: number, seed: number): CCmaesTiming;
  dispose(): void;
}

export type CCmaesAvailability = { ok: true; build: CCmaesBuild } | { ok: false; reason: string };

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function firstLine(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(error)).trim().split('\n')[0];
}

/** Writes the c-cmaes files into `dir`; returns a description of the source. */
function extractSource(path: string, dir: string): string {
  if (existsSync(join(path, 'src', 'cmaes.c'))) {
    for (const file of sourceFiles) writeFileSync(join(dir, file.slice(4)), readFileSync(join(path, file)));
    return `${path} (folder)`;
  }
  const gitDir = existsSync(join(path, '.git')) ? join(path, '.git') : path;
  const commit = run('git', ['--git-dir', gitDir, 'rev-parse', '--short', 'HEAD']).trim();
  for (const file of sourceFiles) {
    writeFileSync(join(dir, file.slice(4)), run('git', ['--git-dir', gitDir, 'show', `HEAD:${file}`]));
  }
  return `${path} at ${commit}`;
}

/** Finds a compiler and the source and builds the driver, or says why not. */
export function buildCCmaes(env: NodeJS.ProcessEnv = process.env): CCmaesAvailability {
  const compiler = env.CC || 'cc';
  let compilerVersion: string;
  try {
    compilerVersion = run(compiler, ['--version']).split('\n')[0];
  } catch (error) {
    return { ok: false, reason: `no C compiler: \`${compiler} --version\` failed (${firstLine(error)})` };
  }
  const path = env.EVOBOX_C_CMAES_PATH || defaultCCmaesPath;
  if (!existsSync(path)) {
    return {
      ok: false,
      reason: `no c-cmaes source: ${path} does not exist (set EVOBOX_C_CMAES_PATH to a clone of github.com/CMA-ES/c-cmaes)`,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'evobox-c-cmaes-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  let source: string;
  try {
    source = extractSource(path, dir);
  } catch (error) {
    dispose();
    return {
      ok: false,
      reason: `cannot read c-cmaes's ${sourceFiles.join(', ')} from ${path}: ${firstLine(error)}`,
    };
  }
  const binary = join(dir, 'c-cmaes-driver');
  try {
    run(compiler, ['-O2', '-o', binary, driverSource, join(dir, 'cmaes.c'), '-I', dir, '-lm']);
  } catch (error) {
    dispose();
    return {
      ok: false,
      reason: `${compiler} -O2 could not build c-cmaes with the driver: ${firstLine(error)}`,
    };
  }
  return {
    ok: true,
    build: {
      source,
      compiler: `${compiler} -O2 (${compilerVersion})`,
      time(dimension, generations, eigenInterval, seed) {
        // c-cmaes writes errcmaes.err into its working folder when it complains: keep it in ours.
        const output = run(binary, [dimension, generations, eigenInterval, seed].map(String), dir);
        return JSON.parse(output.trim().split('\n').pop()!) as CCmaesTiming;
      },
      dispose,
    },
  };
}
