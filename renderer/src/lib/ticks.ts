/**
 * Tick positions and labels for every axis: positions at 1-2-5 multiples of a power of ten
 * ("nice numbers", Heckbert, Graphics Gems I, 1990), and labels whose precision follows the
 * step between ticks, so neighbouring labels differ ("1.99 2 2 2 2.01" cannot happen) and no
 * label carries digits the step does not need ("100,000.0000000000" cannot happen either).
 */
import type { Range } from './landscape';

/** The nice step (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals across `span`. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
  return nice * power;
}

/** Multiples of a nice step inside the range (ends included when they fall on one). */
export function niceTicks(range: Range, count = 5): number[] {
  const span = range.max - range.min;
  if (!(span > 0) || !Number.isFinite(span)) return Number.isFinite(range.min) ? [range.min] : [];
  const step = niceStep(span, count);
  const first = Math.ceil(range.min / step - 1e-9);
  const last = Math.floor(range.max / step + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last && out.length < 100; k++) {
    // k·step, not a running sum: no accumulated rounding; −0 becomes 0.
    const value = k * step;
    out.push(Math.abs(value) < step * 1e-9 ? 0 : value);
  }
  return out;
}

/** Decimals that write `step` exactly (for a nice step) or tell neighbours apart (any step). */
function decimalsFor(step: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return Math.max(0, Math.ceil(-Math.log10(step)) + 1);
}

function trimExponent(text: string): string {
  // "1.5e+5" → "1.5e5", "2e-7" stays; the plus sign and leading zeros only cost width.
  return text.replace('e+', 'e');
}

/**
 * Labels for a set of ticks, all with the precision their smallest gap needs. Very large or
 * very small magnitudes use exponent notation with the same rule on the mantissa.
 */
export function formatTicks(values: readonly number[]): string[] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return values.map(() => '');
  const sorted = [...new Set(finite)].sort((a, b) => a - b);
  let step = Infinity;
  for (let k = 1; k < sorted.length; k++) step = Math.min(step, sorted[k] - sorted[k - 1]);
  const magnitude = Math.max(...sorted.map(Math.abs));
  if (!Number.isFinite(step) || step <= 0) step = magnitude > 0 ? magnitude / 10 : 1;
  const exponential = magnitude >= 1e6 || (magnitude > 0 && magnitude < 1e-3);
  return values.map((v) => {
    if (!Number.isFinite(v)) return '';
    if (Math.abs(v) < step * 1e-9) return '0';
    if (exponential) {
      const exponent = Math.floor(Math.log10(Math.abs(v)));
      const digits = Math.min(12, Math.max(0, exponent - Math.floor(Math.log10(step)) + 0));
      const mantissaStep = step / 10 ** exponent;
      const d = Math.min(digits, decimalsFor(mantissaStep));
      return trimExponent(v.toExponential(d));
    }
    return v.toFixed(decimalsFor(step)).replace(/^-(0\.?0*)$/, '$1');
  });
}

/**
 * A label for a tick on a log axis: powers of ten as "1e-8", "0.01", "1", "1000", "1e5";
 * other values with three significant digits.
 */
export function formatLogTick(value: number): string {
  if (!(value > 0) || !Number.isFinite(value)) return '';
  const exponent = Math.log10(value);
  const rounded = Math.round(exponent);
  if (Math.abs(exponent - rounded) < 1e-9) {
    if (rounded >= -2 && rounded <= 4) return String(10 ** rounded).replace(/(\.\d*?)0+$/, '$1');
    return `1e${rounded}`;
  }
  if (value >= 1e-2 && value < 1e5) return String(Number(value.toPrecision(3)));
  return trimExponent(value.toExponential(2).replace(/\.?0+e/, 'e'));
}

/** Which ticks of a log axis to label: powers of ten, plus 2 and 5 when few decades show. */
export function logTickShown(value: number, decades: number): boolean {
  if (!(value > 0)) return false;
  const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-12);
  const lead = Math.round(mantissa * 1000) / 1000;
  if (lead === 1) return true;
  return decades <= 2 && (lead === 2 || lead === 5);
}

export interface AxisTick {
  /** Position in the plot's own coordinate (e.g. the strategy's internal coordinate). */
  at: number;
  label: string;
}

/** Whether g is affine on [a, b], checked at the quarter points (relative tolerance). */
function isAffine(g: (x: number) => number, a: number, b: number): boolean {
  const ga = g(a);
  const gb = g(b);
  if (!Number.isFinite(ga) || !Number.isFinite(gb) || ga === gb) return false;
  const tolerance = 1e-7 * (Math.abs(ga) + Math.abs(gb) + Math.abs(gb - ga));
  return [0.25, 0.5, 0.75].every((t) => Math.abs(g(a + t * (b - a)) - (ga + t * (gb - ga))) <= tolerance);
}

/**
 * Ticks for an axis drawn in one coordinate but labelled in another (`toUser`: plot
 * coordinate → the value shown). When the map is affine (a linear parameter) the ticks sit
 * at nice user values; when it is affine in log10 (a log-scaled parameter) at powers of ten
 * (or 1-2-5 over few decades); otherwise (a folded or unknown map) at evenly spaced
 * positions, labelled with a precision that tells neighbours apart.
 */
export function axisTicks(toUser: (x: number) => number, range: Range, count = 5): AxisTick[] {
  const { min, max } = range;
  if (!(max > min)) return [];
  if (isAffine(toUser, min, max)) {
    const ua = toUser(min);
    const ub = toUser(max);
    const values = niceTicks({ min: Math.min(ua, ub), max: Math.max(ua, ub) }, count);
    const labels = formatTicks(values);
    return values.map((u, k) => ({ at: min + ((u - ua) / (ub - ua)) * (max - min), label: labels[k] }));
  }
  const log = (x: number) => Math.log10(toUser(x));
  if (toUser(min) > 0 && toUser(max) > 0 && isAffine(log, min, max)) {
    const la = log(min);
    const lb = log(max);
    const low = Math.min(la, lb);
    const high = Math.max(la, lb);
    const decades = high - low;
    const values: number[] = [];
    for (let e = Math.floor(low); e <= Math.ceil(high) && values.length < 60; e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        const lv = Math.log10(v);
        if (lv >= low - 1e-9 && lv <= high + 1e-9 && logTickShown(v, decades)) values.push(v);
      }
    }
    // Too few decades for even one power of ten: fall back to nice linear user values.
    if (values.length >= 2) {
      const stride = Math.ceil(values.length / (count + 2));
      return values
        .filter((_, k) => k % stride === 0)
        .map((v) => ({
          at: min + ((Math.log10(v) - la) / (lb - la)) * (max - min),
          label: formatLogTick(v),
        }));
    }
  }
  const positions = Array.from({ length: count }, (_, k) => min + ((max - min) * k) / (count - 1));
  const labels = formatTicks(positions.map(toUser));
  return positions.map((at, k) => ({ at, label: labels[k] }));
}

/**
 * Whether a fitness chart should start on a log axis: every finite value positive, and the
 * largest more than `decades` powers of ten above the smallest.
 */
export function spansDecades(columns: readonly ArrayLike<number | null>[], decades = 3): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const column of columns) {
    for (let k = 0; k < column.length; k++) {
      const v = column[k];
      if (v === null || !Number.isFinite(v)) continue;
      if (v <= 0) return false;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Number.isFinite(min) && max / min > 10 ** decades;
}
