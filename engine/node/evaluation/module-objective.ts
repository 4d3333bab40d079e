/**
 * JS/TS module objectives: `export function evaluate(params, context)` returning a number,
 * `{ fitness, ...extras }`, or a promise of either. The module is imported once per worker
 * thread; a throw or a non-finite value fails that evaluation only.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { freshVector } from '../../core/number-arrays';
import { parseResultObject } from './result-parser';
import type { EvaluationJob, EvaluationResult, ModuleObjectiveConfig, ParamValues } from './types';

export interface ModuleObjectiveContext {
  /** The evaluation's global index. */
  id: number;
  /** The worker evaluating it, 0..workers−1. */
  worker: number;
}

export type ModuleObjectiveFunction = (
  input: ParamValues | Float64Array,
  context: ModuleObjectiveContext,
) => unknown;

/**
 * What a module with `input: "vector"` receives: the job's values in `names` order, copied (the
 * objective may write to it; the caller's values are the journal's).
 */
export function vectorOf(job: EvaluationJob, names: readonly string[]): Float64Array {
  const vector = freshVector(names.length);
  if (job.values !== undefined && job.values.length === names.length) vector.set(job.values);
  else for (let i = 0; i < names.length; i++) vector[i] = job.params[names[i]];
  return vector;
}

/**
 * Imports a module by path. On Node 20 a worker thread gets tsx's require hook but not its
 * ESM hooks, so a TypeScript module that `import()` cannot load is required instead
 * (tsx compiles it to CommonJS on the fly).
 */
async function importModule(path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
    try {
      return createRequire(import.meta.url)(path) as Record<string, unknown>;
    } catch {
      throw new Error(`${(error as Error).message} (TypeScript objectives need evobox to run under tsx)`, {
        cause: error,
      });
    }
  }
}

export async function loadModuleObjective(config: ModuleObjectiveConfig): Promise<ModuleObjectiveFunction> {
  const exportName = config.export ?? 'evaluate';
  let namespace: Record<string, unknown>;
  try {
    namespace = await importModule(config.module);
  } catch (error) {
    throw new Error(
      `cannot load objective.module ${config.module}: ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
  const fn = namespace[exportName];
  if (typeof fn !== 'function') {
    const available = Object.keys(namespace).filter((key) => typeof namespace[key] === 'function');
    throw new Error(
      `objective.module ${config.module} has no exported function ${JSON.stringify(exportName)} (exported functions: ${available.join(', ') || 'none'})`,
    );
  }
  return fn as ModuleObjectiveFunction;
}

/** Extras must survive postMessage and the JSON journal; a JSON round trip guarantees both. */
function plainExtras(extras: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(extras)) as Record<string, unknown>;
}

/**
 * Calls the module for one job; `vectorNames` set: it takes a vector of those parameters' values.
 * A result the module returns at once (not a promise) gives the outcome at once too: the inline
 * run loop then spends no promise and no microtask per evaluation.
 */
export function evaluateModuleJob(
  fn: ModuleObjectiveFunction,
  job: EvaluationJob,
  worker: number,
  vectorNames?: readonly string[],
): EvaluationResult | Promise<EvaluationResult> {
  const started = performance.now();
  let returned: unknown;
  try {
    returned = fn(vectorNames ? vectorOf(job, vectorNames) : job.params, { id: job.index, worker });
  } catch (error) {
    return threw(error, started, worker);
  }
  if (!isThenable(returned)) return outcomeOf(returned, started, worker);
  return Promise.resolve(returned).then(
    (value) => outcomeOf(value, started, worker),
    (error: unknown) => threw(error, started, worker),
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function outcomeOf(value: unknown, started: number, worker: number): EvaluationResult {
  try {
    const parsed = parseResultObject(value, 'objective result');
    const ms = performance.now() - started;
    if ('error' in parsed) return { fitness: null, error: parsed.error, ms, worker };
    if (!parsed.extras) return { fitness: parsed.fitness, ms, worker };
    return { fitness: parsed.fitness, extras: plainExtras(parsed.extras), ms, worker };
  } catch (error) {
    return threw(error, started, worker);
  }
}

function threw(error: unknown, started: number, worker: number): EvaluationResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    fitness: null,
    error: `objective threw: ${message.split('\n')[0]}`,
    ms: performance.now() - started,
    worker,
  };
}
