import { describe, expect, it } from 'vitest';
import { reinforce } from '../../../engine/strategies/reinforce';
import { createRng } from '../../../engine/core/rng';
import { Optimizer } from '../../../engine/core/optimizer';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { optionsFactory, runUntilStop, unboundedSpace } from './helpers';

const options = optionsFactory(reinforce);

/** Σₖ (b − Lₖ)(wₖ − μ): the seed's update direction, summed over the batch. */
function seedDirection(baseline: number, losses: number[], candidates: Float64Array[], mean: Float64Array) {
  return Array.from(mean, (m, i) =>
    losses.reduce((sum, l, k) => sum + (baseline - l) * (candidates[k][i] - m), 0),
  );
}

describe('reinforce', () => {
  it('updates μ along (b − L)(w − μ), scaled by α over the running RMS of (b − L)', () => {
    const rng = createRng(21);
    const alpha = 0.7;
    let state = reinforce.init(
      rng,
      Float64Array.from([1, -1]),
      options(2, { populationSize: 3, learningRate: alpha }),
    );

    // First batch: the baseline is the batch's own mean, b = 2, and s² = mean (b − L)² = 2/3.
    let asked = reinforce.ask(rng, state);
    let losses = [3, 1, 2];
    let before = state.mean;
    state = reinforce.tell(asked.state, asked.candidates, Float64Array.from(losses)).state;
    let direction = seedDirection(2, losses, asked.candidates, before);
    let scale = Math.sqrt(2 / 3);
    for (let i = 0; i < 2; i++) {
      expect(state.mean[i] - before[i]).toBeCloseTo((alpha / 3) * (direction[i] / scale), 12);
    }
    expect(state.baseline).toBe(2);

    // Second batch: b = 2 from before; s² = 0.9·(2/3) + 0.1·mean((2 − L)²).
    asked = reinforce.ask(rng, state);
    losses = [0, 5, 4];
    before = state.mean;
    state = reinforce.tell(asked.state, asked.candidates, Float64Array.from(losses)).state;
    direction = seedDirection(2, losses, asked.candidates, before);
    scale = Math.sqrt(0.9 * (2 / 3) + 0.1 * ((4 + 9 + 4) / 3));
    for (let i = 0; i < 2; i++) {
      expect(state.mean[i] - before[i]).toBeCloseTo((alpha / 3) * (direction[i] / scale), 12);
    }
    // b ← 0.5 b + 0.5 mean L (default baselineDecay 0.5).
    expect(state.baseline).toBeCloseTo(0.5 * 2 + 0.5 * 3, 14);
  });

  it('with a batch of one, moves towards samples better than the baseline and away from worse ones', () => {
    const rng = createRng(22);
    let state = reinforce.init(
      rng,
      new Float64Array(3),
      options(3, { populationSize: 1, learnSigma: false }),
    );
    let asked = reinforce.ask(rng, state);
    state = reinforce.tell(asked.state, asked.candidates, Float64Array.of(10)).state;
    expect(Array.from(state.mean)).toEqual([0, 0, 0]); // compared with itself: no signal yet
    expect(state.baseline).toBe(10);

    for (const [loss, sign] of [
      [4, +1],
      [30, -1],
    ] as const) {
      asked = reinforce.ask(rng, state);
      const before = state.mean;
      state = reinforce.tell(asked.state, asked.candidates, Float64Array.of(loss)).state;
      const offset = Array.from(asked.candidates[0], (w, i) => w - before[i]);
      const step = Array.from(state.mean, (m, i) => m - before[i]);
      const cosine =
        step.reduce((s, v, i) => s + v * offset[i], 0) /
        Math.sqrt(step.reduce((s, v) => s + v * v, 0) * offset.reduce((s, v) => s + v * v, 0));
      expect(cosine).toBeCloseTo(sign, 12);
    }
  });

  it('learns ln σ by its score: shrinks when wide samples lose, grows when they win, fixed without learnSigma', () => {
    const finalStepSize = (sign: number, learnSigma: boolean) => {
      const rng = createRng(23);
      let state = reinforce.init(rng, new Float64Array(4), options(4, { learnSigma }));
      for (let g = 0; g < 40; g++) {
        const asked = reinforce.ask(rng, state);
        const losses = Float64Array.from(asked.state.noise, (e) => sign * e.reduce((s, v) => s + v * v, 0));
        state = reinforce.tell(asked.state, asked.candidates, losses).state;
      }
      return state.stepSize;
    };
    expect(finalStepSize(+1, true)).toBeLessThan(0.3 / 2);
    expect(finalStepSize(-1, true)).toBeGreaterThan(0.3 * 2);
    expect(finalStepSize(+1, false)).toBe(0.3);
  });

  it('runs the seed’s one-sample-at-a-time version on the 10-D sphere down to 1e-8', () => {
    const n = 10;
    const sphere = builtinFunctions.sphere.create(n);
    const optimizer = Optimizer.create({
      strategy: reinforce,
      options: { populationSize: 1 },
      space: unboundedSpace(n),
      seed: 24,
      stop: { maxEvaluations: 1_500, target: 1e-8 },
    });
    runUntilStop(optimizer, (c) => sphere(c.x));
    expect(optimizer.stopReason).toBe('target-reached');
  });
});
