/** Number formatting and small statistics for benchmark tables. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/** Microseconds as "123.4 µs" or "12.3 ms". */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '–';
  return us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return ratio >= 10 ? `${ratio.toFixed(0)}×` : `${ratio.toFixed(2)}×`;
}

/** Rates and counts with thousands separators (narrow spaces read badly in tables). */
export function formatCount(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatRate(perSecond: number): string {
  return formatCount(perSecond, perSecond < 100 ? 1 : 0);
}

export function formatFitness(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value === 0
    ? '0'
    : Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4
      ? value.toExponential(2)
      : value.toPrecision(3);
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets pending I/O callbacks run between long synchronous stretches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
