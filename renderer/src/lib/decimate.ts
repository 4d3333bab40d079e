/**
 * Min–max decimation for the fitness curve: the visible x range is cut into buckets and each
 * bucket keeps its first point plus the points with the smallest and largest y, in x order.
 * Spikes survive (unlike plain striding), the output is at most ~3 points per bucket, and
 * the cost is one pass over the visible points, so 1e5 generations redraw in a few ms.
 */

export interface Point {
  x: number;
  y: number;
}

/** Index of the first element of sorted `xs` that is ≥ value (binary search). */
export function lowerBound(xs: ArrayLike<number>, value: number, length = xs.length): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (xs[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Decimates (xs[k], ys[k]) for k < length to about `buckets` × 3 points within [xMin, xMax]
 * (one point either side kept so lines run to the edge). `xs` must be non-decreasing;
 * null / non-finite ys are skipped.
 */
export function decimateMinMax(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null>,
  buckets: number,
  xMin = -Infinity,
  xMax = Infinity,
  length = Math.min(xs.length, ys.length),
): Point[] {
  const start = Math.max(0, lowerBound(xs, xMin, length) - 1);
  const end = Math.min(length, lowerBound(xs, xMax, length) + 1);
  const out: Point[] = [];
  if (end <= start) return out;
  const count = end - start;
  if (count <= buckets * 3) {
    for (let k = start; k < end; k++) {
      const y = ys[k];
      if (y !== null && Number.isFinite(y)) out.push({ x: xs[k], y });
    }
    return out;
  }
  const x0 = xs[start];
  const width = (xs[end - 1] - x0) / buckets || 1;
  let k = start;
  while (k < end) {
    const bucket = Math.floor((xs[k] - x0) / width);
    let first = -1;
    let low = -1;
    let high = -1;
    for (; k < end && Math.floor((xs[k] - x0) / width) === bucket; k++) {
      const y = ys[k];
      if (y === null || !Number.isFinite(y)) continue;
      if (first < 0) first = k;
      if (low < 0 || y < (ys[low] as number)) low = k;
      if (high < 0 || y > (ys[high] as number)) high = k;
    }
    if (first < 0) continue;
    for (const index of [...new Set([first, low, high])].sort((a, b) => a - b)) {
      out.push({ x: xs[index], y: ys[index] as number });
    }
  }
  return out;
}

/**
 * For a log axis: values must be positive. When some are ≤ 0 (e.g. a minimum of −1), the
 * curve is shifted to f − f_floor, with f_floor just below the smallest value, and the axis
 * says so. Returns the shift (0 when none was needed).
 */
export function logShift(values: ArrayLike<number | null>, length = values.length): number {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < length; k++) {
    const v = values[k];
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || min > 0) return 0;
  const spread = Math.max(max - min, Math.abs(min), 1e-300);
  return min - 1e-9 * spread;
}
