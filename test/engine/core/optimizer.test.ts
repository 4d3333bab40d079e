import { describe, expect, it } from 'vitest';
import { Optimizer } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import { defineStrategy } from '../../../engine/core/strategy';

/**
 * A tiny test strategy: samples around the mean with a step size that shrinks by `shrink`
 * every generation, and remembers what it was told.
 */
interface ProbeState {
  mean: Float64Array;
  stepSize: number;
  shrink: number;
  populationSize: number;
  told: number[][];
}

const probeStrategy = defineStrategy<
  ProbeState,
  { populationSize: number; stepSize: number; shrink: number }
>({
  id: 'probe',
  title: 'probe',
  summary: 'test strategy that records what it is told',
  populationOption: 'populationSize',
  options: {
    populationSize: { default: 4, min: 1, integer: true, description: 'candidates per generation' },
    stepSize: { default: 0.5, min: 0, description: 'initial step size' },
    shrink: { default: 1, min: 0, description: 'step-size factor per generation' },
  },
  init: (_rng, start, o) => ({
    mean: start,
    stepSize: o.stepSize,
    shrink: o.shrink,
    populationSize: o.populationSize,
    told: [],
  }),
  ask(rng, state) {
    const candidates = Array.from({ length: state.populationSize }, () =>
      Float64Array.from(state.mean, (m) => m + state.stepSize * rng.gaussian()),
    );
    return { candidates, state };
  },
  tell(state, _candidates, fitness) {
    return {
      state: {
        ...state,
        stepSize: state.stepSize * state.shrink,
        told: [...state.told, Array.from(fitness)],
      },
      metrics: { stepSize: state.stepSize },
    };
  },
  distribution: (state) => ({
    mean: state.mean,
    stdDevs: state.mean.map(() => state.stepSize),
    stepSize: state.stepSize,
  }),
});

const space = new SearchSpace([{ name: 'a' }, { name: 'b' }]);
const sphere = (p: Record<string, number>) => p.a * p.a + p.b * p.b;

