/** Number and time formatting for the progress bar, tables and tooltips. */

export function formatNumber(value: number | null | undefined, digits = 5): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

export interface ProgressInput {
  evaluations: number;
  elapsedMs: number;
  budgetEvaluations?: number;
  budgetSeconds?: number;
}

export interface ProgressView {
  /** 0…1, or null when no budget bounds the run. */
  fraction: number | null;
  evaluationsPerSecond: number | null;
  etaMs: number | null;
}

/**
 * Progress against whichever budget ends the run first: evaluations (at the observed rate)
 * or seconds. A run with only a target has no known end, so fraction and ETA are null.
 */
export function progress(input: ProgressInput): ProgressView {
  const { evaluations, elapsedMs, budgetEvaluations, budgetSeconds } = input;
  const rate = elapsedMs > 0 ? (evaluations * 1000) / elapsedMs : null;
  const candidates: { fraction: number; eta: number | null }[] = [];
  if (budgetEvaluations && budgetEvaluations > 0) {
    const remaining = Math.max(0, budgetEvaluations - evaluations);
    candidates.push({
      fraction: Math.min(1, evaluations / budgetEvaluations),
      eta: rate && rate > 0 ? (remaining / rate) * 1000 : null,
    });
  }
  if (budgetSeconds && budgetSeconds > 0) {
    const total = budgetSeconds * 1000;
    candidates.push({ fraction: Math.min(1, elapsedMs / total), eta: Math.max(0, total - elapsedMs) });
  }
  if (candidates.length === 0) return { fraction: null, evaluationsPerSecond: rate, etaMs: null };
  const first = candidates.reduce((a, b) => (b.fraction > a.fraction ? b : a));
  return { fraction: first.fraction, evaluationsPerSecond: rate, etaMs: first.eta };
}
