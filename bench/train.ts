/**
 * Training through a black box (seed 000): validation loss against calls of F for the four
 * black-box trainers and the oracle, several seeds, on examples/train-rotation (smooth F,
 * the seed's shape) and examples/train-arm (k = 3 outputs, a geared — staircase — and noisy
 * F). F runs in process (the examples' .mjs twins of their Python black boxes), so the
 * table counts calls, not process round trips. Also the model's cost: forward + backward
 * per sample of the hand-written MLP at the sizes used here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../engine/core/rng';
import { parseTrainProblem } from '../engine/node/train/problem';
import { prepareTraining } from '../engine/node/train/session';
import {
  trainInProcess,
  validationLoss,
  type CurvePoint,
  type InProcessBlackBox,
} from '../engine/train/in-process';
import { backward, forward, initialParameters, parameterCount, type MlpSpec } from '../engine/train/mlp';
import { getTrainer } from '../engine/train/trainers/registry';
import * as arm from '../examples/train-arm/arm.mjs';
import * as rotation from '../examples/train-rotation/rotate.mjs';
import type { Benchmark } from './index';
import type { Report } from './lib/report';

const examplesDir = fileURLToPath(new URL('../examples/', import.meta.url));

interface Example {
  name: string;
  dir: string;
  blackBox: InProcessBlackBox;
  /** The module twin of the example's black box (the problem file names the Python one). */
  module: string;
  /** F-call budget per run, and per trainer where one is slow to compute. */
  fCalls: number;
  /** Trainer rows: label, trainer id, options, budget cap. */
  rows: { label: string; trainer: string; options: Record<string, unknown>; fCalls?: number }[];
}

const rotationBox: InProcessBlackBox = {
  evaluate: (x, o) => Float64Array.from(rotation.evaluate({ x1: x[0], x2: x[1], o: o[0] }).y),
  gradient: (x, o) => rotation.gradient({ x1: x[0], x2: x[1], o: o[0] }).map((r) => Float64Array.from(r)),
};

const armBox: InProcessBlackBox = {
  evaluate: (_x, o, id) => Float64Array.from(arm.evaluate({ q1: o[0], q2: o[1], q3: o[2] }, { id }).y),
  gradient: (_x, o) => arm.gradient({ q1: o[0], q2: o[1], q3: o[2] }).map((r) => Float64Array.from(r)),
};

const gradientRate = { learningRate: 0.02 };

const examples: Example[] = [
  {
    name: 'rotation',
    dir: join(examplesDir, 'train-rotation'),
    blackBox: rotationBox,
    module: './rotate.mjs',
    fCalls: 200_000,
    rows: [
      { label: 'oracle (reference)', trainer: 'oracle', options: gradientRate, fCalls: 50_000 },
      { label: 'fd-backprop', trainer: 'fd-backprop', options: gradientRate },
      { label: 'surrogate', trainer: 'surrogate', options: gradientRate, fCalls: 50_000 },
      {
        label: 'surrogate (seed’s literal L*: λ = 1, λ term moves π)',
        trainer: 'surrogate',
        options: { ...gradientRate, lambda: 1, agreementMovesModel: true },
        fCalls: 50_000,
      },
      { label: 'reinforce', trainer: 'reinforce', options: gradientRate },
      { label: 'es (sep-cma-es)', trainer: 'es', options: {} },
      { label: 'es (openai-es)', trainer: 'es', options: { strategy: 'openai-es' } },
    ],
  },
  {
    name: 'arm',
    dir: join(examplesDir, 'train-arm'),
    blackBox: armBox,
    module: './arm.mjs',
    fCalls: 200_000,
    rows: [
      { label: 'oracle (smooth arm’s gradient)', trainer: 'oracle', options: gradientRate, fCalls: 50_000 },
      { label: 'fd-backprop (default h = 1e-3·|o|)', trainer: 'fd-backprop', options: gradientRate },
      {
        label: 'fd-backprop (h = 0.05·|o|)',
        trainer: 'fd-backprop',
        options: { ...gradientRate, relativeStep: 0.05 },
      },
      { label: 'surrogate', trainer: 'surrogate', options: gradientRate, fCalls: 50_000 },
      { label: 'reinforce', trainer: 'reinforce', options: gradientRate },
      { label: 'es (sep-cma-es)', trainer: 'es', options: {} },
      { label: 'es (openai-es)', trainer: 'es', options: { strategy: 'openai-es' } },
    ],
  },
];

/** Checkpoints of the curve table, in F calls. */
const marks = [0, 1_000, 3_000, 10_000, 30_000, 100_000, 200_000];

