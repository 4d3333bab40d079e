/**
 * From a problem to what the trainers see: the data read and checked, split into training
 * and validation rows (a seeded shuffle, or a second file), inputs standardised with the
 * training rows' statistics, the model's shape, and the loss's target scale.
 */
import { createRng } from '../../core/rng';
import type { MlpSpec } from '../../train/mlp';
import type { TrainContext } from '../../train/trainer';
import { columnStats, numericColumns, readTable, standardise, TrainDataError } from './data';
import type { TrainProblem } from './problem';

/** Training needs two rows for a standard deviation; validation needs one. */
export const minTrainingRows = 2;

export interface PreparedData {
  context: TrainContext;
  /** Raw inputs of the training rows (what F sees), row by row. */
  trainInputs: Float64Array[];
  validation: { inputs: Float64Array[]; standardised: Float64Array[]; targets: Float64Array[] };
  inputStats: { mean: Float64Array; std: Float64Array };
}

function shuffled(count: number, seed: string): number[] {
  const rng = createRng(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.integer(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export function prepareData(problem: TrainProblem): PreparedData {
  const { data } = problem;
  const table = readTable(data.file, data.file);
  let inputs = numericColumns(table, data.inputs, 'data.inputs');
  let targets = numericColumns(table, data.targets, 'data.targets');
  let validationInputs: Float64Array[];
  let validationTargets: Float64Array[];
  if ('file' in data.validation) {
    const other = readTable(data.validation.file, data.validation.file);
    validationInputs = numericColumns(other, data.inputs, 'data.inputs');
    validationTargets = numericColumns(other, data.targets, 'data.targets');
    if (validationInputs.length < 1)
      throw new TrainDataError(`${other.file} has no data rows (validation needs at least 1)`);
  } else {
    const needed = minTrainingRows + 1;
    if (inputs.length < needed)
      throw new TrainDataError(
        `${table.file} has ${inputs.length} data row${inputs.length === 1 ? '' : 's'}; training with a validation split needs at least ${needed}`,
      );
    const order = shuffled(inputs.length, `${problem.seed}:validation-split`);
    const count = Math.min(
      inputs.length - minTrainingRows,
      Math.max(1, Math.round(data.validation.fraction * inputs.length)),
    );
    const held = order.slice(0, count).sort((a, b) => a - b);
    const kept = order.slice(count).sort((a, b) => a - b);
    validationInputs = held.map((r) => inputs[r]);
    validationTargets = held.map((r) => targets[r]);
    inputs = kept.map((r) => inputs[r]);
    targets = kept.map((r) => targets[r]);
  }
  if (inputs.length < minTrainingRows)
    throw new TrainDataError(
      `${table.file} has ${inputs.length} training rows; training needs at least ${minTrainingRows}`,
    );
  const inputStats = columnStats(inputs);
  const targetStats = columnStats(targets);
  const outputs = problem.model.outputs;
  const model: MlpSpec = {
    inputs: data.inputs.length,
    hidden: problem.model.hidden,
    outputs: outputs.length,
    activation: problem.model.activation,
  };
  return {
    context: {
      model,
      outputOffset: Float64Array.from(outputs, (o) => o.offset),
      outputScale: Float64Array.from(outputs, (o) => o.scale),
      targetMean: targetStats.mean,
      targetScale: targetStats.std,
      data: { inputs: standardise(inputs, inputStats), targets },
    },
    trainInputs: inputs,
    validation: {
      inputs: validationInputs,
      standardised: standardise(validationInputs, inputStats),
      targets: validationTargets,
    },
    inputStats,
  };
}
