import { describe, expect, it } from 'vitest';
import { onePlusOneEs, type OnePlusOneState } from '../../../engine/strategies/one-plus-one-es';
import { createRng } from '../../../engine/core/rng';
import { optionsFactory } from './helpers';

type Options = Parameters<typeof onePlusOneEs.init>[2];

const options = optionsFactory(onePlusOneEs);

/** Runs `generations` offspring whose success is dictated by `succeeds(k)`, from a told start. */
function drive(succeeds: (k: number) => boolean, generations: number, overrides: Partial<Options> = {}) {
  const rng = createRng(1);
  let state: OnePlusOneState = onePlusOneEs.init(rng, new Float64Array(4), options(4, overrides));
  const first = onePlusOneEs.ask(rng, state);
  expect(first.candidates).toHaveLength(2); // generation 0: the start point and a first child
  state = onePlusOneEs.tell(first.state, first.candidates, Float64Array.of(100, 101)).state;
  const afterFirst = state.stepSize;
  for (let k = 0; k < generations; k++) {
    const { candidates, state: asked } = onePlusOneEs.ask(rng, state);
    expect(candidates).toHaveLength(1);
    const fitness = succeeds(k) ? state.meanFitness - 1 : state.meanFitness + 1;
    state = onePlusOneEs.tell(asked, candidates, Float64Array.of(fitness)).state;
  }
  return { state, afterFirst };
}

describe('one-plus-one-es', () => {
  it('grows σ when more than 1/5 of the offspring succeed and shrinks it when fewer do', () => {
    const d = options(4).damping;
    // Every offspring succeeds: σ × exp(0.8/d) per generation.
    const always = drive(() => true, 20);
    expect(always.state.stepSize / always.afterFirst).toBeCloseTo(Math.exp((20 * 0.8) / d), 9);
    // One in three succeeds (> 1/5): grows.
    const often = drive((k) => k % 3 === 0, 30);
    expect(often.state.stepSize).toBeGreaterThan(often.afterFirst);
    // One in ten succeeds (< 1/5): shrinks.
    const rarely = drive((k) => k % 10 === 0, 30);
    expect(rarely.state.stepSize).toBeLessThan(rarely.afterFirst);
    // Exactly one in five: stationary.
    const fifth = drive((k) => k % 5 === 0, 50);
    expect(fifth.state.stepSize / fifth.afterFirst).toBeCloseTo(1, 12);
    // Never: σ × exp(−0.2/d) per generation.
    const never = drive(() => false, 20);
    expect(never.state.stepSize / never.afterFirst).toBeCloseTo(Math.exp((-20 * 0.2) / d), 9);
  });

  it('keeps the parent unless the child is at least as good (plus-selection, ties accepted)', () => {
    const rng = createRng(4);
    let state = onePlusOneEs.init(rng, Float64Array.of(1, 2), options(2));
    const first = onePlusOneEs.ask(rng, state);
    state = onePlusOneEs.tell(first.state, first.candidates, Float64Array.of(3, 5)).state;
    expect(Array.from(state.mean)).toEqual([1, 2]);
    expect(state.meanFitness).toBe(3);
    const tie = onePlusOneEs.ask(rng, state);
    state = onePlusOneEs.tell(tie.state, tie.candidates, Float64Array.of(3)).state;
    expect(Array.from(state.mean)).toEqual(Array.from(tie.candidates[0]));
  });

  it('on a linear slope succeeds about half the time and on a tight sphere rarely, so σ adapts both ways', () => {
    const rng = createRng(7);
    const run = (f: (x: Float64Array) => number, start: Float64Array, stepSize: number) => {
      let state = onePlusOneEs.init(rng, start, options(start.length, { stepSize }));
      for (let g = 0; g < 60; g++) {
        const { candidates, state: asked } = onePlusOneEs.ask(rng, state);
        state = onePlusOneEs.tell(asked, candidates, Float64Array.from(candidates, f)).state;
      }
      return state.stepSize;
    };
    const linear = (x: Float64Array) => x.reduce((sum, v) => sum + v, 0);
    const sphere = (x: Float64Array) => x.reduce((sum, v) => sum + v * v, 0);
    expect(run(linear, new Float64Array(10), 0.1)).toBeGreaterThan(0.1 * 10);
    // At the optimum of the sphere every child is worse: σ falls by exp(−0.2/d) per child.
    expect(run(sphere, new Float64Array(10), 1)).toBeLessThan(0.1);
  });

  it('honours the integer sampling floor', () => {
    const rng = createRng(2);
    const floor = Float64Array.of(0.5, 0);
    const state = onePlusOneEs.init(rng, new Float64Array(2), options(2, { stepSize: 1e-6 }), {
      stdDevFloor: floor,
    });
    const distribution = onePlusOneEs.distribution(state);
    expect(Array.from(distribution.stdDevs!)).toEqual([0.5, 1e-6]);
  });
});
