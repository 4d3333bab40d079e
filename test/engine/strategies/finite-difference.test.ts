import { describe, expect, it } from 'vitest';
import {
  centralDifferenceGradient,
  centralDifferenceStencil,
  coordinateBasis,
  finiteDifference,
  randomOrthonormalBasis,
  type FiniteDifferenceState,
} from '../../../engine/strategies/finite-difference';
import { createRng } from '../../../engine/core/rng';
import { Optimizer } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { optionsFactory, runUntilStop, unboundedSpace } from './helpers';

const options = optionsFactory(finiteDifference);

/** f(x) = ½ xᵀAx + bᵀx + c with a random symmetric A; ∇f = Ax + b. */
function randomQuadratic(n: number, seed: number) {
  const rng = createRng(seed);
  const m = rng.gaussians(new Float64Array(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = m[i * n + j] + m[j * n + i];
  const b = rng.gaussians(new Float64Array(n));
  const f = (x: ArrayLike<number>) => {
    let value = 3;
    for (let i = 0; i < n; i++) {
      value += b[i] * x[i];
      for (let j = 0; j < n; j++) value += 0.5 * x[i] * a[i * n + j] * x[j];
    }
    return value;
  };
  const gradient = (x: ArrayLike<number>) =>
    Float64Array.from(
      { length: n },
      (_, i) => b[i] + Array.from(x).reduce((s, xj, j) => s + a[i * n + j] * xj, 0),
    );
  return { f, gradient };
}

function maxRelativeError(estimate: Float64Array, exact: Float64Array): number {
  const scale = Math.max(...Array.from(exact, Math.abs));
  return Math.max(...Array.from(estimate, (v, i) => Math.abs(v - exact[i]))) / scale;
}

describe('central differences', () => {
  it('give the exact gradient of a quadratic, along the axes or a random orthonormal basis, for any h', () => {
    const n = 7;
    const { f, gradient } = randomQuadratic(n, 11);
    const x = createRng(12).gaussians(new Float64Array(n));
    const exact = gradient(x);
    for (const h of [1e-3, 0.1, 2]) {
      for (const basis of [coordinateBasis(n), randomOrthonormalBasis(createRng(13), n)]) {
        const points = centralDifferenceStencil(x, basis, new Float64Array(n).fill(h));
        const estimate = centralDifferenceGradient(points, Float64Array.from(points, f));
        // Exact up to rounding: (f₊ − f₋) loses about log10(|f|/(h·|g|)) digits.
        expect(maxRelativeError(estimate, exact), `h = ${h}`).toBeLessThan(1e-9);
      }
    }
  });

  it('draws an orthonormal basis', () => {
    const basis = randomOrthonormalBasis(createRng(3), 6);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const dot = basis[i].reduce((s, v, k) => s + v * basis[j][k], 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('are what the strategy computes from its first generation (centre + 2n stencil points)', () => {
    const n = 5;
    const { f, gradient } = randomQuadratic(n, 21);
    const rng = createRng(22);
    const start = rng.gaussians(new Float64Array(n));
    const state = finiteDifference.init(rng, start, options(n));
    const { candidates, state: asked } = finiteDifference.ask(rng, state);
    expect(candidates).toHaveLength(2 * n + 1);
    expect(Array.from(candidates[0])).toEqual(Array.from(start));
    const told = finiteDifference.tell(asked, candidates, Float64Array.from(candidates, f)).state;
    expect(told.fitness).toBe(f(start));
    expect(maxRelativeError(told.gradient!, gradient(start))).toBeLessThan(1e-6);
    expect(told.phase).toBe('line-search');
    // The first step is stepSize long.
    const trial = finiteDifference.ask(rng, told).candidates;
    expect(trial).toHaveLength(1);
    const length = Math.hypot(...Array.from(trial[0], (v, i) => v - start[i]));
    expect(length).toBeCloseTo(options(n).stepSize, 12);
  });
});

describe('finite-difference line search', () => {
  function lineSearchState(): FiniteDifferenceState {
    const rng = createRng(1);
    const state = finiteDifference.init(rng, Float64Array.of(1, 1), options(2, { basis: 'coordinate' }));
    const { candidates, state: asked } = finiteDifference.ask(rng, state);
    const sphere = (x: Float64Array) => x[0] ** 2 + x[1] ** 2;
    return finiteDifference.tell(asked, candidates, Float64Array.from(candidates, sphere)).state;
  }

  it('halves the learning rate until the Armijo condition holds, then takes the step', () => {
    let state = lineSearchState();
    const rate = state.learningRate;
    const rng = createRng(2);
    for (let k = 1; k <= 3; k++) {
      const { candidates, state: asked } = finiteDifference.ask(rng, state);
      state = finiteDifference.tell(asked, candidates, Float64Array.of(state.fitness)).state; // no decrease
      expect(state.learningRate).toBe(rate / 2 ** k);
      expect(state.backtracks).toBe(k);
      expect(Array.from(state.x)).toEqual([1, 1]);
    }
    const { candidates, state: asked } = finiteDifference.ask(rng, state);
    state = finiteDifference.tell(asked, candidates, Float64Array.of(state.fitness - 1)).state;
    expect(Array.from(state.x)).toEqual(Array.from(candidates[0]));
    expect(state.learningRate).toBe(rate / 8); // accepted after backtracking: not grown
    expect(state.phase).toBe('gradient');
  });

  it('doubles the learning rate after a step accepted at the first try', () => {
    let state = lineSearchState();
    const rate = state.learningRate;
    const rng = createRng(3);
    const { candidates, state: asked } = finiteDifference.ask(rng, state);
    state = finiteDifference.tell(asked, candidates, Float64Array.of(0)).state;
    expect(state.learningRate).toBe(2 * rate);
    // The next gradient generation has no centre: f(x) is known from the line search.
    expect(finiteDifference.ask(rng, state).candidates).toHaveLength(4);
  });

  it('converges on an ill-conditioned ellipsoid (condition 100) with coordinate differences', () => {
    const n = 6;
    const space = unboundedSpace(n);
    const weights = Array.from({ length: n }, (_, i) => 10 ** ((2 * i) / (n - 1)));
    const f = (x: ArrayLike<number>) => weights.reduce((s, w, i) => s + w * x[i] * x[i], 0);
    const optimizer = Optimizer.create({
      strategy: finiteDifference,
      options: { basis: 'coordinate' },
      space,
      seed: 1,
      stop: { maxEvaluations: 20_000, target: 1e-10 },
    });
    runUntilStop(optimizer, (c) => f(c.x));
    expect(optimizer.stopReason).toBe('target-reached');
    expect(optimizer.evaluations).toBeLessThan(8_000); // measured 6 314: plain gradient descent pays for the condition number
  });

  it('with the coordinate basis does not depend on the seed; with the random basis it does', () => {
    const space = new SearchSpace([
      { name: 'a', init: 0.3 },
      { name: 'b', init: -0.2 },
    ]);
    const first = (seed: number, basis: string) =>
      Optimizer.create({ strategy: finiteDifference, options: { basis }, space, seed })
        .ask()
        .map((c) => Array.from(c.x));
    expect(first(1, 'coordinate')).toEqual(first(2, 'coordinate'));
    expect(first(1, 'random-orthogonal')).not.toEqual(first(2, 'random-orthogonal'));
  });

  it('reports convergence when the gradient vanishes', () => {
    const rng = createRng(5);
    const state = finiteDifference.init(rng, Float64Array.of(0, 0), options(2));
    const { candidates, state: asked } = finiteDifference.ask(rng, state);
    const told = finiteDifference.tell(asked, candidates, new Float64Array(candidates.length).fill(7)).state;
    expect(finiteDifference.shouldStop!(told)).toBe('strategy-converged');
    expect(builtinFunctions.sphere.create(2)(told.x)).toBe(0);
  });
});
