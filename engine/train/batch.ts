/** Minibatches: `size` distinct rows of `count` (all of them when size ≥ count), by a partial Fisher–Yates shuffle. */
import type { Rng } from '../core/rng';

export function drawBatch(rng: Rng, count: number, size: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const take = Math.min(size, count);
  for (let i = 0; i < take; i++) {
    const j = i + rng.integer(count - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, take);
}
