/**
 * Executors decide *where* a generation's candidates are evaluated (the local pool of
 * worker threads, a queue read by workers on other machines, …). The optimizer and the run
 * loop never know which one runs: a generation goes in, its results come back in candidate
 * order, so the same seed gives the same run on any executor and any worker count.
 */
import type { z } from 'zod';
import type { EvaluationJob, EvaluationResult, ObjectiveConfig } from '../evaluation/types';

/** Everything an executor needs to evaluate a run's candidates (plain data). */
export interface ExecutorRequest {
  /** Resolved, absolute paths. */
  objective: ObjectiveConfig;
  parameterNames: string[];
  /** The problem's `workers` (local slots). */
  workers: number;
  /** The problem file's folder. */
  cwd: string;
  scratchDir?: string;
  seed: number | string;
  /** Stable across resume (the run folder's name): job ids are runId:generation:index. */
  runId: string;
}

export interface Executor {
  readonly kind: string;
  /** Evaluations it can run at once now (progress and UI); may change as workers join. */
  readonly slots: number;
  /** One generation's candidates; resolves with results in the order of `jobs`. */
  evaluate(jobs: EvaluationJob[], generation: number): Promise<EvaluationResult[]>;
  /** Ends evaluations in flight (they resolve as failed, error starting "cancelled"); nothing new starts. */
  cancel(): void;
  close(): Promise<void>;
}

export interface ExecutorKind<Config extends { kind: string } = { kind: string }> {
  kind: string;
  summary: string;
  /** The problem file's `executor` object for this kind (zod, field-named errors). */
  configSchema: z.ZodType<Config>;
  create(config: Config, request: ExecutorRequest): Promise<Executor>;
}
