/**
 * Plain records that a run writes and every side reads: the CLI and the backend (Node), the
 * IPC contract and the renderer (browser). Declared once here, in a pure module, so the
 * shapes on both sides of the IPC boundary cannot drift apart.
 */

/**
 * One line of generations.jsonl: what pycma's plots show, per generation. The mean is in
 * the problem's (free) parameters; standard deviations and axis lengths are internal.
 */
export interface GenerationRecord {
  generation: number;
  evaluations: number;
  /** Best so far, the generation's best and median (user scale; null when all failed). */
  best: number | null;
  min: number | null;
  median: number | null;
  stepSize: number;
  axisRatio: number | null;
  /** Vectors are recorded for a thinning subset of generations (see engine/node/run/generation-log.ts). */
  mean?: number[];
  stdDevs?: number[];
  /** √eigenvalues of the covariance (σ included), descending. */
  axisLengths?: number[];
}

/** What an `evobox worker` publishes about itself every heartbeat (the GUI's Workers panel). */
export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  slots: number;
  queues: string[];
  tags: string[];
  startedAt: number;
  heartbeatAt: number;
  jobsDone: number;
  evaluationsDone: number;
  failures: number;
  current: string[];
}

/** A distributed executor's queue as the Workers panel shows it. */
export interface QueueStatus {
  /** The Redis URL without its password. */
  url: string;
  queue: string;
  reachable: boolean;
  error?: string;
  /** Jobs waiting and running. */
  waiting: number;
  active: number;
  workers: WorkerHeartbeat[];
  readAt: number;
}

/** One journal line of a training run (`evobox train`, engine/node/train/run-files.ts). */
export interface TrainStepRecord {
  step: number;
  trainLoss: number | null;
  validationLoss?: number | null;
  fCalls: number;
  failures: number;
  validationCalls: number;
  dropped: number;
  /** The trainer's own metrics; the GUI does not need them, so they may be left out there. */
  metrics?: Record<string, number | null>;
  ms: number;
  /** The first failure's reason in this step, if any. */
  failure?: string;
}
