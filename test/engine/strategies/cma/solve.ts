/**
 * Runs a strategy through the Optimizer on a built-in function the way the pycma reference
 * figures were measured (../shared/reference/pycma-4.4.0.md): n unbounded parameters, start
 * x0 ~ U[-3, 3]^n from a seeded generator, initial step size 2, target f < 1e-8.
 */
import { Optimizer, type RestartConfig } from '../../../../engine/core/optimizer';
import { createRng } from '../../../../engine/core/rng';
import { SearchSpace } from '../../../../engine/core/search-space';
import type { Strategy } from '../../../../engine/core/strategy';
import { builtinFunctions } from '../../../../engine/objectives/builtin';
import { runUntilStop } from '../helpers';

export interface RunSettings {
  options?: Record<string, unknown>;
  restarts?: RestartConfig;
}

export function solve(
  strategy: Strategy,
  functionId: string,
  n: number,
  seed: number,
  budget: number,
  settings: RunSettings = {},
): Optimizer {
  const f = builtinFunctions[functionId].create(n);
  const space = new SearchSpace(Array.from({ length: n }, (_, i) => ({ name: `x${i}` })));
  const x0 = createRng(`x0:${seed}`);
  const start = Float64Array.from({ length: n }, () => -3 + 6 * x0.uniform());
  const optimizer = Optimizer.create({
    strategy,
    options: { stepSize: 2, ...settings.options },
    space,
    seed,
    start,
    stop: { maxEvaluations: budget, target: 1e-8 },
    restarts: settings.restarts,
  });
  return runUntilStop(optimizer, (c) => f(c.x));
}

/** Evaluations until f < 1e-8 (1-based index of the first such evaluation), or null. */
export function evaluationsToTarget(optimizer: Optimizer): number | null {
  return optimizer.stopReason === 'target-reached' && optimizer.best ? optimizer.best.index + 1 : null;
}
