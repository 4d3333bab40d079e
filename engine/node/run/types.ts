/**
 * What a running optimisation tells the outside world (CLI progress bar, Electron IPC,
 * browser SSE). Plain JSON-able data only.
 */
import type { ParamValues } from '../../core/search-space';

import type { RunStatus } from '../../core/run-status';

export type { RunStatus };

export interface DistributionSnapshot {
  /** Internal coordinates (see engine/core/search-space.ts). */
  mean: number[];
  /** Row-major n×n covariance including σ², internal coordinates. */
  covariance?: number[];
  stdDevs?: number[];
  stepSize: number;
}

export interface GenerationEvent {
  runDir: string;
  generation: number;
  evaluations: number;
  failedEvaluations: number;
  elapsedMs: number;
  /** Generation's best and median (user scale); null when every evaluation failed. */
  min: number | null;
  median: number | null;
  best: { params: ParamValues; fitness: number; index: number } | null;
  metrics: Record<string, number>;
  /** The generation's candidates: internal coordinates and their fitness (null = failed). */
  samples: number[][];
  sampleFitness: (number | null)[];
  /** Failure reasons of this generation, by evaluation index. */
  failures: { index: number; error: string; stderrTail?: string; params?: ParamValues }[];
  /** Search distribution after this generation's update (internal coordinates). */
  distribution: DistributionSnapshot | null;
  restart: number;
  restartedBecause?: string;
  stopReason?: string;
}

export interface RunResult {
  runDir: string;
  best: { params: ParamValues; fitness: number } | null;
  evaluations: number;
  failedEvaluations: number;
  stopReason: string;
  /** Set when the run ended because of an error (disk full, objective unusable…). */
  error?: string;
  elapsedMs: number;
  /** Evaluations a stop ended before they finished: not recorded, run again on resume. */
  notEvaluated?: number;
}

/**
 * How long evaluations still running when evobox is told to quit (SIGTERM, closing the app or
 * the browser-mode server) may finish before they are ended. Documented in the README.
 */
export const defaultStopGraceSeconds = 5;

export interface StopOptions {
  /**
   * Instead of waiting for the whole current generation: no new generation starts, and the
   * evaluations still running after this many milliseconds are ended (their process groups
   * killed) and recorded as not evaluated — not as failures — so a resume runs them again.
   * 0 ends them at once.
   */
  graceMs?: number;
}

export interface RunHandle {
  runDir: string;
  readonly status: RunStatus;
  pause(): void;
  resume(): void;
  /**
   * Without options: finishes the current generation, writes everything, ends with
   * `stopped-by-user`. With `graceMs`: see StopOptions.
   */
  stop(options?: StopOptions): void;
  done: Promise<RunResult>;
}

export interface RunCallbacks {
  onGeneration?(event: GenerationEvent): void;
  onStatus?(status: RunStatus): void;
  /** Something the user should know that does not stop the run (a damaged file set aside…). */
  onNotice?(message: string): void;
}
