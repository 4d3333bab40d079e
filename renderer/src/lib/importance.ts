/**
 * Parameter importance from a run's evaluations, as Optuna Dashboard shows it: an
 * fANOVA-style decomposition (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for
 * Assessing Hyperparameter Importance", ICML 2014) of a random regression forest fitted to
 * (parameters → fitness).
 *
 * The forest is an extremely randomised trees ensemble (Geurts, Ernst & Wehenkel, Machine
 * Learning 63, 2006): each split tries a few random cut points per feature and keeps the
 * one that lowers the squared error most. It needs no sorting, so a thousand evaluations
 * fit in a few milliseconds, and its averaged piecewise-constant surface is smooth enough
 * for the marginals below.
 *
 * Importance of parameter j is the variance of its main effect, the forest's marginal
 * prediction f_j(v) = E[F(x) | x_j = v] with the other coordinates averaged over the
 * evaluations (the "partial dependence", whose variance Greenwell, Boehmke & McCarthy 2018
 * propose as a model-based importance; fANOVA integrates against the uniform measure on the
 * box instead). We average over the evaluations, not the box: an evolution strategy
 * samples a small part of the box, and the forest knows nothing of the rest, so weighting
 * the unexplored box would measure extrapolation. Shares are normalised to sum to 1, as
 * Optuna does; `explained` says how much of the prediction's variance the main effects hold
 * (the rest is interactions).
 *
 * Known bias: beside a dominant parameter a small effect is underestimated (the greedy
 * splits go to the dominant one first), so read small shares as "small", not as exact.
 */
import { createRng, type Rng } from '../../../engine/core/rng';

export interface ForestOptions {
  trees?: number;
  maxDepth?: number;
  /** Fewest evaluations in a leaf. */
  minLeaf?: number;
  /** Random cut points tried per feature and split. */
  cuts?: number;
  /** Features tried per split (all when there are fewer). */
  featuresPerSplit?: number;
  seed?: number | string;
}

/** One tree as flat arrays; `feature[k] < 0` marks a leaf whose prediction is `value[k]`. */
export interface RegressionTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export interface Forest {
  trees: RegressionTree[];
  features: number;
}

const defaults: Required<Omit<ForestOptions, 'seed'>> = {
  trees: 24,
  maxDepth: 14,
  minLeaf: 2,
  cuts: 2,
  featuresPerSplit: 16,
};

/** Columns (one array per feature) and targets → a fitted forest. Rows with a non-finite value are dropped. */
export function fitForest(
  columns: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  options: ForestOptions = {},
): Forest {
  const o = { ...defaults, ...options };
  const rng = createRng(options.seed ?? 1);
  const d = columns.length;
  const rows: number[] = [];
  for (let r = 0; r < y.length; r++) {
    if (Number.isFinite(y[r]) && columns.every((c) => Number.isFinite(c[r]))) rows.push(r);
  }
  const trees: RegressionTree[] = [];
  if (rows.length === 0) return { trees, features: d };
  for (let t = 0; t < o.trees; t++) {
    // Bootstrap sample (Breiman 2001): each tree sees a different resampling of the data.
    const sample = Int32Array.from(
      { length: rows.length },
      () => rows[Math.floor(rng.uniform() * rows.length)],
    );
    trees.push(growTree(columns, y, sample, o, rng));
  }
  return { trees, features: d };
}

function growTree(
  columns: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  sample: Int32Array,
  o: Required<Omit<ForestOptions, 'seed'>>,
  rng: Rng,
): RegressionTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const d = columns.length;
  const order = Array.from({ length: d }, (_, k) => k);

  // Iterative, with explicit (start, end, depth, node) work items over `sample`, which is
  // partitioned in place like quicksort.
  const node = () => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  const stack: [number, number, number, number][] = [[0, sample.length, 0, node()]];
  while (stack.length > 0) {
    const [start, end, depth, id] = stack.pop()!;
    let sum = 0;
    for (let k = start; k < end; k++) sum += y[sample[k]];
    const count = end - start;
    value[id] = sum / count;
    if (depth >= o.maxDepth || count < 2 * o.minLeaf) continue;

    let bestGain = 0;
    let bestFeature = -1;
    let bestCut = 0;
    // A random subset of the features (partial Fisher–Yates shuffle).
    const tried = Math.min(d, o.featuresPerSplit);
    for (let k = 0; k < tried; k++) {
      const swap = k + Math.floor(rng.uniform() * (d - k));
      [order[k], order[swap]] = [order[swap], order[k]];
    }
    for (let f = 0; f < tried; f++) {
      const column = columns[order[f]];
      let low = Infinity;
      let high = -Infinity;
      for (let k = start; k < end; k++) {
        const v = column[sample[k]];
        if (v < low) low = v;
        if (v > high) high = v;
      }
      if (!(high > low)) continue;
      for (let c = 0; c < o.cuts; c++) {
        const cut = low + rng.uniform() * (high - low);
        let leftSum = 0;
        let leftCount = 0;
        for (let k = start; k < end; k++) {
          if (column[sample[k]] <= cut) {
            leftSum += y[sample[k]];
            leftCount++;
          }
        }
        const rightCount = count - leftCount;
        if (leftCount < o.minLeaf || rightCount < o.minLeaf) continue;
        const rightSum = sum - leftSum;
        // Reduction of the squared error, up to the constant Σy² term.
        const gain =
          (leftSum * leftSum) / leftCount + (rightSum * rightSum) / rightCount - (sum * sum) / count;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = order[f];
          bestCut = cut;
        }
      }
    }
    if (bestFeature < 0 || !(bestGain > 1e-12 * Math.abs((sum * sum) / count))) continue;
    const column = columns[bestFeature];
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (column[sample[i]] <= bestCut) i++;
      else {
        const swap = sample[i];
        sample[i] = sample[j];
        sample[j] = swap;
        j--;
      }
    }
    feature[id] = bestFeature;
    threshold[id] = bestCut;
    const l = node();
    const r = node();
    left[id] = l;
    right[id] = r;
    stack.push([start, i, depth + 1, l], [i, end, depth + 1, r]);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/** The forest's prediction at x (the mean of its trees'). */
