import { describe, expect, it } from 'vitest';
import { cmaEs, type CmaEsState } from '../../../engine/strategies/cma-es';
import { cmaParameters } from '../../../engine/strategies/cma/parameters';
import { symmetricEigen } from '../../../engine/strategies/cma/eigen';
import { unpackSymmetric } from '../../../engine/strategies/cma/packed';
import { tiling } from '../../../engine/strategies/cma/wasm-backend';
import { createRng } from '../../../engine/core/rng';
import { encodeState, roundTrip } from '../../../engine/core/state-codec';
import { Optimizer } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import type { Strategy } from '../../../engine/core/strategy';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { evaluationsToTarget, solve } from './cma/solve';
import { runUntilStop, smallestStdDevOverFloor } from './helpers';

const strategy = cmaEs as Strategy;
const defaults = (n: number, overrides: Partial<Record<string, number | boolean>> = {}) => ({
  populationSize: 4 + Math.floor(3 * Math.log(n)),
  stepSize: 0.5,
  activeCma: true,
  eigenInterval: 0,
  ...overrides,
});

/** C of a state as the full row-major n×n matrix (the state keeps its packed lower triangle). */
function fullCovariance(state: CmaEsState): Float64Array {
  const n = state.dimension;
  return unpackSymmetric(state.covariance, n, new Float64Array(n * n));
}

function sphereGenerations(state: CmaEsState, rngSeed: number, generations: number): CmaEsState {
  const rng = createRng(rngSeed);
  const sphere = builtinFunctions.sphere.create(state.dimension);
  for (let g = 0; g < generations; g++) {
    const asked = cmaEs.ask(rng, state);
    state = cmaEs.tell(asked.state, asked.candidates, Float64Array.from(asked.candidates, sphere)).state;
  }
  return state;
}

describe('cma-es default parameters (tutorial Appendix A, with pycma’s c_μ and c_σ)', () => {
  it('match an independent computation for n = 10', () => {
    const p = cmaParameters(10, 10, { active: true, covarianceRateScale: 1 });
    expect(p.mu).toBe(5);
    expect(p.muEff).toBeCloseTo(3.1672992814107026, 13);
    // pycma 4.4.0's CMAAdaptSigmaCSA cs and damps (the tutorial's + 5 gives 0.2844…).
    expect(p.cSigma).toBeCloseTo(0.3196142529106334, 14);
    expect(p.dSigma).toBeCloseTo(1.3196142529106334, 14);
    expect(p.cc).toBeCloseTo(0.29499038303562225, 14);
    expect(p.c1).toBeCloseTo(0.015283824524751714, 15);
    expect(p.cMu).toBeCloseTo(0.023551776650417484, 15);
    const expected = [
      0.45627264690340597, 0.2707530970017852, 0.16223111715866978, 0.08523354710016448, 0.025509591835974777,
      -0.08001260758087221, -0.22176416099914648, -0.3445549417848209, -0.4528640863784218,
      -0.5497499176973852,
    ];
    expected.forEach((w, i) => expect(p.weights[i]).toBeCloseTo(w, 14));
    // α_μ⁻ = 1 + c1/cμ is the binding bound here, so Σw = −c1/cμ and the decay vanishes.
    expect(p.weightSum).toBeCloseTo(-p.c1 / p.cMu, 13);
  });

  it('step-size constants c_σ and d_σ equal pycma 4.4.0’s where d_σ has its μ_eff term too', () => {
    // es.adapt_sigma.cs and .damps after the first tell, n = 2, λ = 6 and n = 10, λ = 87.
    const small = cmaParameters(2, 6, { active: true, covarianceRateScale: 1 });
    expect(small.cSigma).toBeCloseTo(0.5731731629916698, 14);
    expect(small.dSigma).toBeCloseTo(1.5731731629916696, 14);
    const large = cmaParameters(10, 87, { active: true, covarianceRateScale: 1 });
    expect(large.cSigma).toBeCloseTo(0.6994577908765908, 14);
    expect(large.dSigma).toBeCloseTo(2.5662276691137875, 14);
  });

  it('drops the negative weights when active CMA is off, and survives tiny populations', () => {
    const passive = cmaParameters(10, 10, { active: false, covarianceRateScale: 1 });
    expect(Array.from(passive.weights.slice(5))).toEqual([0, 0, 0, 0, 0]);
    expect(passive.weightSum).toBeCloseTo(1, 15);
    for (const lambda of [2, 3]) {
      const p = cmaParameters(5, lambda, { active: true, covarianceRateScale: 1 });
      expect(p.mu).toBe(1);
      // μ_eff = 1: only pycma's + 1/4 is left of μ_eff − 2 + 1/μ_eff, so cμ = 2·0.25/((5 + 2)² + 1).
      expect(p.cMu).toBeCloseTo(0.01, 15);
      expect(Array.from(p.weights).every(Number.isFinite)).toBe(true);
      expect(p.weights[0]).toBe(1);
    }
  });
});

