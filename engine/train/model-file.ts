/**
 * The trained model as a file: architecture, weights and the input standardisation, all a
 * reader needs to compute o = offset + scale ⊙ NN((x − mean)/std). `evobox predict`, the
 * exported model.mjs and model.py implement exactly `predictWithModel` below.
 */
import { unflatten, type Activation, type MlpSpec } from './mlp';

export interface ModelFile {
  format: 'evobox-model';
  version: 1;
  inputs: string[];
  outputs: { name: string; offset: number; scale: number }[];
  inputMean: number[];
  inputStd: number[];
  activation: Activation;
  /** Layers from input to output: weights[r][c] maps input c to unit r; the last layer is linear. */
  layers: { weights: number[][]; bias: number[] }[];
  /** Provenance: the trainer and the validation loss it reached (standardised MSE). */
  trainer: string;
  step: number;
  validationLoss: number | null;
}

export function buildModelFile(fields: {
  spec: MlpSpec;
  weights: ArrayLike<number>;
  inputs: string[];
  outputs: { name: string; offset: number; scale: number }[];
  inputMean: ArrayLike<number>;
  inputStd: ArrayLike<number>;
  trainer: string;
  step: number;
  validationLoss: number | null;
}): ModelFile {
  return {
    format: 'evobox-model',
    version: 1,
    inputs: fields.inputs,
    outputs: fields.outputs,
    inputMean: Array.from(fields.inputMean),
    inputStd: Array.from(fields.inputStd),
    activation: fields.spec.activation,
    layers: unflatten(fields.spec, fields.weights),
    trainer: fields.trainer,
    step: fields.step,
    validationLoss:
      fields.validationLoss !== null && Number.isFinite(fields.validationLoss) ? fields.validationLoss : null,
  };
}

function activate(activation: Activation, v: number): number {
  return activation === 'tanh' ? Math.tanh(v) : activation === 'relu' ? Math.max(0, v) : v;
}

/** The model's outputs o for one row of inputs x (in the data's units, the model's input order). */
export function predictWithModel(model: ModelFile, x: ArrayLike<number>): number[] {
  let values = Array.from(model.inputs, (_, i) => (x[i] - model.inputMean[i]) / model.inputStd[i]);
  model.layers.forEach((layer, l) => {
    const last = l === model.layers.length - 1;
    values = layer.weights.map((row, r) => {
      let sum = layer.bias[r];
      for (let c = 0; c < row.length; c++) sum += row[c] * values[c];
      return last ? sum : activate(model.activation, sum);
    });
  });
  return values.map((z, j) => model.outputs[j].offset + model.outputs[j].scale * z);
}

/** Checks a parsed JSON value is a model file, naming the first field that is not. */
export function checkModelFile(value: unknown, label: string): ModelFile {
  const model = value as Partial<ModelFile> | null;
  const fail = (what: string) => {
    throw new Error(`${label}: ${what}`);
  };
  if (!model || typeof model !== 'object' || model.format !== 'evobox-model')
    fail('not an evobox model (expected "format": "evobox-model")');
  const m = model as ModelFile;
  if (!Array.isArray(m.inputs) || !m.inputs.every((n) => typeof n === 'string'))
    fail('inputs must be column names');
  if (!Array.isArray(m.layers) || m.layers.length === 0) fail('layers must be a non-empty array');
  if (!Array.isArray(m.inputMean) || m.inputMean.length !== m.inputs.length)
    fail('inputMean must have one entry per input');
  if (!Array.isArray(m.inputStd) || m.inputStd.length !== m.inputs.length)
    fail('inputStd must have one entry per input');
  if (!Array.isArray(m.outputs) || m.outputs.length !== m.layers[m.layers.length - 1].bias.length)
    fail('outputs must have one entry per unit of the last layer');
  return m;
}
