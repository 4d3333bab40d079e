import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/core/rng';
import {
  backward,
  forward,
  initialParameters,
  parameterCount,
  predict,
  unflatten,
  type MlpSpec,
} from '../../../engine/train/mlp';

/** ℓ = Σ c_r · out_r for fixed c: its gradient is backward() of c. */
function loss(spec: MlpSpec, params: Float64Array, input: Float64Array, c: Float64Array): number {
  return predict(spec, params, input).reduce((sum, v, r) => sum + c[r] * v, 0);
}

describe('mlp', () => {
  it('counts parameters layer by layer (weights + biases)', () => {
    expect(parameterCount({ inputs: 2, hidden: [16], outputs: 1, activation: 'tanh' })).toBe(
      2 * 16 + 16 + 16 + 1,
    );
    expect(parameterCount({ inputs: 3, hidden: [], outputs: 2, activation: 'linear' })).toBe(8);
  });

  describe.each(['tanh', 'relu', 'linear'] as const)(
    '%s backward matches central differences',
    (activation) => {
      it.each([[[]], [[5]], [[4, 3]]])('hidden %j', (hidden) => {
        const spec: MlpSpec = { inputs: 3, hidden, outputs: 2, activation };
        const rng = createRng(7);
        const params = initialParameters(spec, rng).map((p) => p + 0.3 * rng.gaussian());
        const input = Float64Array.from([0.4, -1.2, 0.7]);
        const c = Float64Array.from([0.8, -1.5]);
        const gradient = new Float64Array(params.length);
        const inputGradient = backward(spec, params, forward(spec, params, input), c, gradient);
        const h = 1e-6;
        for (let i = 0; i < params.length; i++) {
          const up = params.slice();
          const down = params.slice();
          up[i] += h;
          down[i] -= h;
          const numeric = (loss(spec, up, input, c) - loss(spec, down, input, c)) / (2 * h);
          expect(gradient[i]).toBeCloseTo(numeric, 6);
        }
        for (let i = 0; i < input.length; i++) {
          const up = input.slice();
          const down = input.slice();
          up[i] += h;
          down[i] -= h;
          const numeric = (loss(spec, params, up, c) - loss(spec, params, down, c)) / (2 * h);
          expect(inputGradient[i]).toBeCloseTo(numeric, 6);
        }
      });
    },
  );

  it('unflattens into rows that reproduce the forward pass', () => {
    const spec: MlpSpec = { inputs: 2, hidden: [3], outputs: 1, activation: 'tanh' };
    const params = initialParameters(spec, createRng(1));
    const layers = unflatten(spec, params);
    const x = [0.5, -0.25];
    const hidden = layers[0].weights.map((row, r) =>
      Math.tanh(layers[0].bias[r] + row[0] * x[0] + row[1] * x[1]),
    );
    const out = layers[1].bias[0] + layers[1].weights[0].reduce((s, w, c) => s + w * hidden[c], 0);
    expect(predict(spec, params, x)[0]).toBeCloseTo(out, 14);
  });
});
