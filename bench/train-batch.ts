/**
 * The batched request form of `evobox train` (`blackBox.batch`): wall time per F call of
 * examples/train-rotation's Python F over the `line` protocol, per-sample (pipelined, one
 * line per sample) against batched (one line per minibatch), with one and two workers.
 * Rounds alternate the two forms so both see the same machine load; the ratio is the result.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlackBox, type BlackBoxPoint } from '../engine/node/train/black-box';
import type { Benchmark } from './lib/benchmark';

const example = fileURLToPath(new URL('../examples/train-rotation/', import.meta.url));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** µs per F call over `calls` evaluate() calls of `points` points each. */
async function timeForm(
  batch: boolean,
  workers: number,
  points: BlackBoxPoint[],
  calls: number,
): Promise<number> {
  const box = await createBlackBox(
    { command: join(example, 'rotate.py'), protocol: 'line', ...(batch ? { batch: true } : {}) },
    { inputNames: ['x1', 'x2'], outputNames: ['o'], targetCount: 2, cwd: example, workers, seed: 0 },
  );
  try {
    await box.evaluate(points, 0); // processes started and warm
    const started = performance.now();
    for (let c = 0; c < calls; c++) {
      const { failures } = await box.evaluate(points, (c + 1) * points.length);
      if (failures.length) throw new Error(`F failed: ${failures[0]}`);
    }
    return ((performance.now() - started) * 1000) / (calls * points.length);
  } finally {
    await box.close();
  }
}

export const trainBatchBench: Benchmark = {
  name: 'train-batch',
  description: 'evobox train: per-sample vs batched requests to a Python line F (µs per F call)',
  async run(settings, report) {
    const rounds = settings.quick ? 2 : 5;
    const calls = settings.quick ? 20 : 100;
    // fd-backprop's call at minibatch 32, k = 1: 32 × (1 + 2k) points.
    const points: BlackBoxPoint[] = Array.from({ length: 96 }, (_, i) => ({
      x: [Math.cos(i), Math.sin(i)],
      o: [i / 96],
    }));
    report.text(
      `${calls} calls of ${points.length} points (fd-backprop's call at minibatch 32), ${rounds} alternating rounds, medians; examples/train-rotation/rotate.py over \`line\`.`,
    );
    report.text();
    const rows: string[][] = [];
    let oneWorkerRatio = 0;
    for (const workers of [1, 2]) {
      const perSample: number[] = [];
      const batched: number[] = [];
      for (let r = 0; r < rounds; r++) {
        perSample.push(await timeForm(false, workers, points, calls));
        batched.push(await timeForm(true, workers, points, calls));
      }
      const ratio = median(perSample) / median(batched);
      if (workers === 1) oneWorkerRatio = ratio;
      rows.push([
        String(workers),
        median(perSample).toFixed(1),
        median(batched).toFixed(1),
        `${ratio.toFixed(2)} ×`,
      ]);
    }
    report.table(['workers', 'per-sample µs / F call', 'batched µs / F call', 'batched speed-up'], rows);
    report.text();
    report.check(
      'batched requests cost less per F call than per-sample ones (1 worker)',
      `${oneWorkerRatio.toFixed(2)} ×`,
      oneWorkerRatio > 1,
      oneWorkerRatio > 1 ? '' : 'the batch form saves no time here',
    );
  },
};