/** The curve, starting with the untrained model's loss at 0 calls. */
function runCurve(
  example: Example,
  row: Example['rows'][number],
  seed: number,
  fCalls: number,
): CurvePoint[] {
  const json = JSON.parse(readFileSync(join(example.dir, 'problem.json'), 'utf8'));
  const problem = parseTrainProblem(
    {
      ...json,
      blackBox: { module: example.module, gradient: 'gradient' },
      trainer: { name: row.trainer, batchSize: 32, options: row.options },
      seed,
      budget: { fCalls },
    },
    example.dir,
  );
  const { prepared, rng, trainerState } = prepareTraining(problem);
  const trainer = getTrainer(row.trainer);
  // About 60 validations per run, whatever the trainer's calls per step.
  const perStep = trainer.ask(createRng(0), prepared.context, trainerState, [0]).queries.length * 32;
  const validateEvery = Math.max(1, Math.round(fCalls / perStep / 60));
  const start = validationLoss(
    prepared.context,
    trainer.weights(trainerState),
    prepared.validation,
    example.blackBox,
  );
  const { curve } = trainInProcess({
    trainer,
    context: prepared.context,
    rawInputs: prepared.trainInputs,
    validation: prepared.validation,
    blackBox: example.blackBox,
    rng,
    state: trainerState,
    batchSize: 32,
    fCalls,
    validateEvery,
  });
  return [{ step: 0, fCalls: 0, validationLoss: start }, ...curve];
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The validation loss of the last point at or before `calls`, or NaN. */
function lossAt(curve: CurvePoint[], calls: number): number {
  let loss = Number.NaN;
  for (const point of curve) if (point.fCalls <= calls) loss = point.validationLoss;
  return loss;
}

/** The first call count at which the loss is ≤ `level`, or undefined. */
function callsTo(curve: CurvePoint[], level: number): number | undefined {
  return curve.find((point) => point.validationLoss <= level)?.fCalls;
}

const format = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : '—');
const formatCalls = (v: number | undefined) => (v === undefined ? 'never' : v.toLocaleString('en-US'));

function measureMlp(report: Report, quick: boolean): void {
  const rows: (string | number)[][] = [];
  for (const spec of [
    { inputs: 2, hidden: [16], outputs: 1, activation: 'tanh' },
    { inputs: 2, hidden: [32], outputs: 3, activation: 'tanh' },
    { inputs: 3, hidden: [32, 32], outputs: 2, activation: 'tanh' },
  ] satisfies MlpSpec[]) {
    const params = initialParameters(spec, createRng(1));
    const gradient = new Float64Array(parameterCount(spec));
    const x = Float64Array.from({ length: spec.inputs }, (_, i) => 0.1 * (i + 1));
    const seed = new Float64Array(spec.outputs).fill(1);
    const n = quick ? 20_000 : 200_000;
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const started = performance.now();
      for (let i = 0; i < n; i++) backward(spec, params, forward(spec, params, x), seed, gradient);
      times.push(((performance.now() - started) * 1000) / n);
    }
    rows.push([
      `${spec.inputs}→${spec.hidden.join('→')}→${spec.outputs} (${parameterCount(spec)} weights)`,
      median(times).toFixed(2),
    ]);
  }
  report.table(['network (tanh)', 'forward + backward per sample, µs (median of 3)'], rows);
}

export const trainBench: Benchmark = {
  name: 'train',
  description: 'training through a black box: validation loss against F calls, four trainers and the oracle',
  async run(settings, report) {
    const seeds = settings.quick ? 2 : Math.min(settings.seeds, 3);
    const scale = settings.quick ? 0.1 : 1;
    report.text(
      `${seeds} seeds per row; minibatch 32; validation loss = mean squared error on the held-out 20 % in standardised target units (1 = always predicting the targets’ mean; column 0 is the untrained model). F calls count training calls only (validation calls are extra and the same for every trainer). Medians over seeds.`,
    );
    report.text();
    let rotationVerdict: { best: string; ratio: number } | undefined;
    for (const example of examples) {
      const curves = new Map<string, CurvePoint[][]>();
      for (const row of example.rows) {
        const budget = Math.round((row.fCalls ?? example.fCalls) * scale);
        const list: CurvePoint[][] = [];
        for (let seed = 1; seed <= seeds; seed++) list.push(runCurve(example, row, seed, budget));
        curves.set(row.label, list);
      }
      const oracleFinal = median(
        curves.get(example.rows[0].label)!.map((c) => c[c.length - 1].validationLoss),
      );
      const level = 1.1 * oracleFinal;
      report.text(`### ${example.name} — validation loss at F calls (median of ${seeds} seeds)`);
      report.text();
      const shownMarks = marks.map((m) => Math.round(m * scale));
      report.table(
        [
          'trainer',
          ...shownMarks.map((m) => m.toLocaleString('en-US')),
          'final',
          `F calls to ≤ 1.1 × oracle (${format(level)})`,
        ],
        example.rows.map((row) => {
          const list = curves.get(row.label)!;
          const reach = list.map((c) => callsTo(c, level));
          const reached = reach.filter((r): r is number => r !== undefined);
          return [
            row.label,
            ...shownMarks.map((m) => format(median(list.map((c) => lossAt(c, m))))),
            format(median(list.map((c) => c[c.length - 1].validationLoss))),
            reached.length === list.length
              ? `median ${formatCalls(median(reached))} (${reached.length}/${list.length} seeds)`
              : `${reached.length}/${list.length} seeds${reached.length ? ` (median of those ${formatCalls(median(reached))})` : ''}`,
          ];
        }),
      );
      if (example.name === 'rotation') {
        let best = { best: '', ratio: Number.POSITIVE_INFINITY };
        for (const row of example.rows.slice(1)) {
          const list = curves.get(row.label)!;
          const ratio = median(list.map((c) => c[c.length - 1].validationLoss)) / oracleFinal;
          if (ratio < best.ratio) best = { best: row.label, ratio };
        }
        rotationVerdict = best;
      }
    }
    report.text('### The model’s cost (hand-written MLP, engine/train/mlp.ts)');
    report.text();
    measureMlp(report, settings.quick);
    if (rotationVerdict) {
      report.check(
        'rotation: a black-box trainer’s final validation loss ≤ 1.1 × the oracle’s',
        `${rotationVerdict.best}: ${rotationVerdict.ratio.toFixed(3)} × the oracle`,
        rotationVerdict.ratio <= 1.1,
        'no black-box trainer came within 10 % of the oracle',
      );
    }
  },
};
