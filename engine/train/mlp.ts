/**
 * A small multilayer perceptron with hand-written backpropagation: the model NN_π of
 * `evobox train` and the surrogate F̃_ρ. At these sizes (a few inputs, tens of hidden
 * units) a plain loop over Float64Arrays costs well under a microsecond per sample for
 * forward + backward, where a tensor library spends tens of microseconds per op launch
 * (bench/train.ts measures both).
 *
 * Parameters are one flat Float64Array, layer after layer: W (rows = outputs of the layer,
 * row-major) then b. Hidden layers use the activation; the output layer is linear.
 */
import type { Rng } from '../core/rng';

export const activations = ['tanh', 'relu', 'linear'] as const;
export type Activation = (typeof activations)[number];

export interface MlpSpec {
  inputs: number;
  hidden: number[];
  outputs: number;
  activation: Activation;
}

/** Layer widths from input to output. */
export function layerSizes(spec: MlpSpec): number[] {
  return [spec.inputs, ...spec.hidden, spec.outputs];
}

export function parameterCount(spec: MlpSpec): number {
  const sizes = layerSizes(spec);
  let count = 0;
  for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l + 1] * (sizes[l] + 1);
  return count;
}

/**
 * Glorot-normal weights (std √(2/(fan_in + fan_out))), zero biases: activations keep their
 * scale through tanh layers at initialisation.
 */
export function initialParameters(spec: MlpSpec, rng: Rng): Float64Array {
  const sizes = layerSizes(spec);
  const params = new Float64Array(parameterCount(spec));
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const std = Math.sqrt(2 / (fanIn + fanOut));
    for (let i = 0; i < fanIn * fanOut; i++) params[offset + i] = std * rng.gaussian();
    offset += fanIn * fanOut + fanOut;
  }
  return params;
}

/** Applies the activation in place (one branch per layer, not per unit). */
function applyActivation(activation: Activation, values: Float64Array): void {
  if (activation === 'tanh') for (let i = 0; i < values.length; i++) values[i] = Math.tanh(values[i]);
  else if (activation === 'relu')
    for (let i = 0; i < values.length; i++) values[i] = values[i] > 0 ? values[i] : 0;
}

/** The activation's derivative, from its output a (tanh' = 1 − a², relu' = [a > 0]). */
function activationSlope(activation: Activation, output: number): number {
  if (activation === 'tanh') return 1 - output * output;
  if (activation === 'relu') return output > 0 ? 1 : 0;
  return 1;
}

/** Every layer's output for one sample (index 0 is the input), kept for backward(). */
export type Trace = Float64Array[];

export function forward(spec: MlpSpec, params: ArrayLike<number>, input: ArrayLike<number>): Trace {
  const sizes = layerSizes(spec);
  const trace: Trace = [Float64Array.from(input)];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const previous = trace[l];
    const out = new Float64Array(fanOut);
    const biasOffset = offset + fanIn * fanOut;
    const last = l + 2 === sizes.length;
    for (let r = 0; r < fanOut; r++) {
      let sum = params[biasOffset + r];
      const row = offset + r * fanIn;
      for (let c = 0; c < fanIn; c++) sum += params[row + c] * previous[c];
      out[r] = sum;
    }
    if (!last) applyActivation(spec.activation, out);
    trace.push(out);
    offset = biasOffset + fanOut;
  }
  return trace;
}

/** The network's output for one sample. */
export function predict(spec: MlpSpec, params: ArrayLike<number>, input: ArrayLike<number>): Float64Array {
  const trace = forward(spec, params, input);
  return trace[trace.length - 1];
}

/**
 * Backpropagates ∂ℓ/∂output through one sample's trace: adds ∂ℓ/∂params into `gradient`
 * (accumulating over a minibatch) and returns ∂ℓ/∂input.
 */
export function backward(
  spec: MlpSpec,
  params: ArrayLike<number>,
  trace: Trace,
  outputGradient: ArrayLike<number>,
  gradient: Float64Array,
): Float64Array {
  const sizes = layerSizes(spec);
  const offsets: number[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    offsets.push(offset);
    offset += sizes[l + 1] * (sizes[l] + 1);
  }
  let delta = Float64Array.from(outputGradient); // ∂ℓ/∂(pre-activation) of the current layer
  for (let l = sizes.length - 2; l >= 0; l--) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const previous = trace[l];
    const weights = offsets[l];
    const biases = weights + fanIn * fanOut;
    const below = new Float64Array(fanIn);
    for (let r = 0; r < fanOut; r++) {
      const d = delta[r];
      gradient[biases + r] += d;
      const row = weights + r * fanIn;
      for (let c = 0; c < fanIn; c++) {
        gradient[row + c] += d * previous[c];
        below[c] += d * params[row + c];
      }
    }
    if (l > 0) for (let c = 0; c < fanIn; c++) below[c] *= activationSlope(spec.activation, previous[c]);
    delta = below;
  }
  return delta;
}

/** The layers as nested arrays (the exported model's form). */
export function unflatten(
  spec: MlpSpec,
  params: ArrayLike<number>,
): { weights: number[][]; bias: number[] }[] {
  const sizes = layerSizes(spec);
  const layers: { weights: number[][]; bias: number[] }[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const weights: number[][] = [];
    for (let r = 0; r < fanOut; r++)
      weights.push(Array.from({ length: fanIn }, (_, c) => params[offset + r * fanIn + c]));
    const bias = Array.from({ length: fanOut }, (_, r) => params[offset + fanIn * fanOut + r]);
    layers.push({ weights, bias });
    offset += fanOut * (fanIn + 1);
  }
  return layers;
}
