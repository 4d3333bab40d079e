/**
 * What bin/evobox.mjs does before it loads the CLI: for `evobox run <problem>` and
 * `evobox resume <run folder>`, guess from the raw problem JSON which pool of worker threads
 * the run will ask for and start those threads now (evaluation/warm-pool.ts), so they boot
 * while the CLI loads and validates the problem. Only Node built-ins, piscina and plain data
 * are imported here: no zod, no commander.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemDefaults, problemLimits } from '../../problem/limits';
import { runFiles } from '../run/folder/layout';
import { startWarmPool, workerLocation, type WarmPool, type WorkerLocation } from '../evaluation/warm-pool';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of `--name <v>` or `--name=<v>` in argv (the last one given), if any. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === name) value = argv[i + 1];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  });
  return value;
}

/** The problem file `evobox <argv…>` will read: run's argument, or resume's folder's copy. */
function problemFileOf(argv: readonly string[]): string | undefined {
  const operand = argv.slice(1).find((arg) => !arg.startsWith('-'));
  if (operand === undefined) return undefined;
  if (argv[0] === 'run') return operand.endsWith('.json') ? operand : undefined;
  if (argv[0] === 'resume') return join(operand, runFiles.problem);
  return undefined;
}

/**
 * The pool `evobox run|resume <argv…>` will most likely ask for: a local JS-module objective
 * run on worker threads (not `inline`, no executor in the file or on the command line).
 * Undefined for anything else or anything unclear — the validated problem decides what runs.
 */
export function guessPoolShape(
  argv: readonly string[],
): { location: WorkerLocation; workers: number } | undefined {
  if (flagValue(argv, '--executor') !== undefined) return undefined;
  const file = problemFileOf(argv);
  if (file === undefined) return undefined;
  let problem: unknown;
  try {
    problem = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(problem) || !isRecord(problem.objective) || problem.executor !== undefined) return undefined;
  const objective = problem.objective;
  if (typeof objective.module !== 'string' || objective.inline === true) return undefined;
  const flag = argv[0] === 'run' ? flagValue(argv, '--workers') : undefined;
  const workers = flag !== undefined ? Number(flag) : (problem.workers ?? problemDefaults.workers);
  const { min, max } = problemLimits.workers;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < min || workers > max)
    return undefined;
  return { location: workerLocation(objective.module), workers };
}

/**
 * Starts the pool threads `evobox <argv…>` will most likely need (guessPoolShape), for
 * createEvaluator to claim. Never throws: without a guess there is simply no head start.
 */
export function prestartPool(argv: readonly string[]): WarmPool | undefined {
  try {
    const shape = guessPoolShape(argv);
    return shape ? startWarmPool(shape.location, shape.workers) : undefined;
  } catch {
    return undefined;
  }
}