// pycma 4.4.0 medians (15 seeds, same protocol) and the budgets asserted here (1.5×).
const reference = [
  { fn: 'sphere', pycma: 1436 },
  { fn: 'ellipsoid', pycma: 3991 },
  { fn: 'rotated-ellipsoid', pycma: 3939 },
];

describe('cma-es reaches f < 1e-8 at n = 10 within 1.5× the pycma median', () => {
  it.each(reference)('$fn (pycma median $pycma evaluations)', ({ fn, pycma }) => {
    const budget = Math.round(1.5 * pycma);
    for (const seed of [1, 2, 3, 4, 5]) {
      const optimizer = solve(strategy, fn, 10, seed, budget);
      expect(evaluationsToTarget(optimizer), `seed ${seed}`).not.toBeNull();
    }
  });

  it('rosenbrock (pycma median 5278, 14/15 seeds): at least 7 of 10 seeds', () => {
    // Some runs end in Rosenbrock's local optimum near x_1 = −1 (pycma too); we measured
    // 27 of 30 seeds solved, so 7 of 10 fails by chance in about 1 % of seed sets.
    const budget = Math.round(1.5 * 5278);
    const solved = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((seed) =>
      evaluationsToTarget(solve(strategy, 'rosenbrock', 10, seed, budget)),
    );
    expect(solved.length).toBeGreaterThanOrEqual(7);
  });

  it('learns the ellipsoid’s shape: axis ratio near √1e6 = 1000 once solved', () => {
    const optimizer = solve(strategy, 'ellipsoid', 10, 1, 6000);
    const state = optimizer.strategyState as CmaEsState;
    expect(Math.sqrt(state.conditionNumber)).toBeGreaterThan(300);
    expect(Math.sqrt(state.conditionNumber)).toBeLessThan(3000);
  });

  it('also works without active CMA', () => {
    const optimizer = solve(strategy, 'rotated-ellipsoid', 10, 1, 9000, { options: { activeCma: false } });
    expect(evaluationsToTarget(optimizer)).not.toBeNull();
  });
});

describe('cma-es with IPOP restarts', () => {
  it('solves Rastrigin n = 10 to 1e-8 within 200 000 evaluations for at least 2 of 3 seeds', () => {
    const runs = [1, 2, 3].map((seed) =>
      solve(strategy, 'rastrigin', 10, seed, 200_000, { restarts: { mode: 'ipop' } }),
    );
    const solved = runs.filter((run) => evaluationsToTarget(run) !== null);
    expect(solved.length).toBeGreaterThanOrEqual(2);
    // It took restarts with larger populations to get there (one run of λ = 10 fails, see pycma).
    for (const run of solved) expect(run.restartCount).toBeGreaterThan(0);
  });
});

