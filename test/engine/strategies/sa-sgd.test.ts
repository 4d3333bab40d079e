import { describe, expect, it } from 'vitest';
import { saSgd, sgdStep, type SaSgdState } from '../../../engine/strategies/sa-sgd';
import { createRng, type Rng } from '../../../engine/core/rng';
import { Optimizer } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { optionsFactory, runUntilStop, unboundedSpace, withScriptedUniforms } from './helpers';

const options = optionsFactory(saSgd);

/** Runs sa-sgd on the 10-D sphere from 1 and returns the learning rate after each generation. */
function learningRates(overrides: Record<string, unknown>, generations: number, seed = 1) {
  const n = 10;
  const space = unboundedSpace(n);
  const sphere = builtinFunctions.sphere.create(n);
  const optimizer = Optimizer.create({ strategy: saSgd, options: overrides, space, seed });
  const rates: number[] = [];
  for (let g = 0; g < generations; g++) {
    const candidates = optimizer.ask();
    const summary = optimizer.tell(candidates.map((c) => ({ fitness: sphere(c.x) })));
    rates.push(summary.metrics.learningRate);
  }
  return { rates, best: optimizer.best!.fitness };
}

describe('sa-sgd hypergradient (SGD-HD)', () => {
  it('updates α_t = α_{t−1} + β ∇f(θ_{t−1})·∇f(θ_{t−2}) (momentum 0: the velocity is the last gradient)', () => {
    const previousGradient = Float64Array.of(1, -2, 0.5);
    const gradient = Float64Array.of(0.5, -1, 2);
    const chain = {
      theta: Float64Array.of(0, 0, 0),
      velocity: previousGradient,
      learningRate: 0.1,
      momentum: 0,
    };
    const beta = 0.01;
    const stepped = sgdStep(chain, gradient, beta);
    const dot = 0.5 + 2 + 1;
    expect(stepped.learningRate).toBeCloseTo(0.1 + beta * dot, 15);
    expect(Array.from(stepped.theta)).toEqual(Array.from(gradient, (g) => -stepped.learningRate * g));
    // Opposing consecutive gradients (overshooting) lower α, but never below half in one step.
    expect(sgdStep(chain, Float64Array.of(-0.2, 0.4, -0.1), beta).learningRate).toBeCloseTo(
      0.1 - beta * 1.05,
      15,
    );
    expect(sgdStep(chain, Float64Array.of(-100, 200, -50), beta).learningRate).toBe(0.05);
  });

  it('raises a learning rate that starts too small on a smooth quadratic', () => {
    const plain = { learningRate: 1e-3, momentum: 0, momentumProposal: 0, gradient: 'central' };
    const fixed = learningRates({ ...plain, learningRateProposal: 0 }, 60);
    expect(new Set(fixed.rates).size).toBe(1); // no annealing, no hypergradient: α stays
    const adapted = learningRates({ ...plain, hypergradient: true }, 60);
    // Consecutive gradients agree, so every step raises α (the segment-end generations take
    // no step): monotone, and more than 3× after 60 generations (measured 3.4×).
    for (let g = 2; g < adapted.rates.length; g++)
      expect(adapted.rates[g]).toBeGreaterThanOrEqual(adapted.rates[g - 1]);
    expect(adapted.rates.at(-1)!).toBeGreaterThan(3e-3);
    expect(adapted.best).toBeLessThan(fixed.best);
  });

  it('lowers a learning rate that overshoots (consecutive gradients point in opposite directions)', () => {
    // On the sphere (curvature 2) α = 0.95 flips the sign of θ every step.
    const adapted = learningRates(
      { learningRate: 0.95, momentum: 0, momentumProposal: 0, gradient: 'central', hypergradient: true },
      5,
    );
    expect(adapted.rates.at(-1)!).toBeLessThan(0.9);
  });
});

/** A generator whose uniforms are scripted; Gaussians come from a seeded generator. */
function scriptedUniforms(u: number): Rng {
  return withScriptedUniforms(5, () => u);
}