export function predict(forest: Forest, x: ArrayLike<number>): number {
  let total = 0;
  for (const tree of forest.trees) {
    let k = 0;
    while (tree.feature[k] >= 0) k = x[tree.feature[k]] <= tree.threshold[k] ? tree.left[k] : tree.right[k];
    total += tree.value[k];
  }
  return forest.trees.length > 0 ? total / forest.trees.length : Number.NaN;
}

export const importanceMethod =
  'fANOVA-style main effects of an extra-trees forest (variance of each parameter’s marginal over the evaluations)';

export interface ImportanceOptions extends ForestOptions {
  /** Values of a parameter its marginal is evaluated at (evenly over the evaluated range). */
  grid?: number;
  /** Most evaluations the other coordinates are averaged over. */
  background?: number;
  /** Most evaluations the forest is fitted to (evenly spaced). */
  maxRows?: number;
}

export interface ImportanceResult {
  method: string;
  /** Share of each parameter (same order as the columns), summing to 1; 0 for a constant one. */
  shares: number[];
  /** Variance of each main effect, in fitness units². */
  variances: number[];
  /** Σ main-effect variances / variance of the forest over the evaluations (≤ 1 without dependence). */
  explained: number;
  /** Evaluations the forest was fitted to (failed ones are left out). */
  rows: number;
}

/**
 * Importance of each column for `fitness` (null = failed, left out). Fewer than 8 usable
 * evaluations, or a constant fitness, give all-zero shares.
 */
export function parameterImportance(
  columns: readonly ArrayLike<number>[],
  fitness: ArrayLike<number | null>,
  options: ImportanceOptions = {},
): ImportanceResult {
  const d = columns.length;
  const maxRows = options.maxRows ?? 1000;
  const usable: number[] = [];
  for (let r = 0; r < fitness.length; r++) {
    const v = fitness[r];
    if (v !== null && Number.isFinite(v) && columns.every((c) => Number.isFinite(c[r]))) usable.push(r);
  }
  const stride = Math.max(1, usable.length / maxRows);
  const rows: number[] = [];
  for (let k = 0; k < Math.min(usable.length, maxRows); k++) rows.push(usable[Math.floor(k * stride)]);
  const empty: ImportanceResult = {
    method: importanceMethod,
    shares: columns.map(() => 0),
    variances: columns.map(() => 0),
    explained: 0,
    rows: rows.length,
  };
  if (rows.length < 8 || d === 0) return empty;
  const x = columns.map((c) => Float64Array.from(rows, (r) => c[r]));
  const y = Float64Array.from(rows, (r) => fitness[r] as number);
  const forest = fitForest(x, y, options);

  // Background: the evaluations the other coordinates are averaged over. Fewer of them for
  // many parameters, so the cost (d × grid × background tree walks) stays bounded.
  const backgroundCount = Math.min(
    rows.length,
    options.background ?? Math.max(16, Math.min(64, Math.floor(2048 / d))),
  );
  const step = rows.length / backgroundCount;
  const background = Array.from({ length: backgroundCount }, (_, k) => x.map((c) => c[Math.floor(k * step)]));
  const predictions = background.map((point) => predict(forest, point));
  const totalVariance = variance(predictions);
  const grid = options.grid ?? 16;
  const variances = x.map((column, j) => {
    let low = Infinity;
    let high = -Infinity;
    for (const v of column) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
    if (!(high > low)) return 0;
    const marginal: number[] = [];
    for (let g = 0; g < grid; g++) {
      const v = low + ((g + 0.5) / grid) * (high - low);
      let total = 0;
      for (const point of background) {
        const saved = point[j];
        point[j] = v;
        total += predict(forest, point);
        point[j] = saved;
      }
      marginal.push(total / background.length);
    }
    return variance(marginal);
  });
  const sum = variances.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return { ...empty, variances };
  return {
    method: importanceMethod,
    shares: variances.map((v) => v / sum),
    variances,
    explained: totalVariance > 0 ? sum / totalVariance : 0,
    rows: rows.length,
  };
}

function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / values.length;
}