describe('cma-es state', () => {
  it('continues identically after a JSON round trip taken between ask and tell, with a stale eigenbasis', () => {
    const n = 30;
    let state = cmaEs.init(createRng(1), new Float64Array(n).fill(1), defaults(n));
    expect(state.eigenInterval).toBeGreaterThan(1);
    state = sphereGenerations(state, 4, 7); // the last decomposition is older than this generation
    expect(state.eigenGeneration).toBeLessThan(state.generation);
    const rng = createRng(8);
    const asked = cmaEs.ask(rng, state);
    const copy = roundTrip(asked.state);
    const fitness = Float64Array.from(asked.candidates, builtinFunctions.sphere.create(n));
    const straight = cmaEs.tell(asked.state, asked.candidates, fitness);
    const resumed = cmaEs.tell(copy, roundTrip(asked.candidates), fitness);
    expect(JSON.stringify(encodeState(resumed.state))).toBe(JSON.stringify(encodeState(straight.state)));
    expect(resumed.metrics).toEqual(straight.metrics);
    const nextA = cmaEs.ask(createRng(9), straight.state).candidates;
    const nextB = cmaEs.ask(createRng(9), resumed.state).candidates;
    expect(nextB).toEqual(nextA);
  });

  it('keeps C as its packed lower triangle: n(n+1)/2 numbers', () => {
    const n = 7;
    const state = sphereGenerations(cmaEs.init(createRng(1), new Float64Array(n).fill(1), defaults(n)), 2, 4);
    expect(state.covariance.length).toBe(28);
    const c = fullCovariance(state);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) expect(state.covariance[(i * (i + 1)) / 2 + j]).toBe(c[j * n + i]);
  });

  it('revives a checkpointed state that holds the full C (written before C was packed) to the same run', () => {
    const n = 12;
    const space = new SearchSpace(Array.from({ length: n }, (_, i) => ({ name: `x${i}`, init: 1 })));
    const sphere = builtinFunctions.sphere.create(n);
    const config = { strategy, space, seed: 5, stop: { maxEvaluations: 3_000 } };
    const fitness = (c: { x: Float64Array }) => sphere(c.x);
    const optimizer = Optimizer.create(config);
    for (let g = 0; g < 20; g++) optimizer.tell(optimizer.ask().map((c) => ({ fitness: fitness(c) })));
    const snapshot = roundTrip(optimizer.snapshot());
    const packed = snapshot.strategyState as CmaEsState;
    // What a checkpoint of an earlier version holds: the full symmetric matrix.
    const old = { ...snapshot, strategyState: { ...packed, covariance: fullCovariance(packed) } };
    expect(old.strategyState.covariance.length).toBe(n * n);
    const revived = Optimizer.restore(config, roundTrip(old));
    expect((revived.strategyState as CmaEsState).covariance).toEqual(packed.covariance);
    runUntilStop(optimizer, fitness);
    runUntilStop(revived, fitness);
    expect(revived.evaluations).toBe(optimizer.evaluations);
    expect(revived.best!.fitness).toBe(optimizer.best!.fitness);
    const comparable = (o: Optimizer) => JSON.stringify(encodeState({ ...o.snapshot(), elapsedMs: 0 }));
    expect(comparable(revived)).toBe(comparable(optimizer));
  });

  it('gives the same doubles when B and C pass through the kernels a block of rows at a time', () => {
    const { maxDoubles, blockDoubles } = tiling;
    for (const n of [30, 31]) {
      const run = (blocks: number | null) => {
        if (blocks !== null) Object.assign(tiling, { maxDoubles: 64, blockDoubles: blocks });
        try {
          // eigenInterval 3: decompositions, and so new B's, within the 40 generations.
          const init = cmaEs.init(
            createRng(1),
            new Float64Array(n).fill(1),
            defaults(n, { eigenInterval: 3 }),
          );
          return JSON.stringify(encodeState(sphereGenerations(init, 2, 40)));
        } finally {
          Object.assign(tiling, { maxDoubles, blockDoubles });
        }
      };
      const whole = run(null);
      // 64 numbers: B in blocks of 2 rows, C's packed triangle in blocks of 2–11 rows.
      expect(run(64), `n = ${n}`).toBe(whole);
      expect(run(150), `n = ${n}`).toBe(whole);
    }
  });

  it('writes a decomposition into the B the last one left behind, with the same doubles', () => {
    // Above the tiling limit (lowered here) the spare state's B, once no newer state holds it,
    // is the storage of the next decomposition's B: at n = 2 000, 32 MB that would otherwise
    // wait for a major garbage collection. The optimizer's way: the spare is the state the
    // previous tell was given.
    const n = 30;
    const { maxDoubles, blockDoubles } = tiling;
    const run = (tiled: boolean) => {
      if (tiled) Object.assign(tiling, { maxDoubles: 64, blockDoubles: 64 });
      try {
        const rng = createRng(2);
        const sphere = builtinFunctions.sphere.create(n);
        let state = cmaEs.init(createRng(1), new Float64Array(n).fill(1), defaults(n, { eigenInterval: 3 }));
        let spare: CmaEsState | undefined;
        const bases = new Set<Float64Array>();
        let reused = 0;
        let mutated = 0;
        for (let g = 0; g < 40; g++) {
          const asked = cmaEs.ask(rng, state);
          const given = Float64Array.from(asked.state.basis);
          const told = cmaEs.tell(
            asked.state,
            asked.candidates,
            Float64Array.from(asked.candidates, sphere),
            spare,
          );
          // The state told is left as it was: its B is never the storage a decomposition reuses.
          if (!given.every((v, i) => Object.is(v, asked.state.basis[i]))) mutated++;
          spare = asked.state;
          state = told.state;
          if (state.basis !== spare.basis && bases.has(state.basis)) reused++;
          bases.add(state.basis);
        }
        return { encoded: JSON.stringify(encodeState(state)), reused, mutated };
      } finally {
        Object.assign(tiling, { maxDoubles, blockDoubles });
      }
    };
    const whole = run(false);
    const tiled = run(true);
    expect(whole.reused).toBe(0);
    expect(tiled.reused).toBeGreaterThan(5);
    expect(tiled.mutated).toBe(0);
    expect(tiled.encoded).toBe(whole.encoded);
  });

  it('does not mutate the state it is given', () => {
    const state = sphereGenerations(cmaEs.init(createRng(1), new Float64Array(5).fill(2), defaults(5)), 2, 3);
    const before = JSON.stringify(encodeState(state));
    const asked = cmaEs.ask(createRng(3), state);
    const askedBefore = JSON.stringify(encodeState(asked.state));
    cmaEs.tell(
      asked.state,
      asked.candidates,
      Float64Array.from(asked.candidates, (x) => x[0] + x[1] ** 2),
    );
    expect(JSON.stringify(encodeState(state))).toBe(before);
    expect(JSON.stringify(encodeState(asked.state))).toBe(askedBefore);
  });

  it('reports σ²C as the distribution, symmetric, with matching standard deviations', () => {
    const n = 6;
    const state = sphereGenerations(
      cmaEs.init(createRng(1), new Float64Array(n).fill(3), defaults(n)),
      5,
      12,
    );
    const d = cmaEs.distribution(state);
    expect(d.stepSize).toBe(state.stepSize);
    expect(d.mean).toEqual(state.mean);
    const cov = d.covariance!;
    const c = fullCovariance(state);
    for (let i = 0; i < n; i++) {
      expect(d.stdDevs![i]).toBeCloseTo(Math.sqrt(cov[i * n + i]), 14);
      for (let j = 0; j < n; j++) {
        expect(cov[i * n + j]).toBe(cov[j * n + i]);
        expect(cov[i * n + j]).toBeCloseTo(state.stepSize ** 2 * c[i * n + j], 14);
      }
    }
    // B·D²·Bᵀ reproduces C right after a decomposition.
    const fresh = sphereGenerations(state, 6, state.eigenInterval - (state.generation % state.eigenInterval));
    expect(fresh.eigenGeneration).toBe(fresh.generation);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++)
          s += fresh.basis[i * n + k] * fresh.scales[k] ** 2 * fresh.basis[j * n + k];
        expect(s).toBeCloseTo(fullCovariance(fresh)[i * n + j], 12);
      }
    }
  });

  it('reports step size, axis ratio and condition number as metrics', () => {
    const state = cmaEs.init(createRng(1), new Float64Array(4), defaults(4));
    const asked = cmaEs.ask(createRng(2), state);
    const { metrics } = cmaEs.tell(
      asked.state,
      asked.candidates,
      Float64Array.from(asked.candidates, (x) => x[0]),
    );
    expect(Object.keys(metrics)).toEqual(
      expect.arrayContaining(['stepSize', 'axisRatio', 'conditionNumber', 'minStdDev', 'maxStdDev']),
    );
    expect(metrics.axisRatio ** 2).toBeCloseTo(metrics.conditionNumber, 10);
  });

  it('keeps integer parameters moving: σ·√C_ii never drops below the floor', () => {
    const space = new SearchSpace([
      { name: 'a' },
      { name: 'b' },
      { name: 'count', lower: 0, upper: 10, type: 'integer', init: 8 },
    ]);
    const optimizer = Optimizer.create({
      strategy,
      space,
      seed: 4,
      options: { stepSize: 0.3 },
      stop: { maxEvaluations: 3000 },
    });
    const minRatio = smallestStdDevOverFloor(
      optimizer,
      (c) => c.params.a ** 2 + c.params.b ** 2 + (c.params.count - 3) ** 2,
      2,
    );
    expect(optimizer.best!.params.count).toBe(3);
    expect(minRatio).toBeGreaterThanOrEqual(1 - 1e-12);
    // The real parameters still converged.
    expect(optimizer.best!.fitness).toBeLessThan(1e-6);
  });
  it('keeps bounded parameters within a third of the range: σ·√C_ii never exceeds the ceiling', () => {
    // A linear function on a box whose optimum lies on a face of the fold: σ would keep growing.
    const n = 3;
    const ceiling = Float64Array.from({ length: n }, (_, i) => (i === 2 ? Infinity : 1 / 3));
    const rng = createRng(9);
    let state = cmaEs.init(rng, new Float64Array(n).fill(0.5), defaults(n, { stepSize: 0.5 }), {
      stdDevCeiling: ceiling,
    });
    let largest = 0;
    let unboundedLargest = 0;
    for (let g = 0; g < 60; g++) {
      const asked = cmaEs.ask(rng, state);
      for (const x of asked.candidates) expect(x.every(Number.isFinite)).toBe(true);
      state = cmaEs.tell(
        asked.state,
        asked.candidates,
        Float64Array.from(asked.candidates, (x) => -x[0] - x[1] - x[2]),
      ).state;
      const c = fullCovariance(state);
      for (let i = 0; i < 2; i++)
        largest = Math.max(largest, (state.stepSize * Math.sqrt(c[i * n + i])) / ceiling[i]);
      unboundedLargest = Math.max(unboundedLargest, state.stepSize * Math.sqrt(c[2 * n + 2]));
      expect(state.trouble).toBeNull();
    }
    expect(largest).toBeLessThanOrEqual(1 + 1e-12);
    expect(largest).toBeGreaterThan(0.999); // it was reached, so it was applied
    expect(unboundedLargest).toBeGreaterThan(10); // the unbounded coordinate is not held back
    expect(Math.min(...state.scales)).toBeGreaterThan(0);
  });

  it('re-decomposes after a ceiling at most every tenth of the eigendecomposition interval', () => {
    // f is linear in x0: its σ·√C_00 keeps growing into the ceiling, generation after generation.
    const n = 6;
    const rng = createRng(4);
    const ceiling = new Float64Array(n).fill(1 / 3);
    let state = cmaEs.init(
      rng,
      new Float64Array(n).fill(0.5),
      defaults(n, { stepSize: 0.3, eigenInterval: 20 }),
      {
        stdDevCeiling: ceiling,
      },
    );
    const decomposedAt: number[] = [];
    for (let g = 0; g < 60; g++) {
      const asked = cmaEs.ask(rng, state);
      const f = Float64Array.from(asked.candidates, (x) => x[0] + x.slice(1).reduce((a, v) => a + v * v, 0));
      state = cmaEs.tell(asked.state, asked.candidates, f).state;
      if (state.eigenGeneration === state.generation) decomposedAt.push(state.generation);
    }
    const gaps = decomposedAt.slice(1).map((g, k) => g - decomposedAt[k]);
    expect(decomposedAt.length).toBeGreaterThan(6); // the ceiling forced more than the interval's 3
    expect(Math.min(...gaps)).toBe(2);
  });

  it('applies the ceiling through the optimizer for bounded parameters only', () => {
    const space = new SearchSpace([{ name: 'a', lower: -5, upper: 5 }, { name: 'b' }]);
    const optimizer = Optimizer.create({ strategy, space, seed: 3, options: { stepSize: 0.9 } });
    optimizer.ask();
    const { stdDevs } = optimizer.distribution();
    expect(stdDevs![0]).toBeCloseTo(1 / 3, 12);
    expect(stdDevs![1]).toBeCloseTo(0.9, 12);
  });
});

