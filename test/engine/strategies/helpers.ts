/**
 * Set-up shared by the strategy tests: default options with overrides, the usual unbounded
 * search space, and the ask/tell loop that runs an optimizer until it stops.
 */
import { Optimizer, type Candidate, type GenerationSummary } from '../../../engine/core/optimizer';
import { SearchSpace } from '../../../engine/core/search-space';
import { defaultOptions, type OptionValue, type Strategy } from '../../../engine/core/strategy';
import { createRng, type Rng } from '../../../engine/core/rng';

/**
 * `(dimension, overrides) => options`: the strategy's default options for that dimension
 * with `overrides` on top, typed as the strategy's own options.
 */
export function optionsFactory<State, Options extends Record<string, OptionValue>>(
  strategy: Strategy<State, Options>,
): (dimension: number, overrides?: Partial<Options>) => Options {
  return (dimension, overrides = {}) => ({
    ...(defaultOptions(strategy.options, dimension) as Options),
    ...overrides,
  });
}

/** n unbounded parameters x0 … x(n−1), every one starting at `init`. */
export function unboundedSpace(n: number, init = 1): SearchSpace {
  return new SearchSpace(Array.from({ length: n }, (_, i) => ({ name: `x${i}`, init })));
}

/**
 * Asks and tells until the optimizer stops, evaluating every candidate with `fitness`;
 * `afterTell` sees each generation's candidates and summary once it has been told.
 */
export function runUntilStop(
  optimizer: Optimizer,
  fitness: (candidate: Candidate) => number,
  afterTell?: (candidates: Candidate[], summary: GenerationSummary) => void,
): Optimizer {
  while (!optimizer.stopReason) {
    const candidates = optimizer.ask();
    const summary = optimizer.tell(candidates.map((c) => ({ fitness: fitness(c) })));
    afterTell?.(candidates, summary);
  }
  return optimizer;
}

/**
 * Runs the optimizer until it stops and returns the smallest ratio, over all generations, of
 * the standard deviation its distribution reports for `coordinate` to that (integer)
 * coordinate's floor: ≥ 1 when the strategy keeps the integer parameter moving.
 */
export function smallestStdDevOverFloor(
  optimizer: Optimizer,
  fitness: (candidate: Candidate) => number,
  coordinate: number,
): number {
  const floor = optimizer.space.stdDevFloor()![coordinate];
  let smallest = Number.POSITIVE_INFINITY;
  runUntilStop(optimizer, fitness, () => {
    smallest = Math.min(smallest, optimizer.distribution().stdDevs![coordinate] / floor);
  });
  return smallest;
}

/** A seeded generator whose uniforms come from `uniform` instead; normals and integers stay seeded. */
export function withScriptedUniforms(seed: number, uniform: () => number): Rng {
  const inner = createRng(seed);
  return {
    uniform,
    gaussian: () => inner.gaussian(),
    gaussians: (out) => inner.gaussians(out),
    gaussianLanes: (out) => inner.gaussianLanes(out),
    integer: (n) => inner.integer(n),
    state: () => inner.state(),
  };
}
