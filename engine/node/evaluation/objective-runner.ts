/**
 * What one worker (a piscina thread, or the main thread for cheap built-ins) uses to
 * evaluate a batch of jobs for any kind of objective.
 */
import { performance } from 'node:perf_hooks';
import { createBuiltinEvaluator } from '../../objectives/builtin';
import { prepareExecutable } from './executable-setup';
import { evaluateModuleJob, loadModuleObjective, type ModuleObjectiveFunction } from './module-objective';
import { ScratchSpace } from './scratch';
import {
  isBuiltinObjective,
  isModuleObjective,
  type BuiltinObjectiveConfig,
  type EvaluationJob,
  type EvaluationResult,
  type EvaluatorOptions,
  type ObjectiveConfig,
} from './types';

/** Plain-data settings shared by every worker (they travel in piscina's workerData). */
export interface RunnerSettings {
  workers: number;
  cwd: string;
  scratchDir: string | undefined;
  seed: number | string;
  dimension: number;
  parameterNames: string[];
  keepScratch: NonNullable<EvaluatorOptions['keepScratch']>;
  maxOutputBytes: number | undefined;
}

export interface RunnerHooks {
  onSpawn?: (pid: number | undefined) => void;
  isClosing?: () => boolean;
  /** A module evaluation starts (index) or ends (null): what the pool's timeout watchdog reads. */
  onModuleJob?: (index: number | null) => void;
  /** Asked before each module evaluation: a reason not to start it (its error), or nothing. */
  skipModuleJob?: () => string | undefined;
}

export interface ObjectiveRunner {
  evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]>;
  close(): Promise<void>;
}

/** Built-ins see the parameter values in declaration order as their vector. */
export function createBuiltinRunner(
  objective: BuiltinObjectiveConfig,
  settings: Pick<RunnerSettings, 'dimension' | 'seed' | 'parameterNames'>,
  worker: number,
): ObjectiveRunner & { evaluateSync(jobs: EvaluationJob[]): EvaluationResult[] } {
  const fn = createBuiltinEvaluator(objective, settings.dimension, settings.seed);
  const names = settings.parameterNames;
  const x = new Float64Array(settings.dimension);
  const evaluateSync = (jobs: EvaluationJob[]): EvaluationResult[] =>
    jobs.map((job) => {
      const started = performance.now();
      if (names.length && job.values?.length === x.length) x.set(job.values);
      else
        for (let i = 0; i < x.length; i++)
          x[i] = names.length ? job.params[names[i]] : (job.x?.[i] ?? Number.NaN);
      const value = fn(x, job.index);
      const ms = performance.now() - started;
      return Number.isFinite(value)
        ? { fitness: value, ms, worker }
        : { fitness: null, error: `built-in ${objective.builtin} returned ${value}`, ms, worker };
    });
  return {
    evaluateSync,
    evaluate: async (jobs) => evaluateSync(jobs),
    close: async () => undefined,
  };
}

export function createObjectiveRunner(
  objective: ObjectiveConfig,
  settings: RunnerSettings,
  worker: number,
  hooks: RunnerHooks = {},
): ObjectiveRunner {
  if (isBuiltinObjective(objective)) return createBuiltinRunner(objective, settings, worker);

  if (isModuleObjective(objective)) {
    let loaded: Promise<ModuleObjectiveFunction> | undefined;
    const vectorNames = objective.input === 'vector' ? settings.parameterNames : undefined;
    return {
      async evaluate(jobs) {
        loaded ??= loadModuleObjective(objective);
        let fn: ModuleObjectiveFunction;
        try {
          fn = await loaded;
        } catch (error) {
          return jobs.map(() => ({ fitness: null, error: (error as Error).message, ms: 0, worker }));
        }
        const results: EvaluationResult[] = [];
        for (const job of jobs) {
          const skipped = hooks.skipModuleJob?.();
          if (skipped) {
            results.push({ fitness: null, error: skipped, ms: 0, worker });
            continue;
          }
          hooks.onModuleJob?.(job.index);
          try {
            const result = evaluateModuleJob(fn, job, worker, vectorNames);
            results.push(result instanceof Promise ? await result : result);
          } finally {
            hooks.onModuleJob?.(null);
          }
        }
        return results;
      },
      close: async () => undefined,
    };
  }

  const setup = prepareExecutable(objective, settings);
  const scratch = new ScratchSpace(settings.scratchDir);
  const session = setup.protocol.createSession({
    setup,
    scratch,
    keepScratch: settings.keepScratch,
    worker,
    ...hooks,
  });
  return {
    evaluate: (jobs) => session.evaluate(jobs),
    async close() {
      await session.close();
      scratch.dispose();
    },
  };
}
