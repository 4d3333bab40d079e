import { describe, expect, it } from 'vitest';
import { openAiEs } from '../../../engine/strategies/openai-es';
import { centredRanks } from '../../../engine/strategies/shared/fitness-shaping';
import { createRng } from '../../../engine/core/rng';
import { Optimizer } from '../../../engine/core/optimizer';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { optionsFactory, runUntilStop, unboundedSpace } from './helpers';

const options = optionsFactory(openAiEs);

function sphereRun(overrides: Record<string, unknown>, seed: number, budget: number) {
  const sphere = builtinFunctions.sphere.create(10);
  const optimizer = Optimizer.create({
    strategy: openAiEs,
    options: overrides,
    space: unboundedSpace(10),
    seed,
    stop: { maxEvaluations: budget, target: 1e-8 },
  });
  return runUntilStop(optimizer, (c) => sphere(c.x));
}

describe('openai-es', () => {
  it('asks antithetic pairs: perturbations that are exact negatives around the mean', () => {
    const rng = createRng(1);
    const start = Float64Array.from([0.25, -3, 7.5, 1e-3, 0]);
    const state = openAiEs.init(rng, start, options(5, { populationSize: 12 }));
    const { candidates, state: asked } = openAiEs.ask(rng, state);
    expect(candidates).toHaveLength(12);
    for (let j = 0; j < 6; j++) {
      const plus = candidates[2 * j];
      const minus = candidates[2 * j + 1];
      for (let i = 0; i < 5; i++) {
        // Both are μ ± σεᵢ with the same rounded product σεᵢ, so the offsets mirror exactly.
        const offset = asked.stepSize * asked.noise[j][i];
        expect(plus[i]).toBe(start[i] + offset);
        expect(minus[i]).toBe(start[i] - offset);
        expect(plus[i] - start[i]).toBeCloseTo(-(minus[i] - start[i]), 12);
      }
    }
    // Around a zero mean the pairs are bitwise negatives.
    const zero = openAiEs.init(rng, new Float64Array(5), options(5, { populationSize: 4 }));
    const pair = openAiEs.ask(rng, zero).candidates;
    expect(Array.from(pair[1])).toEqual(Array.from(pair[0], (v) => -v));
  });

  it('rounds an odd population up to whole pairs', () => {
    const state = openAiEs.init(createRng(2), new Float64Array(3), options(3, { populationSize: 7 }));
    expect(openAiEs.ask(createRng(3), state).candidates).toHaveLength(8);
  });

  it('shapes fitness by centred ranks: best +½, worst −½, evenly spaced, summing to zero', () => {
    const fitness = [3.2, -1, 1e9, 0.5, 7];
    const ranks = centredRanks(fitness);
    expect(Array.from(ranks)).toEqual([0, 0.5, -0.5, 0.25, -0.25]);
    expect(ranks.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 15);
    // Only the order matters: a monotone transform gives the same shaping.
    expect(Array.from(centredRanks(fitness.map((f) => Math.atan(f) * 1e-6)))).toEqual(Array.from(ranks));
    // Ties share their average rank; all-equal fitness carries no signal.
    expect(Array.from(centredRanks([1, 5, 5, 9]))).toEqual([0.5, 0, 0, -0.5]);
    expect(Array.from(centredRanks([4, 4, 4, 4]))).toEqual([0, 0, 0, 0]);
  });

  it('moves the mean downhill on a linear function, along the pair differences', () => {
    const rng = createRng(4);
    let state = openAiEs.init(
      rng,
      new Float64Array(4),
      options(4, { populationSize: 20, stepSizeAdaptation: 'fixed' }),
    );
    for (let g = 0; g < 20; g++) {
      const asked = openAiEs.ask(rng, state);
      const fitness = Float64Array.from(asked.candidates, (x) => 3 * x[0] - x[2]);
      state = openAiEs.tell(asked.state, asked.candidates, fitness).state;
    }
    expect(state.mean[0]).toBeLessThan(-0.5);
    expect(state.mean[2]).toBeGreaterThan(0.5);
    expect(state.stepSize).toBe(0.3); // fixed σ, as in the paper
  });

  it('decays the mean towards 0 with weight decay when fitness carries no signal', () => {
    const rng = createRng(5);
    const start = Float64Array.from([2, -2]);
    let state = openAiEs.init(rng, start, options(2, { weightDecay: 0.5, stepSizeAdaptation: 'fixed' }));
    for (let g = 0; g < 200; g++) {
      const asked = openAiEs.ask(rng, state);
      state = openAiEs.tell(
        asked.state,
        asked.candidates,
        new Float64Array(asked.candidates.length).fill(1),
      ).state;
    }
    expect(Math.abs(state.mean[0])).toBeLessThan(0.5);
    expect(Math.abs(state.mean[1])).toBeLessThan(0.5);
  });

  it('with a fixed σ stalls at the precision σ allows; with the NES step-size rule it converges', () => {
    const fixed = sphereRun({ stepSizeAdaptation: 'fixed' }, 1, 4_000);
    expect(fixed.best!.fitness).toBeGreaterThan(1e-3);
    const adaptive = sphereRun({}, 1, 4_000);
    expect(adaptive.stopReason).toBe('target-reached');
  });

  it('converges with momentum SGD instead of Adam', () => {
    const run = sphereRun({ optimizer: 'momentum', learningRate: 1 }, 2, 4_000);
    expect(run.stopReason).toBe('target-reached');
  });
});