describe('cma-es stop conditions', () => {
  const fresh = () => cmaEs.init(createRng(1), new Float64Array(4), defaults(4));

  it('stays quiet for a healthy state', () => {
    expect(cmaEs.shouldStop!(fresh())).toBeUndefined();
  });

  it('reports strategy-converged for a condition number beyond 1e14', () => {
    expect(cmaEs.shouldStop!({ ...fresh(), conditionNumber: 1e15 })).toBe('strategy-converged');
  });

  it('reports strategy-converged when σ has no effect on the mean any more', () => {
    expect(cmaEs.shouldStop!({ ...fresh(), mean: new Float64Array(4).fill(1e20), stepSize: 1e-3 })).toBe(
      'strategy-converged',
    );
  });

  it('reports strategy-converged after a numerical breakdown', () => {
    expect(cmaEs.shouldStop!({ ...fresh(), trouble: 'C lost positive definiteness' })).toBe(
      'strategy-converged',
    );
  });

  it('ends a run on a flat function with a named local stop reason', () => {
    const space = new SearchSpace(Array.from({ length: 3 }, (_, i) => ({ name: `x${i}` })));
    const optimizer = Optimizer.create({ strategy, space, seed: 1, stop: { maxEvaluations: 100_000 } });
    runUntilStop(optimizer, () => 1);
    expect(optimizer.stopReason).toBe('tol-flat-fitness');
    expect(optimizer.evaluations).toBeLessThan(100_000);
  });

  it('works in one dimension and with the smallest populations', () => {
    // λ = 2 is fragile: over seeds 1–12, 11 reached 1e-8 and one ended on the stagnation stop.
    for (const [n, populationSize] of [
      [1, 4],
      [2, 2],
      [3, 3],
    ]) {
      const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
      const solved = seeds.filter(
        (seed) =>
          evaluationsToTarget(solve(strategy, 'sphere', n, seed, 20_000, { options: { populationSize } })) !==
          null,
      );
      expect(solved.length, `n=${n} λ=${populationSize}: seeds solved ${solved}`).toBeGreaterThanOrEqual(9);
    }
  });
});

