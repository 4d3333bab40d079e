/**
 * The one door from `evobox train` to the black box F(x, o) → y: every call goes through an
 * executor (engine/node/executors, `createExecutor`: the local pool by default, or a BullMQ
 * queue read by `evobox worker`s), so F is any program the optimiser can run — a `line`
 * process (a minibatch is written at once and the replies read in order: pipelined),
 * `json-stdin`, `args`, or a JS module on worker threads — with the same timeouts, restarts
 * and failure reasons.
 *
 * Contract: a request carries the sample's inputs and the model's outputs as named
 * parameters, `{"id": 7, "params": {"x1": 0.3, "x2": -0.1, "o": 0.42}}`; the answer is
 * `{"y": [y1, y2]}` or a bare JSON array. With `blackBox.batch` a minibatch is one request,
 * `{"id": 8, "batch": [{params}, …]}`, answered by `{"y": [[…], …]}` (a failed item as null
 * or `{"error": "why"}`). A failed call or item (error, wrong length, crash, timeout) is
 * reported as y = null with its reason; the trainers drop that sample and count it.
 */
import { createExecutor, type Executor, type ExecutorConfig } from '../executors/index';
import { loadModuleObjective, type ModuleObjectiveFunction } from '../evaluation/module-objective';
import type { EvaluationJob, EvaluationResult, ObjectiveConfig } from '../evaluation/types';
import type { Answer } from '../../train/trainer';
import type { BlackBoxConfig } from './problem';

export interface BlackBoxPoint {
  /** The sample's inputs in the data's units (what F sees). */
  x: ArrayLike<number>;
  o: ArrayLike<number>;
  gradient?: boolean;
}

export interface BlackBoxCall {
  answers: Answer[];
  /** One reason per failed call, in call order. */
  failures: string[];
}

export interface BlackBox {
  /** F at every point, answers in point order; `firstId` numbers the requests. */
  evaluate(points: BlackBoxPoint[], firstId: number): Promise<BlackBoxCall>;
  close(): Promise<void>;
}

export interface BlackBoxSettings {
  inputNames: string[];
  outputNames: string[];
  /** m: the length of y F must answer (the number of target columns). */
  targetCount: number;
  cwd: string;
  workers: number;
  seed: number;
  /** Where F runs (default: the local pool). */
  executor?: ExecutorConfig;
  /** The run folder's name: distributed job ids are runId:generation:index. */
  runId?: string;
}

/** `y` answers of a batched request, one per item, or the reason an item has none. */
export function batchAnswersOf(
  result: EvaluationResult,
  items: number,
  m: number,
): ({ y: Float64Array } | { error: string })[] {
  const all = (error: string) => Array.from({ length: items }, () => ({ error }));
  if (failedCall(result)) return all(result.error ?? 'failed');
  const rows = result.extras?.y;
  if (
    !Array.isArray(rows) ||
    (rows.length > 0 && !rows.some((row) => row === null || typeof row === 'object'))
  )
    return all(
      `F answered a batch of ${items} with ${JSON.stringify(rows ?? result.fitness)?.slice(0, 80)}, expected {"y": [[...], ...]} with one row per item`,
    );
  if (rows.length !== items)
    return all(`F answered ${rows.length} rows for a batch of ${items} (expected one row per item)`);
  return rows.map((row: unknown, i) => {
    if (row !== null && typeof row === 'object' && !Array.isArray(row))
      return {
        error: `batch item ${i}: ${String((row as { error?: unknown }).error ?? JSON.stringify(row))}`,
      };
    if (!Array.isArray(row))
      return { error: `batch item ${i}: F answered ${JSON.stringify(row)}, expected ${m} numbers` };
    if (row.length !== m)
      return {
        error: `batch item ${i}: F answered ${row.length} values, expected ${m} (one per target column)`,
      };
    if (!row.every((v) => typeof v === 'number' && Number.isFinite(v)))
      return { error: `batch item ${i}: y must be finite numbers (got ${JSON.stringify(row).slice(0, 80)})` };
    return { y: Float64Array.from(row as number[]) };
  });
}

function objectiveOf(config: BlackBoxConfig): ObjectiveConfig {
  if ('module' in config)
    return { module: config.module, export: config.export, timeoutSeconds: config.timeoutSeconds };
  return {
    command: config.command,
    args: config.args,
    protocol: config.protocol,
    timeoutSeconds: config.timeoutSeconds,
    env: config.env,
  };
}

/**
 * A vector answer has fitness NaN, which JSON (a distributed executor's transport) turns into
 * null: an answer with `y` and no error is an answer, whatever its fitness became.
 */
