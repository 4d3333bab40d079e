/** The TTY progress bar for `run` and `resume` (stderr, so stdout stays clean for pipes). */
import cliProgress from 'cli-progress';
import type { GenerationEvent } from '../run/types';

export interface ProgressView {
  /** False when nothing is drawn: the run then builds no generation events at all. */
  readonly listens: boolean;
  update(event: GenerationEvent): void;
  stop(): void;
}

function formatFitness(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0)
    ? value.toExponential(3)
    : value.toPrecision(6);
}

export function createProgress(total: number | undefined, enabled: boolean): ProgressView {
  if (!enabled) return { listens: false, update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: total
        ? '{bar} {percentage}% | {value}/{total} evals | {rate}/s | best {best} | failed {failed} | gen {generation} | ETA {eta_formatted}'
        : '{value} evals | {rate}/s | best {best} | failed {failed} | gen {generation} | {duration_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { best: '—', failed: 0, generation: 0, rate: 0 });
  let last = 0;
  return {
    listens: true,
    update(event) {
      const now = Date.now();
      if (now - last < 100 && !event.stopReason) return;
      last = now;
      bar.update(event.evaluations, {
        best: formatFitness(event.best?.fitness),
        failed: event.failedEvaluations,
        generation: event.generation,
        rate: event.elapsedMs > 0 ? Math.round((event.evaluations * 1000) / event.elapsedMs) : 0,
      });
    },
    stop() {
      bar.stop();
    },
  };
}