describe('Optimizer', () => {
  it('tracks the best so far and counts evaluations', () => {
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 1, stop: { maxEvaluations: 40 } });
    let bestSeen = Infinity;
    while (!opt.stopReason) {
      const cands = opt.ask();
      const fitness = cands.map((c) => sphere(c.params));
      bestSeen = Math.min(bestSeen, ...fitness);
      opt.tell(fitness.map((f) => ({ fitness: f })));
    }
    expect(opt.evaluations).toBe(40);
    expect(opt.stopReason).toBe('budget-evaluations');
    expect(opt.best!.fitness).toBe(bestSeen);
  });

  it("keeps a generation's first best when it beats the best so far, with that candidate's x and params", () => {
    for (const direction of ['minimize', 'maximize'] as const) {
      const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 1, direction });
      const sign = direction === 'minimize' ? 1 : -1;
      const first = opt.ask();
      opt.tell([3, 2, 2, 5].map((f) => ({ fitness: sign * f })));
      expect(opt.best).toMatchObject({ index: 1, fitness: sign * 2, params: first[1].params });
      expect(Array.from(opt.best!.x)).toEqual(Array.from(first[1].x));
      expect(opt.best!.params).toEqual(space.toParams(first[1].x));
      opt.ask();
      opt.tell([{ fitness: sign * 2 }, { fitness: null }, { fitness: sign * 4 }, { fitness: sign * 2 }]);
      expect(opt.best!.index).toBe(1); // a tie does not replace it
      const third = opt.ask();
      opt.tell([4, 1.5, 0.5, 0.5].map((f) => ({ fitness: sign * f })));
      expect(opt.best).toMatchObject({
        index: 10,
        generation: 2,
        fitness: sign * 0.5,
        params: third[2].params,
      });
    }
  });

  it('cuts the last generation short so the evaluation budget is never exceeded', () => {
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 1, stop: { maxEvaluations: 10 } });
    expect(opt.ask()).toHaveLength(4);
    opt.tell([1, 2, 3, 4].map((f) => ({ fitness: f })));
    opt.tell(opt.ask().map(() => ({ fitness: 5 })));
    const last = opt.ask();
    expect(last).toHaveLength(2);
    expect(last.map((c) => c.index)).toEqual([8, 9]);
    const summary = opt.tell(last.map(() => ({ fitness: 0.5 })));
    expect(summary.stopReason).toBe('budget-evaluations');
    expect(opt.best!.fitness).toBe(0.5);
    expect(opt.evaluations).toBe(10);
  });

  it('tells failed and non-finite evaluations as the worst value seen', () => {
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 1 });
    opt.ask();
    const summary = opt.tell([
      { fitness: 3 },
      { fitness: null, error: 'exit code 1' },
      { fitness: NaN },
      { fitness: 1 },
    ]);
    const told = (opt.strategyState as ProbeState).told[0];
    expect(told).toEqual([3, 3, 3, 1]);
    expect(summary.failedEvaluations).toBe(2);
    expect(summary.min).toBe(1);
    expect(opt.best!.fitness).toBe(1);
  });

  it('stops with too-many-failures when every evaluation fails', () => {
    const opt = Optimizer.create({
      strategy: probeStrategy,
      space,
      seed: 1,
      stop: { maxEvaluations: 100_000 },
    });
    while (!opt.stopReason) opt.tell(opt.ask().map(() => ({ fitness: null })));
    expect(opt.stopReason).toBe('too-many-failures');
    expect(opt.evaluations).toBeLessThanOrEqual(24);
    expect(opt.best).toBeNull();
  });

  it('reaches a target, and flips signs for maximisation', () => {
    const opt = Optimizer.create({
      strategy: probeStrategy,
      space,
      seed: 2,
      direction: 'maximize',
      stop: { target: 10, maxEvaluations: 1000 },
    });
    const summaries = [];
    while (!opt.stopReason) {
      const cands = opt.ask();
      summaries.push(opt.tell(cands.map((c) => ({ fitness: c.index }))));
    }
    expect(opt.stopReason).toBe('target-reached');
    expect(opt.best!.fitness).toBeGreaterThanOrEqual(10);
    // The strategy minimises: it was told the negated values.
    expect((opt.strategyState as ProbeState).told[0]).toEqual([-0, -1, -2, -3]);
    expect(summaries[0].min).toBe(3); // "min" is the generation's best in the user's direction
  });

  it('stops on tol-x when the distribution collapses, and on stagnation', () => {
    const shrinking = Optimizer.create({ strategy: probeStrategy, space, seed: 3, options: { shrink: 0.1 } });
    while (!shrinking.stopReason) shrinking.tell(shrinking.ask().map((c) => ({ fitness: sphere(c.params) })));
    expect(shrinking.stopReason).toBe('tol-x');

    // pycma's tolstagnation on a fitness that only gets worse: λ = 4, n = 2, a period of 5
    // generations. It needs more than 100 entries of the every-5th-generation history (and
    // more than n·(5 + 100/λ) = 60 generations), so it fires at generation 505, not before.
    const worsening = Optimizer.create({
      strategy: probeStrategy,
      space,
      seed: 3,
      stop: { stagnationGenerations: 5, tolFun: 0 },
    });
    let value = 10;
    while (!worsening.stopReason) worsening.tell(worsening.ask().map(() => ({ fitness: (value += 1) })));
    expect(worsening.stopReason).toBe('stagnation');
    expect(worsening.generation).toBe(505);
  });

  it('does not call a run stagnant while the median of its recent generations still improves', () => {
    // Each generation: one lucky candidate that sets no new best, the rest improve steadily.
    const improving = Optimizer.create({
      strategy: probeStrategy,
      space,
      seed: 3,
      stop: { stagnationGenerations: 5, tolFun: 0, maxEvaluations: 4 * 1000 },
    });
    let generation = 0;
    while (!improving.stopReason) {
      generation++;
      improving.tell(improving.ask().map((_, k) => ({ fitness: k === 0 ? -1 : 1e6 / generation + k })));
    }
    expect(improving.stopReason).toBe('budget-evaluations');
  });

  it('reads tolX in the parameters own units, the evolution path included (pycma tolx)', () => {
    // One internal unit spans 1000 parameter units here: a std of 1e-13 internal is 1e-10 in x.
    const wide = new SearchSpace([
      { name: 'a', lower: 0, upper: 1000 },
      { name: 'b', lower: 0, upper: 1000 },
    ]);
    const withPath = (path: number) => ({
      ...probeStrategy,
      distribution: (state: ProbeState) => ({
        mean: state.mean,
        stdDevs: state.mean.map(() => state.stepSize),
        stepSize: state.stepSize,
        scaledEvolutionPath: state.mean.map(() => path),
      }),
    });
    const run = (strategy: typeof probeStrategy, stepSize: number) => {
      const opt = Optimizer.create({
        strategy,
        space: wide,
        seed: 1,
        options: { stepSize, shrink: 1 },
        stop: { maxEvaluations: 40, tolFun: 0 },
      });
      while (!opt.stopReason) opt.tell(opt.ask().map((c) => ({ fitness: c.index })));
      return opt.stopReason;
    };
    expect(run(probeStrategy, 1e-13)).toBe('budget-evaluations');
    expect(run(probeStrategy, 5e-15)).toBe('tol-x');
    // A path still longer than tolX keeps the run going, as in pycma.
    expect(run(withPath(1e-12), 5e-15)).toBe('budget-evaluations');
    expect(run(withPath(-1e-15), 5e-15)).toBe('tol-x');
  });

  it('stops on flat fitness after two flat generations (pycma tolflatfitness)', () => {
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 4 });
    while (!opt.stopReason) opt.tell(opt.ask().map(() => ({ fitness: 1 })));
    expect(opt.stopReason).toBe('tol-flat-fitness');
    expect(opt.generation).toBe(2);
    // Integer parameters tolerate more flat generations: 3 + 30 · (their share).
    const mixed = new SearchSpace([
      { name: 'k', lower: 0, upper: 10, type: 'integer' },
      { name: 'x', lower: 0, upper: 1 },
    ]);
    const withIntegers = Optimizer.create({ strategy: probeStrategy, space: mixed, seed: 4 });
    while (!withIntegers.stopReason) withIntegers.tell(withIntegers.ask().map(() => ({ fitness: 1 })));
    expect(withIntegers.stopReason).toBe('tol-flat-fitness');
    expect(withIntegers.generation).toBe(19);
  });

  it('stops on tol-fun when fitness stops changing', () => {
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 4 });
    while (!opt.stopReason) opt.tell(opt.ask().map((c) => ({ fitness: 1 + 1e-13 * (c.index % 4) })));
    expect(opt.stopReason).toBe('tol-fun');
  });

  it('restarts with a doubled population under IPOP, from a new start inside the bounds', () => {
    const bounded = new SearchSpace([
      { name: 'a', lower: 0, upper: 1 },
      { name: 'b', lower: 0, upper: 1 },
    ]);
    const opt = Optimizer.create({
      strategy: probeStrategy,
      space: bounded,
      seed: 5,
      options: { shrink: 0.1 },
      restarts: { mode: 'ipop', maxRestarts: 3 },
    });
    const populations: number[] = [];
    const restarts: string[] = [];
    while (!opt.stopReason) {
      const cands = opt.ask();
      if (populations.at(-1) !== cands.length) populations.push(cands.length);
      const summary = opt.tell(cands.map((c) => ({ fitness: sphere(c.params) })));
      if (summary.restartedBecause) restarts.push(summary.restartedBecause);
    }
    expect(populations).toEqual([4, 8, 16, 32]);
    expect(restarts).toEqual(['tol-x', 'tol-x', 'tol-x']);
    expect(opt.stopReason).toBe('tol-x');
    expect(opt.restartCount).toBe(3);
  });

  it('grows a default population of 4 + ⌊3 ln n⌋ from the unrounded 4 + 3 ln n, as pycma does', () => {
    // The same probe with the usual default population: 10 at n = 10 (4 + 3 ln 10 = 10.9).
    const usual = {
      ...probeStrategy,
      options: {
        ...probeStrategy.options,
        populationSize: {
          ...probeStrategy.options.populationSize,
          dimensionDefault: (n: number) => 4 + Math.floor(3 * Math.log(n)),
        },
      },
    };
    const space10 = new SearchSpace(Array.from({ length: 10 }, (_, i) => ({ name: `x${i}` })));
    const populations = (options: Record<string, unknown>) => {
      const opt = Optimizer.create({
        strategy: usual,
        space: space10,
        seed: 7,
        options: { shrink: 0.1, ...options },
        restarts: { mode: 'ipop', maxRestarts: 4 },
      });
      const seen: number[] = [];
      while (!opt.stopReason) {
        const cands = opt.ask();
        if (seen.at(-1) !== cands.length) seen.push(cands.length);
        opt.tell(cands.map((c) => ({ fitness: c.x.reduce((sum, v) => sum + v * v, 0) })));
      }
      return seen;
    };
    expect(populations({})).toEqual([10, 21, 43, 87, 174]);
    // A population the user set is doubled as given.
    expect(populations({ populationSize: 10 })).toEqual([10, 20, 40, 80, 160]);
  });

  it('stops on request and can continue afterwards', () => {
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 6 });
    opt.tell(opt.ask().map(() => ({ fitness: 1 })));
    opt.requestStop();
    expect(opt.ask()).toEqual([]);
    expect(opt.stopReason).toBe('stopped-by-user');
    opt.clearStop();
    expect(opt.ask()).toHaveLength(4);
  });

  it('rejects unknown and out-of-range options, naming the field', () => {
    expect(() =>
      Optimizer.create({ strategy: probeStrategy, space, seed: 1, options: { popsize: 3 } }),
    ).toThrow('strategy.options.popsize is not an option of this strategy');
    expect(() =>
      Optimizer.create({ strategy: probeStrategy, space, seed: 1, options: { populationSize: 2.5 } }),
    ).toThrow('strategy.options.populationSize must be an integer (got 2.5)');
  });

  it('counts time budgets with the injected clock', () => {
    let now = 0;
    const opt = Optimizer.create({
      strategy: probeStrategy,
      space,
      seed: 1,
      stop: { maxSeconds: 1 },
      now: () => now,
    });
    opt.tell(opt.ask().map(() => ({ fitness: 1 })));
    expect(opt.stopReason).toBeNull();
    now = 1500;
    opt.tell(opt.ask().map(() => ({ fitness: 2 })));
    expect(opt.stopReason).toBe('budget-seconds');
  });

  it('stops its clock when the run is over, so the checkpoint and the result agree', () => {
    let now = 0;
    const opt = Optimizer.create({ strategy: probeStrategy, space, seed: 1, now: () => now });
    now = 700;
    opt.stopClock();
    now = 5000; // closing files, writing best.json: not the run's time
    expect(opt.elapsedMs).toBe(700);
    expect(opt.snapshot().elapsedMs).toBe(700);
    const resumed = Optimizer.restore(
      { strategy: probeStrategy, space, seed: 1, now: () => now },
      opt.snapshot(),
    );
    now = 5100;
    expect(resumed.elapsedMs).toBe(800);
    // Reopened only to read its result: no time passes.
    const reopened = Optimizer.restore(
      { strategy: probeStrategy, space, seed: 1, now: () => now },
      opt.snapshot(),
    );
    now = 6000;
    reopened.stopClock(false);
    expect(reopened.elapsedMs).toBe(700);
  });
});
