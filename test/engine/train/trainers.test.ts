/**
 * The trainers on the rotation example (seed 000's shape: x ∈ R², o ∈ R, y ∈ R²), F in
 * process. Each must reach a stated validation loss (standardised MSE; 1 = predicting the
 * mean) with its seed; the bounds sit a little above what these seeds reach
 * (bench/results/train.md has the curves).
 */
import { describe, expect, it } from 'vitest';
import { trainInProcess, validationLoss } from '../../../engine/train/in-process';
import { backpropThroughF } from '../../../engine/train/trainers/backprop';
import { differenceSlopes, fdBackprop } from '../../../engine/train/trainers/fd-backprop';
import { createRng } from '../../../engine/core/rng';
import { unpackSymmetric } from '../../../engine/strategies/cma/packed';
import type { CmaEsState } from '../../../engine/strategies/cma-es';
import { es, type EsState } from '../../../engine/train/trainers/es';
import { rotationBlackBox, rotationRun } from './rotation-setup';

describe('trainers on the rotation example', () => {
  it.each([
    ['oracle', { learningRate: 0.02 }, { steps: 400 }, 0.005],
    ['fd-backprop', { learningRate: 0.02 }, { steps: 400 }, 0.005],
    ['surrogate', { learningRate: 0.02 }, { steps: 400 }, 0.015],
    ['reinforce', { learningRate: 0.02 }, { steps: 400 }, 0.05],
    ['es', {}, { steps: 400 }, 0.008],
  ] as const)(
    '%s reaches its bound',
    (trainer, options, budget, bound) => {
      const run = rotationRun(trainer, options, 1, budget);
      const start = validationLoss(run.context, run.trainer.weights(run.state), run.validation, run.blackBox);
      const { curve } = trainInProcess(run);
      const final = curve[curve.length - 1].validationLoss;
      expect(start).toBeGreaterThan(0.05);
      expect(final).toBeLessThan(bound);
    },
    60_000,
  );

  it('es revives a CMA-ES state from a checkpoint written before C was packed, to the same steps', () => {
    const run = rotationRun('es', { strategy: 'cma-es' }, 4, { steps: 1 });
    const state = run.state as EsState;
    const packed = state.strategyState as CmaEsState;
    const n = packed.dimension;
    const old: EsState = {
      ...state,
      strategyState: {
        ...packed,
        covariance: unpackSymmetric(packed.covariance, n, new Float64Array(n * n)),
      },
    };
    const revived = es.revive!(old);
    expect((revived.strategyState as CmaEsState).covariance).toEqual(packed.covariance);
    const batch = [0, 1, 2];
    const a = es.ask(createRng(8), run.context, state, batch);
    const b = es.ask(createRng(8), run.context, revived, batch);
    expect(b.queries).toEqual(a.queries);
  });

  it('the same seed gives the same model', () => {
    const a = trainInProcess(rotationRun('reinforce', {}, 3, { steps: 20 }));
    const b = trainInProcess(rotationRun('reinforce', {}, 3, { steps: 20 }));
    expect(a.curve).toEqual(b.curve);
  });

  it('fd-backprop’s gradient matches the oracle’s on a module F', () => {
    const run = rotationRun('fd-backprop', { relativeStep: 1e-4 }, 2, { steps: 1 });
    const batch = [0, 5, 17, 42, 99];
    const asked = fdBackprop.ask(run.rng, run.context, run.state as never, batch);
    const answers = asked.queries.map((q) => ({
      y: rotationBlackBox.evaluate(run.rawInputs[q.sample], q.o, 0),
    }));
    const slopes = differenceSlopes(1, asked.state.step, batch, answers);
    expect(slopes).toHaveLength(batch.length);
    const exact = slopes.map((s, b) => ({
      ...s,
      jacobian: rotationBlackBox.gradient!(run.rawInputs[batch[b]], asked.queries[b * 3].o),
    }));
    const weights = asked.state.weights;
    const numeric = backpropThroughF(run.context, weights, slopes).gradient;
    const truth = backpropThroughF(run.context, weights, exact).gradient;
    const norm = Math.hypot(...truth);
    const error = Math.hypot(...numeric.map((g, i) => g - truth[i]));
    expect(norm).toBeGreaterThan(1e-3);
    expect(error / norm).toBeLessThan(1e-6);
  });

  it('drops samples F failed on, and counts them', () => {
    const run = rotationRun('fd-backprop', {}, 2, { steps: 1 });
    const batch = [0, 1, 2, 3];
    const asked = fdBackprop.ask(run.rng, run.context, run.state as never, batch);
    const answers = asked.queries.map((q, i) => ({
      y: i === 4 ? null : rotationBlackBox.evaluate(run.rawInputs[q.sample], q.o, 0),
    }));
    const told = fdBackprop.tell(run.rng, run.context, asked.state, batch, asked.queries, answers);
    expect(told.metrics.dropped).toBe(1);
    expect(Number.isFinite(told.metrics.trainLoss)).toBe(true);
  });
});
