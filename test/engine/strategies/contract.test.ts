/**
 * The shared contract every registered strategy meets: it optimises a seeded sphere, the
 * same seed reproduces the same candidates, and its state survives a JSON checkpoint round
 * trip and continues identically.
 */
import { describe, expect, it } from 'vitest';
import { strategies } from '../../../engine/strategies/registry';
import { Optimizer } from '../../../engine/core/optimizer';
import { roundTrip } from '../../../engine/core/state-codec';
import { builtinFunctions } from '../../../engine/objectives/builtin';
import { contractSettings, defaultContractSettings } from './contract-settings';
import { unboundedSpace } from './helpers';

const dimension = 10;
const space = unboundedSpace(dimension);
const sphere = builtinFunctions.sphere.create(dimension);

function settingsFor(id: string) {
  return contractSettings[id] ?? defaultContractSettings;
}

function makeOptimizer(id: string, seed: number, budget: number) {
  const settings = settingsFor(id);
  return Optimizer.create({
    strategy: strategies[id],
    options: settings.options,
    space,
    seed,
    stop: { maxEvaluations: budget, target: 1e-8 },
  });
}

function step(optimizer: Optimizer) {
  const candidates = optimizer.ask();
  return {
    candidates: candidates.map((c) => Array.from(c.x)),
    summary: optimizer.tell(candidates.map((c) => ({ fitness: sphere(c.x) }))),
  };
}

describe('strategy registry', () => {
  it('holds strategies', () => {
    expect(Object.keys(strategies).length).toBeGreaterThan(0);
  });
});

describe.each(Object.keys(strategies))('strategy %s', (id) => {
  const strategy = strategies[id];

  it('documents itself and its options', () => {
    expect(strategy.id).toBe(id);
    expect(strategy.summary.length).toBeGreaterThan(20);
    for (const [name, spec] of Object.entries(strategy.options)) {
      expect(spec.description.length, `option ${name}`).toBeGreaterThan(5);
    }
  });

  it('takes a seeded 10-D sphere below 1e-8', () => {
    const { budget } = settingsFor(id);
    const optimizer = makeOptimizer(id, 7, budget);
    while (!optimizer.stopReason) step(optimizer);
    expect(optimizer.best!.fitness).toBeLessThan(1e-8);
    expect(optimizer.stopReason).toBe('target-reached');
  });

  it('reproduces the same candidates from the same seed, and differs for another seed', () => {
    const a = makeOptimizer(id, 11, 10_000);
    const b = makeOptimizer(id, 11, 10_000);
    const c = makeOptimizer(id, 12, 10_000);
    for (let g = 0; g < 5; g++) {
      const stepA = step(a);
      expect(step(b).candidates).toEqual(stepA.candidates);
      const stepC = step(c);
      if (g === 0) expect(stepC.candidates).not.toEqual(stepA.candidates);
    }
  });

  it('continues identically after a JSON round trip of its state', () => {
    const straight = makeOptimizer(id, 3, 10_000);
    const interrupted = makeOptimizer(id, 3, 10_000);
    for (let g = 0; g < 4; g++) {
      step(straight);
      step(interrupted);
    }
    const settings = settingsFor(id);
    const restored = Optimizer.restore(
      { strategy, options: settings.options, space, seed: 3, stop: { maxEvaluations: 10_000, target: 1e-8 } },
      roundTrip(interrupted.snapshot()),
    );
    for (let g = 0; g < 4; g++) {
      const expected = step(straight);
      const actual = step(restored);
      expect(actual.candidates).toEqual(expected.candidates);
      expect(actual.summary.best?.fitness).toBe(expected.summary.best?.fitness);
    }
  });
});
