/**
 * The mean's path in the ellipse view over 1000+ generations: recent generations in full,
 * older ones ever sparser, and fading with age, so a long run shows where the search went
 * lately without a tangle of its whole history.
 */

/**
 * Indices of the points of a `count`-point path to draw, ascending: each of the last
 * `recent`, then older ones at a stride that grows by one every `recent` points back
 * (1 + ⌊age / recent⌋). About recent·(1 + ln(count / recent)) points for any count; the
 * first and the last point are always kept.
 */
export function pathIndices(count: number, recent = 100): number[] {
  if (count <= 0) return [];
  const out: number[] = [];
  let k = count - 1;
  while (k > 0) {
    out.push(k);
    const age = count - 1 - k;
    k -= 1 + Math.floor(age / Math.max(1, recent));
  }
  out.push(0);
  return out.reverse();
}

/** Opacity of the path at point `k` of `count`: 1 for the newest, down to `oldest` for the first. */
export function pathOpacity(k: number, count: number, oldest = 0.12): number {
  if (count <= 1) return 1;
  const age = (count - 1 - k) / (count - 1);
  return 1 - (1 - oldest) * Math.sqrt(age);
}
