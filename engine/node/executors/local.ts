/**
 * The local executor: this machine's evaluation pool (piscina threads, or the calling thread
 * for cheap built-ins and single `line` sessions), `workers` slots.
 */
import { z } from 'zod';
import { createEvaluator } from '../evaluation/pool';
import type { EvaluationJob, EvaluationResult, Evaluator } from '../evaluation/types';
import type { Executor, ExecutorKind } from './types';

const localConfig = z.object({ kind: z.literal('local') }).strict();
export type LocalExecutorConfig = z.infer<typeof localConfig>;

const cancelledBeforeStart = 'cancelled: the executor was cancelled before this evaluation started';

class LocalExecutor implements Executor {
  readonly kind = 'local';
  private cancelled = false;

  constructor(private readonly evaluator: Evaluator) {}

  get slots(): number {
    return this.evaluator.workers;
  }

  async evaluate(jobs: EvaluationJob[], _generation: number): Promise<EvaluationResult[]> {
    if (this.cancelled)
      return jobs.map(() => ({ fitness: null, error: cancelledBeforeStart, ms: 0, worker: -1 }));
    const results = await this.evaluator.evaluate(jobs);
    if (!this.cancelled) return results;
    // Cancelled while running: what did not finish failed because of the cancel, say so first.
    return results.map((result) =>
      result.fitness === null && !result.error?.startsWith('cancelled')
        ? { ...result, error: `cancelled: ${result.error ?? 'the executor was cancelled'}` }
        : result,
    );
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    // Closing kills the processes in flight, so their evaluations end now.
    void this.evaluator.close().catch(() => undefined);
  }

  close(): Promise<void> {
    this.cancelled = true;
    return this.evaluator.close();
  }
}

export const localExecutor: ExecutorKind<LocalExecutorConfig> = {
  kind: 'local',
  summary: "this machine: the problem's `workers` evaluations at once, in worker threads of this process",
  configSchema: localConfig,
  async create(_config, request) {
    const evaluator = await createEvaluator(request.objective, {
      workers: request.workers,
      cwd: request.cwd,
      scratchDir: request.scratchDir,
      seed: request.seed,
      parameterNames: request.parameterNames,
    });
    return new LocalExecutor(evaluator);
  },
};
