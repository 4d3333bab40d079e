/**
 * Rank-based fitness shaping shared by the evolution strategies: the strategies see only the
 * order of a generation's fitness values (or ranks spread evenly), never their scale, which
 * makes them invariant to monotone transformations of the objective.
 */

/**
 * Candidate indices sorted by fitness, best (lowest) first; ties keep candidate order, so
 * the ranking is the same whatever the sort algorithm.
 */
export function rankByFitness(fitness: Float64Array): Int32Array {
  const count = fitness.length;
  const order = new Int32Array(count);
  let hasNaN = false;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (fitness[i] !== fitness[i]) hasNaN = true;
  }
  // With NaN the comparator is no ordering, and the result is whatever the engine's sort makes of it.
  if (count > 32 || hasNaN) return order.sort((a, b) => fitness[a] - fitness[b] || a - b);
  // Insertion sort for small populations (a sort with a comparator costs ≈ 0.4 µs at λ = 10).
  // It moves an index only past strictly larger values, so ties (also ∞ against ∞) keep
  // candidate order: the one order the comparator above defines.
  for (let i = 1; i < count; i++) {
    const index = order[i];
    const value = fitness[index];
    let j = i - 1;
    while (j >= 0 && fitness[order[j]] - value > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = index;
  }
  return order;
}

/**
 * Centred ranks (Salimans et al. 2017, arXiv:1703.03864): the best (lowest) fitness gets
 * +½, the worst −½, evenly spaced in between; tied values share their average rank, so equal
 * fitness carries no signal.
 */
export function centredRanks(fitness: ArrayLike<number>): Float64Array {
  const count = fitness.length;
  const out = new Float64Array(count);
  if (count < 2) return out;
  const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => fitness[a] - fitness[b]);
  let start = 0;
  while (start < count) {
    let end = start;
    while (end + 1 < count && fitness[order[end + 1]] === fitness[order[start]]) end++;
    const averageRank = (start + end) / 2; // 0 = best
    for (let r = start; r <= end; r++) out[order[r]] = 0.5 - averageRank / (count - 1);
    start = end + 1;
  }
  return out;
}

/**
 * Rank-based utilities of NES (Wierstra et al., JMLR 15, 2014), best rank first:
 * uₖ = max(0, ln(λ/2 + 1) − ln k) / Σ − 1/λ. They sum to zero and only the better half gets
 * positive weight, which makes σ grow on linear slopes.
 */
export function nesUtilities(populationSize: number): Float64Array {
  const raw = Float64Array.from({ length: populationSize }, (_, k) =>
    Math.max(0, Math.log(populationSize / 2 + 1) - Math.log(k + 1)),
  );
  const total = raw.reduce((sum, v) => sum + v, 0);
  return raw.map((v) => v / total - 1 / populationSize);
}