describe('cma-es eigendecomposition interval (issue 17: the small-n lazy gap)', () => {
  /** The rule as documented at LAZY_GAP_FACTOR in cma-es.ts, computed again from c1 and cμ. */
  function documentedInterval(n: number): number {
    const p = cmaParameters(n, 4 + Math.floor(3 * Math.log(n)), { active: true, covarianceRateScale: 1 });
    const rate = p.c1 + p.cMu;
    const purecma = Math.ceil(Math.max(0.5 / n, 0.02) / rate);
    const smallN = Math.floor(Math.min(2 / n, 0.2) / rate);
    return Math.max(1, purecma, smallN);
  }

  it.each([2, 5, 10, 20, 50, 100, 200])('n = %i: the automatic interval follows the documented rule', (n) => {
    const state = cmaEs.init(createRng(1), new Float64Array(n), defaults(n));
    expect(state.eigenInterval).toBe(documentedInterval(n));
    // Between two decompositions C moves by at most 20 % of itself where the small-n gap decides.
    const rate = state.parameters.c1 + state.parameters.cMu;
    const previous = Math.ceil(Math.max(0.5 / n, 0.02) / rate);
    if (state.eigenInterval > previous) expect(rate * state.eigenInterval).toBeLessThanOrEqual(0.2);
  });

  it('decomposes C once per interval at n = 10, and at a forced interval when asked', () => {
    const n = 10;
    const generations = 200;
    for (const forced of [0, 2]) {
      let state = cmaEs.init(
        createRng(3),
        new Float64Array(n).fill(1),
        defaults(n, { eigenInterval: forced }),
      );
      const interval = state.eigenInterval;
      expect(interval).toBe(forced || documentedInterval(n));
      let decompositions = 0;
      for (let g = 0; g < generations; g++) {
        const before = state.eigenGeneration;
        state = sphereGenerations(state, 100 + g, 1);
        if (state.eigenGeneration !== before) {
          decompositions++;
          expect(state.eigenGeneration).toBe(state.generation);
          expect(state.generation % interval).toBe(0);
        }
      }
      expect(decompositions).toBe(Math.floor(generations / interval));
    }
  });

  it('keeps B·D close enough to C to sample from on a rotated ellipsoid at n = 10 (seeds 1–3)', () => {
    // Measured: the eigenvalues of D⁻¹·Bᵀ·C·B·D⁻¹ (C seen through the stale factors) stay within
    // [0.54, 1.92] at the automatic interval (5), [0.74, 1.44] every 2, reach 0.07 every 10 and
    // go negative (C no longer positive definite) every 20; f < 1e-8 after 3 606 / 4 301 / 3 976
    // evaluations (3 762 / 4 094 / 3 812 every 2; pycma's ERT 3 987).
    const n = 10;
    const f = builtinFunctions['rotated-ellipsoid'].create(n);
    const whitened = new Float64Array(n * n);
    const values = new Float64Array(n);
    const vectors = new Float64Array(n * n);
    for (const seed of [1, 2, 3]) {
      const rng = createRng(seed);
      const start = Float64Array.from({ length: n }, () => -3 + 6 * rng.uniform());
      let state = cmaEs.init(rng, start, defaults(n, { stepSize: 2 }));
      let lowest = Number.POSITIVE_INFINITY;
      let highest = 0;
      let evaluations = 0;
      let solvedAfter: number | null = null;
      for (let g = 0; g < 1000 && solvedAfter === null && !cmaEs.shouldStop!(state); g++) {
        const asked = cmaEs.ask(rng, state);
        const fitness = Float64Array.from(asked.candidates, f);
        for (const value of fitness) {
          evaluations++;
          if (solvedAfter === null && value < 1e-8) solvedAfter = evaluations;
        }
        state = cmaEs.tell(asked.state, asked.candidates, fitness).state;
        const { basis, scales } = state;
        const covariance = fullCovariance(state);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let a = 0; a < n; a++) {
              for (let b = 0; b < n; b++) s += basis[a * n + i] * covariance[a * n + b] * basis[b * n + j];
            }
            whitened[i * n + j] = s / (scales[i] * scales[j]);
          }
        }
        expect(symmetricEigen(whitened, n, values, vectors)).toBe(true);
        lowest = Math.min(lowest, values[0]);
        highest = Math.max(highest, values[n - 1]);
      }
      expect(state.trouble, `seed ${seed}`).toBeNull();
      expect(lowest, `seed ${seed}`).toBeGreaterThan(0.4);
      expect(highest, `seed ${seed}`).toBeLessThan(2.5);
      expect(solvedAfter, `seed ${seed}`).not.toBeNull();
      expect(solvedAfter!, `seed ${seed}`).toBeLessThanOrEqual(5000);
    }
  });
});
