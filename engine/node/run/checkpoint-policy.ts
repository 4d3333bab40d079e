/**
 * When to write the next checkpoint. The problem's `checkpointSeconds` (default 2) and a bound
 * on the journal lines a resume replays ask for one; the measured cost of the last write
 * decides whether one may be written yet: the next checkpoint waits at least `costFactor`
 * times as long as the last one took, so writing them stays at ≤ 1/costFactor of the run
 * (5 % with the default 20) whatever the state's size — a 2 000-D CMA-ES state of ≈ 100 MB
 * is then written every few seconds instead of every 2 s, a 10-D one still every 2 s.
 */

export interface CheckpointPolicyOptions {
  /** Wanted interval between checkpoints (the problem's checkpointSeconds), ms. */
  intervalMs: number;
  /** Evaluations after which a checkpoint is wanted whatever the time (bounds a resume's replay). */
  maxEvaluations: number;
  /** The next checkpoint waits at least this many times the last one's write time. */
  costFactor?: number;
}

/** What checkpoints cost so far; recorded in each checkpoint.json (docs/run-folder-format.md). */
export interface CheckpointCost {
  writes: number;
  /** Time spent writing checkpoints, ms (the journal's fsync, encoding and files). */
  totalMs: number;
  lastMs: number;
}

export const defaultCostFactor = 20;

export class CheckpointPolicy {
  private lastAt: number;
  private lastEvaluations = 0;
  private readonly costFactor: number;
  readonly cost: CheckpointCost = { writes: 0, totalMs: 0, lastMs: 0 };

  constructor(
    private readonly options: CheckpointPolicyOptions,
    now = Date.now(),
  ) {
    this.lastAt = now;
    this.costFactor = options.costFactor ?? defaultCostFactor;
  }

  /** The earliest time after the last checkpoint at which its cost allows the next one, ms. */
  get minimumIntervalMs(): number {
    return this.costFactor * this.cost.lastMs;
  }

  /** True when a checkpoint is wanted now and the last one's cost allows it. */
  due(now: number, evaluations: number): boolean {
    const since = now - this.lastAt;
    const wanted =
      since >= this.options.intervalMs || evaluations - this.lastEvaluations >= this.options.maxEvaluations;
    return wanted && since >= this.minimumIntervalMs;
  }

  /** Records a checkpoint written from `startedAt` to `endedAt` at `evaluations`. */
  written(startedAt: number, endedAt: number, evaluations: number): void {
    const ms = Math.max(0, endedAt - startedAt);
    this.cost.writes += 1;
    this.cost.totalMs += ms;
    this.cost.lastMs = ms;
    this.lastAt = endedAt;
    this.lastEvaluations = evaluations;
  }
}
