/**
 * What a running optimisation tells the outside world (CLI progress bar, Electron IPC,
 * browser SSE). Plain JSON-able data only.
 */
import type { ParamValues } from '../../core/search-space';

export type RunStatus = 'running' | 'paused' | 'finished' | 'failed';

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
}

export interface RunHandle {
  runDir: string;
  readonly status: RunStatus;
  pause(): void;
  resume(): void;
  /** Finishes the current generation, writes everything, ends with `stopped-by-user`. */
  stop(): void;
  done: Promise<RunResult>;
}

export interface RunCallbacks {
  onGeneration?(event: GenerationEvent): void;
  onStatus?(status: RunStatus): void;
}
