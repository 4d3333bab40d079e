/** Plot ranges and tick positions for the canvas views. */
import type { Range } from './landscape';

/** The smallest range holding every finite value, widened by `margin` of its width each side. */
export function fitRange(
  values: Iterable<number>,
  margin = 0.1,
  fallback: Range = { min: 0, max: 1 },
): Range {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return fallback;
  let width = max - min;
  if (width <= 0) width = Math.max(Math.abs(min) * 0.1, 1e-9);
  return { min: min - margin * width, max: max + margin * width };
}

/** Union of two ranges. */
export function unionRange(a: Range, b: Range): Range {
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** `count` evenly spaced tick positions across a range, ends included. */
export function ticks(range: Range, count = 5): number[] {
  return Array.from({ length: count }, (_, k) => range.min + ((range.max - range.min) * k) / (count - 1));
}
