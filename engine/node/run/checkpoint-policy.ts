/**
 * When to write the next checkpoint. The problem's `checkpointSeconds` (default 2) and a bound
 * on the journal lines a resume replays ask for one; the measured cost of the writes decides
 * whether one may be written yet:
 * - the next checkpoint waits at least `costFactor` times as long as the last one took, and
 * - the time spent in checkpoints, counting the one about to be written and the final one every
 *   run writes at its end (each estimated at the dearer of the last two), stays ≤ 1/costFactor
 *   of the run time so far (5 % with the default 20). A write dearer than expected (a loaded
 *   disk) thus delays the next ones until the share is back under the bound.
 * A 10-D run still checkpoints every 2 s; a 2 000-D CMA-ES state (64 MB) whose write takes
 * 0.5 s is written every ≈ 20 s once the run is long enough. Only the first checkpoint, before
 * any cost is known, comes at the plain interval.
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
  private readonly startedAt: number;
  private lastAt: number;
  private lastEvaluations = 0;
  private previousMs = 0;
  private readonly costFactor: number;
  readonly cost: CheckpointCost = { writes: 0, totalMs: 0, lastMs: 0 };

  constructor(
    private readonly options: CheckpointPolicyOptions,
    now = Date.now(),
  ) {
    this.startedAt = now;
    this.lastAt = now;
    this.costFactor = options.costFactor ?? defaultCostFactor;
  }

  /** The earliest time after the last checkpoint at which its cost allows the next one, ms. */
  get minimumIntervalMs(): number {
    return this.costFactor * this.cost.lastMs;
  }

  /** True when a checkpoint is wanted now and what checkpoints cost allows it. */
  due(now: number, evaluations: number): boolean {
    const since = now - this.lastAt;
    const wanted =
      since >= this.options.intervalMs || evaluations - this.lastEvaluations >= this.options.maxEvaluations;
    if (!wanted || since < this.minimumIntervalMs) return false;
    // This write and the final one, at the dearer of the last two writes' cost.
    const estimate = Math.max(this.cost.lastMs, this.previousMs);
    const spent = this.cost.totalMs + 2 * estimate;
    return spent <= (now - this.startedAt + estimate) / this.costFactor;
  }

  /** Records a checkpoint written from `startedAt` to `endedAt` at `evaluations`. */
  written(startedAt: number, endedAt: number, evaluations: number): void {
    const ms = Math.max(0, endedAt - startedAt);
    this.cost.writes += 1;
    this.cost.totalMs += ms;
    this.previousMs = this.cost.lastMs;
    this.cost.lastMs = ms;
    this.lastAt = endedAt;
    this.lastEvaluations = evaluations;
  }
}
