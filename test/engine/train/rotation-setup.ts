/** The rotation example (examples/train-rotation) prepared for in-process training in tests. */
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseTrainProblem } from '../../../engine/node/train/problem';
import { prepareTraining } from '../../../engine/node/train/session';
import type { InProcessBlackBox, InProcessRun } from '../../../engine/train/in-process';
import { getTrainer } from '../../../engine/train/trainers/registry';
import { evaluate, gradient } from '../../../examples/train-rotation/rotate.mjs';

export const rotationDir = resolve(__dirname, '../../../examples/train-rotation');

export const rotationBlackBox: InProcessBlackBox = {
  evaluate: (x, o) => Float64Array.from(evaluate({ x1: x[0], x2: x[1], o: o[0] }).y),
  gradient: (x, o) =>
    gradient({ x1: x[0], x2: x[1], o: o[0] }).map((row: number[]) => Float64Array.from(row)),
};

export function rotationRun(
  trainer: string,
  options: Record<string, unknown>,
  seed: number,
  budget: { steps?: number; fCalls?: number },
  batchSize = 32,
): InProcessRun {
  const json = JSON.parse(readFileSync(join(rotationDir, 'problem.json'), 'utf8'));
  const problem = parseTrainProblem(
    {
      ...json,
      trainer: { name: trainer, batchSize, options },
      seed,
      blackBox: { module: './rotate.mjs', gradient: 'gradient' },
    },
    rotationDir,
  );
  const { prepared, rng, trainerState } = prepareTraining(problem);
  return {
    trainer: getTrainer(trainer),
    context: prepared.context,
    rawInputs: prepared.trainInputs,
    validation: prepared.validation,
    blackBox: rotationBlackBox,
    rng,
    state: trainerState,
    batchSize,
    ...budget,
    validateEvery: 50,
  };
}