function failedCall(result: EvaluationResult): boolean {
  return result.error !== undefined || (result.fitness === null && !Array.isArray(result.extras?.y));
}

/** y from an evaluation result, or the reason there is none. */
function answerOf(result: EvaluationResult, m: number): { y: Float64Array } | { error: string } {
  if (failedCall(result)) return { error: result.error ?? 'failed' };
  const y = result.extras?.y;
  if (!Array.isArray(y))
    return {
      error: `F answered a fitness (${result.fitness}), expected {"y": [...]} or a JSON array of ${m} numbers`,
    };
  if (y.length !== m)
    return { error: `F answered ${y.length} values, expected ${m} (one per target column)` };
  return { y: Float64Array.from(y as number[]) };
}

function parseJacobian(value: unknown, m: number, k: number): Float64Array[] {
  if (!Array.isArray(value) || value.length !== m)
    throw new Error(`gradient must return ${m} rows (∂y_i/∂o), got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value.map((row: unknown, i) => {
    if (
      !Array.isArray(row) ||
      row.length !== k ||
      !row.every((v) => typeof v === 'number' && Number.isFinite(v))
    )
      throw new Error(`gradient row ${i} must be ${k} finite numbers (∂y_${i}/∂o_j)`);
    return Float64Array.from(row as number[]);
  });
}

/** Items per batched request: `batchSize`, else the call split evenly over the workers. */
function batchChunks(count: number, config: BlackBoxConfig, workers: number): number[] {
  const size =
    'command' in config && config.batchSize !== undefined
      ? config.batchSize
      : Math.max(1, Math.ceil(count / Math.max(1, workers)));
  const sizes: number[] = [];
  for (let from = 0; from < count; from += size) sizes.push(Math.min(size, count - from));
  return sizes;
}

export async function createBlackBox(config: BlackBoxConfig, settings: BlackBoxSettings): Promise<BlackBox> {
  const { inputNames, outputNames, targetCount: m } = settings;
  const executor: Executor = await createExecutor(settings.executor, {
    objective: objectiveOf(config),
    workers: settings.workers,
    cwd: settings.cwd,
    seed: settings.seed,
    parameterNames: [...inputNames, ...outputNames],
    runId: settings.runId ?? `train-${process.pid}-${Date.now()}`,
  });
  const batched = 'command' in config && (config.batch === true || config.batchSize !== undefined);
  let gradient: ModuleObjectiveFunction | undefined;
  if ('module' in config && config.gradient)
    gradient = await loadModuleObjective({ module: config.module, export: config.gradient });

  const paramsOf = (point: BlackBoxPoint): Record<string, number> => {
    const params: Record<string, number> = {};
    inputNames.forEach((name, i) => (params[name] = point.x[i]));
    outputNames.forEach((name, j) => (params[name] = point.o[j]));
    return params;
  };

  return {
    async evaluate(points, firstId) {
      const jobs = points.map((point, i) => ({ index: firstId + i, params: paramsOf(point) }));
      let perPoint: ({ y: Float64Array } | { error: string })[];
      if (batched && jobs.length > 0) {
        // One request per chunk, numbered by its first item's id, so ids stay unique and stable.
        const sizes = batchChunks(jobs.length, config, executor.slots);
        const requests: EvaluationJob[] = [];
        let from = 0;
        for (const size of sizes) {
          const items = jobs.slice(from, from + size);
          requests.push({ index: items[0].index, params: {}, batch: items.map((job) => job.params) });
          from += size;
        }
        const results = await executor.evaluate(requests, firstId);
        perPoint = results.flatMap((result, r) => batchAnswersOf(result, sizes[r], m));
      } else {
        const results = await executor.evaluate(jobs, firstId);
        perPoint = results.map((result) => answerOf(result, m));
      }
      const answers: Answer[] = [];
      const failures: string[] = [];
      for (let i = 0; i < points.length; i++) {
        const answer = perPoint[i];
        if ('error' in answer) {
          failures.push(answer.error);
          answers.push({ y: null });
          continue;
        }
        if (!points[i].gradient) {
          answers.push({ y: answer.y });
          continue;
        }
        try {
          if (!gradient) throw new Error('the black box exports no gradient (blackBox.gradient)');
          const jacobian = parseJacobian(
            await gradient(jobs[i].params, { id: jobs[i].index, worker: 0 }),
            m,
            outputNames.length,
          );
          answers.push({ y: answer.y, jacobian });
        } catch (error) {
          failures.push(`gradient: ${(error as Error).message}`);
          answers.push({ y: null });
        }
      }
      return { answers, failures };
    },
    close: () => executor.close(),
  };
}
