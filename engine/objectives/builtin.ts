/**
 * Built-in test functions, all minimised, by id. Cheap to evaluate, so they also drive the
 * heat maps behind the sampling-ellipse view and the quality benchmarks.
 * Definitions follow the usual benchmarking conventions (Hansen's CMA-ES test suite, BBOB)
 * and seed document 001 for the 1-D functions.
 *
 * `builtinFunctions` is a static map, like the strategies registry: a built-in defined in a
 * file of its own is imported here and listed in the map, never registered as a side effect
 * of an import (worker threads import this module alone, and must see every built-in).
 */
import { createRng } from '../core/rng';
import { degenerateRosenbrock } from './degenerate-rosenbrock';
import type { BuiltinFunction, BuiltinObjectiveSpec } from './types';

export type { BuiltinFunction, BuiltinObjectiveSpec } from './types';

function ellipsoidWeights(n: number): Float64Array {
  // Condition number 1e6: axis i scaled by 10^(6 i / (n − 1)).
  return Float64Array.from({ length: n }, (_, i) => (n === 1 ? 1 : 10 ** ((6 * i) / (n - 1))));
}

/**
 * A fixed random orthogonal matrix for dimension n (Gram–Schmidt on seeded Gaussians),
 * row-major. Fixed seed, so "rotated ellipsoid, n=10" is the same function everywhere.
 */
export function fixedRotation(n: number, seed = 'evobox-rotation'): Float64Array {
  const rng = createRng(`${seed}:${n}`);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n);
    rng.gaussians(row);
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += row[k] * q[j * n + k];
      for (let k = 0; k < n; k++) row[k] -= dot * q[j * n + k];
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += row[k] * row[k];
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) q[i * n + k] = row[k] / norm;
  }
  return q;
}

const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(x) / x);

export const builtinFunctions: Readonly<Record<string, BuiltinFunction>> = {
  sphere: {
    id: 'sphere',
    title: 'Sphere Σ xᵢ²',
    domain: [-5, 5],
    minimum: 0,
    create: () => (x) => {
      // Four partial sums: the additions of one chain wait for each other, four chains overlap.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < x.length; i += 4) {
        s0 += x[i] * x[i];
        s1 += x[i + 1] * x[i + 1];
        s2 += x[i + 2] * x[i + 2];
        s3 += x[i + 3] * x[i + 3];
      }
      for (; i < x.length; i++) s0 += x[i] * x[i];
      return s0 + s1 + (s2 + s3);
    },
  },
  ellipsoid: {
    id: 'ellipsoid',
    title: 'Ellipsoid Σ 10^(6i/(n−1)) xᵢ² (condition 1e6)',
    domain: [-5, 5],
    minimum: 0,
    create: (n) => {
      const weights = ellipsoidWeights(n);
      return (x) => {
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += weights[i] * x[i] * x[i];
        return sum;
      };
    },
  },
  'rotated-ellipsoid': {
    id: 'rotated-ellipsoid',
    title: 'Ellipsoid of a fixed random rotation R·x (condition 1e6)',
    domain: [-5, 5],
    minimum: 0,
    create: (n) => {
      const weights = ellipsoidWeights(n);
      const rotation = fixedRotation(n);
      return (x) => {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          let y = 0;
          for (let k = 0; k < n; k++) y += rotation[i * n + k] * x[k];
          sum += weights[i] * y * y;
        }
        return sum;
      };
    },
  },
  rosenbrock: {
    id: 'rosenbrock',
    title: 'Rosenbrock Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²',
    domain: [-5, 5],
    minimum: 0,
    create: () => (x) => {
      let sum = 0;
      for (let i = 0; i < x.length - 1; i++) {
        const a = x[i + 1] - x[i] * x[i];
        const b = 1 - x[i];
        sum += 100 * a * a + b * b;
      }
      return sum;
    },
  },
  rastrigin: {
    id: 'rastrigin',
    title: 'Rastrigin 10n + Σ xᵢ² − 10 cos(2π xᵢ)',
    domain: [-5.12, 5.12],
    minimum: 0,
    create: () => (x) => {
      let sum = 10 * x.length;
      for (let i = 0; i < x.length; i++) sum += x[i] * x[i] - 10 * Math.cos(2 * Math.PI * x[i]);
      return sum;
    },
  },
  ackley: {
    id: 'ackley',
    title: 'Ackley −20 exp(−0.2 √(Σxᵢ²/n)) − exp(Σ cos(2πxᵢ)/n) + 20 + e',
    domain: [-32.768, 32.768],
    minimum: 0,
    create: () => (x) => {
      const n = x.length;
      let squares = 0;
      let cosines = 0;
      for (let i = 0; i < n; i++) {
        squares += x[i] * x[i];
        cosines += Math.cos(2 * Math.PI * x[i]);
      }
      // max(0, …) removes the −4e−16 rounding residue at the optimum.
      return Math.max(0, -20 * Math.exp(-0.2 * Math.sqrt(squares / n)) - Math.exp(cosines / n) + 20 + Math.E);
    },
  },
  sinc: {
    id: 'sinc',
    title: '−sinc(x) = −sin(x)/x (seed 001, minimum −1 at 0)',
    fixedDimension: 1,
    domain: [-20, 20],
    minimum: -1,
    create: () => (x) => -sinc(x[0]),
  },
  jagged: {
    id: 'jagged',
    title: '⌊10·sinc(x)⌋ + 4·sin(x) (seed 001, minimum −7 at 3π/2)',
    fixedDimension: 1,
    domain: [-20, 20],
    minimum: -7,
    create: () => (x) => Math.floor(10 * sinc(x[0])) + 4 * Math.sin(x[0]),
  },
  'degenerate-rosenbrock': degenerateRosenbrock,
};

/**
 * The evaluator for a built-in objective spec. Noise is drawn from a generator seeded by
 * (noiseSeed, evaluation index), so a noisy run is still reproducible whatever the worker
 * count or completion order.
 */
export function createBuiltinEvaluator(
  spec: BuiltinObjectiveSpec,
  dimension: number,
  noiseSeed: number | string = 0,
): (x: ArrayLike<number>, evaluationIndex: number) => number {
  const fn = builtinFunctions[spec.builtin];
  if (!fn) {
    throw new Error(
      `objective.builtin must be one of ${Object.keys(builtinFunctions).join(', ')} (got ${JSON.stringify(spec.builtin)})`,
    );
  }
  if (fn.fixedDimension !== undefined && dimension !== fn.fixedDimension) {
    throw new Error(
      `objective.builtin ${fn.id} is ${fn.fixedDimension}-dimensional (got ${dimension} parameters)`,
    );
  }
  const evaluate = fn.create(dimension);
  const noise = spec.noise ?? 0;
  if (noise <= 0) return (x) => evaluate(x);
  return (x, index) => evaluate(x) + noise * createRng(`${noiseSeed}:noise:${index}`).gaussian();
}