describe('sa-sgd annealing', () => {
  /** A state after generation 0 at f = 10, with one-step segments at constant temperature T. */
  function startedState(temperature: number): SaSgdState {
    const rng = createRng(3);
    const state = saSgd.init(
      rng,
      Float64Array.of(1, 1),
      options(2, {
        gradient: 'central',
        segmentSteps: 1,
        energy: 'absolute',
        initialTemperature: temperature,
        coolingRate: 1,
      }),
    );
    const { candidates, state: asked } = saSgd.ask(rng, state);
    expect(candidates).toHaveLength(5); // centre + 2n stencil points
    const sphere = (x: Float64Array) => x[0] ** 2 + x[1] ** 2;
    return saSgd.tell(asked, candidates, Float64Array.from(candidates, sphere)).state;
  }

  it('accepts the proposal by the Metropolis rule on the paired segments’ end losses', () => {
    const temperature = 0.5;
    const delta = 0.4;
    const threshold = Math.exp(-delta / temperature);
    for (const [u, endIncumbent, endProposal, wins] of [
      [threshold - 1e-9, 8, 8 + delta, true],
      [threshold + 1e-9, 8, 8 + delta, false],
      [0.999999, 8, 7.9, true], // a better proposal always wins
      [1e-30, 8, 8 + 50, false], // exp(−100) ≈ 4e−44
    ] as const) {
      const state = startedState(temperature);
      const { candidates, state: asked } = saSgd.ask(scriptedUniforms(u), state);
      expect(asked.chains).toHaveLength(2);
      // [incumbent centre, proposal centre, incumbent stencil (4), proposal stencil (4)]
      expect(candidates).toHaveLength(10);
      expect(Array.from(candidates[0])).toEqual(Array.from(asked.chains[0].theta));
      expect(Array.from(candidates[1])).toEqual(Array.from(asked.chains[1].theta));
      const fitness = new Float64Array(10);
      fitness[0] = endIncumbent;
      fitness[1] = endProposal;
      const told = saSgd.tell(asked, candidates, fitness).state;
      const winner = asked.chains[wins ? 1 : 0];
      expect(told.anchor!.learningRate, `u = ${u}`).toBe(winner.learningRate);
      expect(told.anchor!.momentum).toBe(winner.momentum);
      expect(Array.from(told.anchor!.theta)).toEqual(Array.from(winner.theta));
      expect(told.anchor!.fitness).toBe(wins ? endProposal : endIncumbent);
      expect(told.accepted).toBe(wins ? 1 : 0);
    }
  });

  it('anneals a learning rate that starts 500× too small up towards the stable range', () => {
    const { rates, best } = learningRates(
      { learningRate: 1e-3, momentumProposal: 0, momentum: 0, gradient: 'central' },
      120,
    );
    // Optimal for the sphere is 0.5 (one step); paired segments select larger rates.
    expect(rates.at(-1)!).toBeGreaterThan(1e-2);
    expect(best).toBeLessThan(1e-3);
  });

  it('follows Rosenbrock’s valley in 2-D (the example problem) with central differences', () => {
    const space = new SearchSpace([
      { name: 'x', lower: -2, upper: 2, init: -1.5 },
      { name: 'y', lower: -2, upper: 2, init: 1.5 },
    ]);
    const rosenbrock = builtinFunctions.rosenbrock.create(2);
    const best = [1, 2, 3, 4, 5, 6].map((seed) => {
      const optimizer = Optimizer.create({
        strategy: saSgd,
        options: { gradient: 'central' },
        space,
        seed,
        // SGD in the curved valley can go many generations without a new best.
        stop: { maxEvaluations: 20_000, target: 1e-8, stagnationGenerations: 100_000 },
      });
      runUntilStop(optimizer, (c) => rosenbrock(Object.values(c.params)));
      return optimizer.best!.fitness;
    });
    // Measured on seeds 1–12 (f(start) = 62.5): most reach ~1e-8, a few stall at 1e-4 to 2e-3
    // in the flat valley floor.
    const sorted = [...best].sort((a, b) => a - b);
    expect(sorted[3], best.join(', ')).toBeLessThan(1e-6);
    expect(sorted[5], best.join(', ')).toBeLessThan(1e-2);
  });
});
