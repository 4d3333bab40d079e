import { describe, expect, it } from 'vitest';
import { sepCmaEs, type SepCmaEsState } from '../../../engine/strategies/sep-cma-es';
import { cmaEs } from '../../../engine/strategies/cma-es';
import { cmaParameters } from '../../../engine/strategies/cma/parameters';
import { createRng } from '../../../engine/core/rng';
import { encodeState, roundTrip } from '../../../engine/core/state-codec';
import { Optimizer } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import type { Strategy } from '../../../engine/core/strategy';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { evaluationsToTarget, solve } from './cma/solve';
import { smallestStdDevOverFloor } from './helpers';

const strategy = sepCmaEs as Strategy;
const options = (n: number) => ({
  populationSize: 4 + Math.floor(3 * Math.log(n)),
  stepSize: 0.5,
  activeCma: true,
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

describe('sep-cma-es', () => {
  it('scales c1 and cμ by (n + 2)/3 and leaves the other rates alone (Ros & Hansen 2008)', () => {
    const full = cmaParameters(20, 12, { active: true, covarianceRateScale: 1 });
    const sep = (sepCmaEs.init(createRng(1), new Float64Array(20), options(20)) as SepCmaEsState).parameters;
    expect(sep.c1).toBeCloseTo((full.c1 * 22) / 3, 15);
    expect(sep.cMu).toBeCloseTo((full.cMu * 22) / 3, 15);
    expect(sep.cSigma).toBe(full.cSigma);
    expect(sep.cc).toBe(full.cc);
  });

  it('solves the sphere at n = 10 within the full CMA-ES reference budget (pycma median 1436)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(evaluationsToTarget(solve(strategy, 'sphere', 10, seed, 1436)), `seed ${seed}`).not.toBeNull();
    }
  });

  it('solves the separable ellipsoid at n = 10 in well under the evaluations full CMA-ES needs', () => {
    const sep = [1, 2, 3, 4, 5].map((seed) =>
      evaluationsToTarget(solve(strategy, 'ellipsoid', 10, seed, 3000)),
    );
    expect(sep.every((e) => e !== null)).toBe(true);
    const full = [1, 2, 3].map((seed) =>
      evaluationsToTarget(solve(cmaEs as Strategy, 'ellipsoid', 10, seed, 6000))!,
    );
    // A diagonal has n parameters to learn instead of n(n+1)/2: measured medians ≈ 2100 vs ≈ 4200.
    expect(median(sep as number[])).toBeLessThan(0.7 * median(full));
  });

  it('cannot learn correlations: the rotated ellipsoid stays far harder than for full CMA-ES', () => {
    const optimizer = solve(strategy, 'rotated-ellipsoid', 10, 1, 6000);
    expect(optimizer.best!.fitness).toBeGreaterThan(1e-3);
  });

  it('runs at n = 1000 and makes progress on the sphere', () => {
    const n = 1000;
    const sphere = builtinFunctions.sphere.create(n);
    let state = sepCmaEs.init(createRng(1), new Float64Array(n).fill(1), options(n));
    const rng = createRng(2);
    let first = Number.NaN;
    let last = Number.NaN;
    for (let g = 0; g < 300; g++) {
      const asked = sepCmaEs.ask(rng, state);
      const fitness = Float64Array.from(asked.candidates, sphere);
      if (g === 0) first = Math.min(...fitness);
      last = Math.min(...fitness);
      state = sepCmaEs.tell(asked.state, asked.candidates, fitness).state;
    }
    expect(last).toBeLessThan(0.3 * first);
    expect(sepCmaEs.shouldStop!(state)).toBeUndefined();
    expect(sepCmaEs.distribution(state).stdDevs!.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
  });

  it('continues identically after a JSON round trip taken between ask and tell', () => {
    const n = 12;
    const sphere = builtinFunctions.sphere.create(n);
    let state = sepCmaEs.init(createRng(1), new Float64Array(n).fill(2), options(n));
    const rng = createRng(3);
    for (let g = 0; g < 5; g++) {
      const asked = sepCmaEs.ask(rng, state);
      state = sepCmaEs.tell(asked.state, asked.candidates, Float64Array.from(asked.candidates, sphere)).state;
    }
    const asked = sepCmaEs.ask(rng, state);
    const fitness = Float64Array.from(asked.candidates, sphere);
    const straight = sepCmaEs.tell(asked.state, asked.candidates, fitness);
    const resumed = sepCmaEs.tell(roundTrip(asked.state), roundTrip(asked.candidates), fitness);
    expect(JSON.stringify(encodeState(resumed.state))).toBe(JSON.stringify(encodeState(straight.state)));
    expect(resumed.metrics).toEqual(straight.metrics);
  });

  it('two runs interleaved ask by ask tell what they would alone (the samples kept for tell are per ask)', () => {
    const sizes = [40, 40, 64];
    const run = (interleaved: boolean) => {
      const runs = sizes.map((n, r) => ({
        n,
        sphere: builtinFunctions.sphere.create(n),
        rng: createRng(10 + r),
        state: sepCmaEs.init(createRng(r), new Float64Array(n).fill(1 + r), options(n)),
      }));
      const step = (run: (typeof runs)[number], asked: ReturnType<typeof sepCmaEs.ask>) => {
        run.state = sepCmaEs.tell(
          asked.state,
          asked.candidates,
          Float64Array.from(asked.candidates, run.sphere),
        ).state;
      };
      for (let g = 0; g < 20; g++) {
        if (interleaved) {
          const asked = runs.map((run) => sepCmaEs.ask(run.rng, run.state));
          runs.forEach((run, r) => step(run, asked[r]));
        } else {
          for (const run of runs) step(run, sepCmaEs.ask(run.rng, run.state));
        }
      }
      return runs.map((run) => JSON.stringify(encodeState(run.state)));
    };
    expect(run(true)).toEqual(run(false));
  });

  it('reports per-coordinate standard deviations σ·√C_ii and no full covariance', () => {
    const state = sepCmaEs.init(createRng(1), new Float64Array(3), { ...options(3), stepSize: 0.25 });
    const d = sepCmaEs.distribution({ ...state, variances: Float64Array.from([1, 4, 9]) });
    expect(Array.from(d.stdDevs!)).toEqual([0.25, 0.5, 0.75]);
    expect(d.covariance).toBeUndefined();
    expect(d.stepSize).toBe(0.25);
  });

  it('keeps integer parameters above their standard-deviation floor', () => {
    const space = new SearchSpace([
      { name: 'a' },
      { name: 'k', lower: -5, upper: 5, type: 'integer', init: 4 },
    ]);
    const optimizer = Optimizer.create({
      strategy,
      space,
      seed: 2,
      options: { stepSize: 0.3 },
      stop: { maxEvaluations: 2000 },
    });
    const minRatio = smallestStdDevOverFloor(optimizer, (c) => c.params.a ** 2 + Math.abs(c.params.k + 2), 1);
    expect(optimizer.best!.params.k).toBe(-2);
    expect(minRatio).toBeGreaterThanOrEqual(1 - 1e-12);
  });

  it('keeps bounded parameters within their standard-deviation ceiling', () => {
    const ceiling = Float64Array.from([1 / 3, 1 / 3, Infinity]);
    const rng = createRng(5);
    let state: SepCmaEsState = sepCmaEs.init(rng, new Float64Array(3).fill(0.5), options(3), {
      stdDevCeiling: ceiling,
    });
    let largest = 0;
    for (let g = 0; g < 60; g++) {
      const asked = sepCmaEs.ask(rng, state);
      const fitness = Float64Array.from(asked.candidates, (x) => -x[0] - x[1] - x[2]);
      state = sepCmaEs.tell(asked.state, asked.candidates, fitness).state;
      for (let i = 0; i < 2; i++)
        largest = Math.max(largest, state.stepSize * Math.sqrt(state.variances[i]) * 3);
    }
    expect(largest).toBeLessThanOrEqual(1 + 1e-12);
    expect(largest).toBeGreaterThan(0.999);
    expect(state.stepSize * Math.sqrt(state.variances[2])).toBeGreaterThan(10);
  });

  it('names its stop conditions', () => {
    const state = sepCmaEs.init(createRng(1), new Float64Array(4), options(4));
    expect(sepCmaEs.shouldStop!(state)).toBeUndefined();
    expect(sepCmaEs.shouldStop!({ ...state, variances: Float64Array.from([1, 1, 1, 1e-15]) })).toBe(
      'strategy-converged',
    );
    expect(sepCmaEs.shouldStop!({ ...state, mean: new Float64Array(4).fill(1e20), stepSize: 1e-4 })).toBe(
      'strategy-converged',
    );
  });
});
