import { describe, expect, it } from 'vitest';
import {
  metropolisAccepts,
  simulatedAnnealing,
  type SimulatedAnnealingState,
} from '../../../engine/strategies/simulated-annealing';
import { createRng, type Rng } from '../../../engine/core/rng';
import { Optimizer } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { optionsFactory, runUntilStop, withScriptedUniforms } from './helpers';

const options = optionsFactory(simulatedAnnealing);

/** A generator whose uniforms are scripted; normals come from a seeded generator. */
function scriptedUniforms(uniforms: number[], seed = 1): Rng {
  let next = 0;
  return withScriptedUniforms(seed, () => uniforms[next++ % uniforms.length]);
}

/** A state at temperature T with the current point evaluated at f = 5. */
function warmState(temperature: number, dimension = 2): SimulatedAnnealingState {
  const rng = createRng(9);
  const state = simulatedAnnealing.init(
    rng,
    new Float64Array(dimension),
    options(dimension, { initialTemperature: temperature, coolingRate: 1 }),
  );
  const { candidates, state: asked } = simulatedAnnealing.ask(rng, state);
  expect(candidates).toHaveLength(1); // a given temperature needs no calibration samples
  return simulatedAnnealing.tell(asked, candidates, Float64Array.of(5)).state;
}

describe('simulated-annealing', () => {
  it('accepts by the Metropolis rule exactly: uphill Δ iff u < exp(−Δ/T), downhill always', () => {
    const temperature = 2;
    const delta = 1.5;
    const threshold = Math.exp(-delta / temperature); // 0.4723…
    for (const [u, expected] of [
      [threshold - 1e-9, true],
      [threshold + 1e-9, false],
      [0, true],
      [0.999, false],
    ] as const) {
      const state = warmState(temperature);
      const { candidates, state: asked } = simulatedAnnealing.ask(scriptedUniforms([u]), state);
      const told = simulatedAnnealing.tell(asked, candidates, Float64Array.of(5 + delta)).state;
      expect(told.currentFitness, `u = ${u}`).toBe(expected ? 5 + delta : 5);
      expect(Array.from(told.current)).toEqual(expected ? Array.from(candidates[0]) : [0, 0]);
    }
    // A downhill move is accepted whatever the uniform.
    const state = warmState(temperature);
    const { candidates, state: asked } = simulatedAnnealing.ask(scriptedUniforms([0.999999]), state);
    expect(simulatedAnnealing.tell(asked, candidates, Float64Array.of(4)).state.currentFitness).toBe(4);
    expect(metropolisAccepts(0, 0, 0.5)).toBe(true);
    expect(metropolisAccepts(1e-12, 0, 0)).toBe(false); // T = 0 is greedy
  });

  it('accepts an uphill move with frequency exp(−Δ/T) under a seeded generator', () => {
    const rng = createRng(2024);
    for (const [delta, temperature] of [
      [1, 1],
      [0.5, 2],
      [3, 1],
    ]) {
      const expected = Math.exp(-delta / temperature);
      const trials = 4000;
      let accepted = 0;
      for (let t = 0; t < trials; t++) {
        const state = warmState(temperature);
        const { candidates, state: asked } = simulatedAnnealing.ask(rng, state);
        if (
          simulatedAnnealing.tell(asked, candidates, Float64Array.of(5 + delta)).state.currentFitness !== 5
        ) {
          accepted++;
        }
      }
      const standardError = Math.sqrt((expected * (1 - expected)) / trials);
      expect(Math.abs(accepted / trials - expected), `Δ=${delta}, T=${temperature}`).toBeLessThan(
        4 * standardError,
      );
    }
  });

  it('calibrates T₀ so that the mean uphill calibration move has acceptance χ₀', () => {
    const rng = createRng(5);
    const state = simulatedAnnealing.init(
      rng,
      Float64Array.of(0, 0),
      options(2, { calibrationSamples: 4, initialAcceptance: 0.5 }),
    );
    const { candidates, state: asked } = simulatedAnnealing.ask(rng, state);
    expect(candidates).toHaveLength(5);
    expect(Array.from(candidates[0])).toEqual([0, 0]);
    // f(start) = 10; uphill moves of 2 and 4 (mean 3), one downhill move ignored.
    const told = simulatedAnnealing.tell(asked, candidates, Float64Array.of(10, 12, 14, 7, 10)).state;
    expect(told.temperature).toBeCloseTo(3 / Math.LN2, 12);
    expect(told.currentFitness).toBe(10);
    expect(Array.from(told.current)).toEqual([0, 0]);
  });

  it('cools geometrically and adapts the proposal scale towards the target acceptance', () => {
    let state = warmState(1);
    const rng = createRng(3);
    const s0 = state.stepSize;
    // Always rejected (every proposal far uphill): T × rate per proposal, scale shrinks.
    state = { ...state, coolingRate: 0.9 };
    for (let k = 0; k < 10; k++) {
      const { candidates, state: asked } = simulatedAnnealing.ask(rng, state);
      state = simulatedAnnealing.tell(asked, candidates, Float64Array.of(1e6)).state;
    }
    expect(state.temperature).toBeCloseTo(0.9 ** 10, 12);
    expect(state.stepSize).toBeCloseTo(s0 * Math.exp((-0.25 * 10) / state.damping), 12);
    // Always accepted (downhill): the scale grows.
    const s1 = state.stepSize;
    for (let k = 0; k < 10; k++) {
      const { candidates, state: asked } = simulatedAnnealing.ask(rng, state);
      state = simulatedAnnealing.tell(asked, candidates, Float64Array.of(state.currentFitness - 1)).state;
    }
    expect(state.stepSize).toBeCloseTo(s1 * Math.exp((0.75 * 10) / state.damping), 12);
  });

  it('walks out of Rastrigin’s local minima where a greedy search stays', () => {
    // 2-D Rastrigin started in the local minimum at (2, 2) (f ≈ 7.96): annealing from T₀ = 10
    // reaches lower basins; with T ≈ 0 (greedy) the same chain never climbs out.
    const space = new SearchSpace([
      { name: 'x', init: 2 },
      { name: 'y', init: 2 },
    ]);
    const rastrigin = builtinFunctions.rastrigin.create(2);
    const run = (initialTemperature: number, seed: number) => {
      const optimizer = Optimizer.create({
        strategy: simulatedAnnealing,
        options: { initialTemperature, stepSize: 0.3, coolingRate: 0.998 },
        space,
        seed,
        stop: { maxEvaluations: 4000 },
      });
      return runUntilStop(optimizer, (c) => rastrigin(c.x)).best!.fitness;
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const greedy = seeds.map((seed) => run(1e-12, seed));
    const annealed = seeds.map((seed) => run(10, seed)).sort((a, b) => a - b);
    for (const value of greedy) expect(value).toBeGreaterThan(7.9);
    for (const value of annealed) expect(value).toBeLessThan(7.9);
    expect(annealed[seeds.length >> 1]).toBeLessThan(2); // measured: 0.00–3.30, median ≈ 1.2
  });
});
