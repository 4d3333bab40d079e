/**
 * One run as the Run view shows it: live (events from the backend) or reopened from the
 * history (curve read from its folder). The series is plain data; `version` is the only
 * reactive signal charts listen to, so pushing 1e5 generations does not make Svelte track
 * 1e5 array entries.
 */
import type { ParameterRow, RunStatus, RunStatusEvent } from '../../../electron/ipc-contract';
import { RunSeries } from '../lib/run-series';
import type { ExecutorChoice } from '../lib/executor-choice';

export interface RunContext {
  name: string;
  objective: Record<string, unknown>;
  parameters: ParameterRow[];
  budget: { evaluations?: number; seconds?: number; target?: number };
  direction: 'minimize' | 'maximize';
  /** Where the run's evaluations go, from its own problem (not the editor's draft). */
  executor: ExecutorChoice;
}

export class RunState {
  readonly runDir: string;
  readonly context: RunContext;
  readonly live: boolean;
  series: RunSeries;
  status = $state<RunStatus | 'interrupted'>('running');
  result = $state<RunStatusEvent['result'] | null>(null);
  version = $state(0);
  /** Best parameters of a reopened run (live runs take them from the series). */
  savedBest = $state<{ params: Record<string, number>; fitness: number } | null>(null);
  /** `seq` of the newest status event applied (events from before a snapshot are stale). */
  statusSeq = 0;

  constructor(runDir: string, context: RunContext, live: boolean, series = new RunSeries()) {
    this.runDir = runDir;
    this.context = context;
    this.live = live;
    this.series = series;
  }

  /** A status event for this run, from any page's action (another tab's Pause included). */
  applyStatus(event: RunStatusEvent): void {
    if (event.seq !== undefined) {
      if (event.seq <= this.statusSeq) return;
      this.statusSeq = event.seq;
    }
    this.touch(); // the final numbers with the final status
    this.status = event.status;
    if (event.result) this.result = event.result;
  }

  private touchTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTouch = -Infinity;

  /** Publishes the series' changes to the views now. */
  touch(): void {
    if (this.touchTimer) clearTimeout(this.touchTimer);
    this.touchTimer = null;
    this.lastTouch = performance.now();
    this.version = this.series.version;
  }

  /**
   * Publishes the series' changes at most every `intervalMs`, the last change always
   * included. Every publication updates the progress text, the slider and the charts in one
   * frame; a fast run delivering a batch every 75 ms would otherwise have the page repainted
   * (in software, without a GPU) more often than it can.
   */
  touchSoon(intervalMs = 250): void {
    if (this.touchTimer) return;
    const wait = this.lastTouch + intervalMs - performance.now();
    if (wait <= 0) this.touch();
    else this.touchTimer = setTimeout(() => this.touch(), wait);
  }

  get best(): { params: Record<string, number>; fitness: number } | null {
    void this.version;
    return this.series.best ?? this.result?.best ?? this.savedBest;
  }

  get evaluations(): number {
    void this.version;
    const last = this.series.evaluations.length;
    return last ? this.series.evaluations[last - 1] : (this.result?.evaluations ?? 0);
  }
}
