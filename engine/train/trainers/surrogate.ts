/**
 * `surrogate` — seed 000, second answer ("approximation with a neural network"): a
 * differentiable F̃_ρ(x, o), an MLP, optimised jointly with the model π on
 *
 *   L* = ‖Y − F̃_ρ(X, NN_π(X))‖² + λ ‖F̃_ρ(X, NN_π(X)) − F(X, NN_π(X))‖²
 *
 * by gradient descent on (π, ρ), F's value taken as a constant. By default the λ term trains
 * F̃ only (`agreementMovesModel: false`): measured on the rotation example, letting it move π
 * as well — the seed's literal joint descent — pulls π towards where F̃ already agrees with F
 * and stalls (bench/results/train.md has both rows). F is queried at the current
 * outputs plus exploration noise ε ~ N(0, exploration²) (in units of the model's raw output),
 * so F̃ also learns how F changes around them; the second term is evaluated at those noisy
 * points. Every answer also goes into a replay buffer on which F̃ takes `fitSteps` extra
 * steps per step (0 gives the seed's formula alone), and for the first `warmupSteps` steps
 * only F̃ learns, so π does not follow a random surrogate.
 *
 * F̃ works in standardised units: inputs [x̃, z] (standardised x, raw model output z),
 * output (y − mean)/std of the targets, so both terms are the run's standardised loss.
 */
import { backward, forward, initialParameters, parameterCount, type MlpSpec } from '../mlp';
import { defineTrainer, type Told, type TrainContext } from '../trainer';
import { adamStep, initialAdam, type AdamState } from '../adam-step';
import { sampleLoss, toOutputs } from '../loss';

type SurrogateOptions = {
  lambda: number;
  exploration: number;
  learningRate: number;
  surrogateRate: number;
  surrogateHidden: number;
  surrogateLayers: number;
  fitSteps: number;
  fitBatch: number;
  bufferSize: number;
  warmupSteps: number;
  agreementMovesModel: boolean;
};

export interface SurrogateState {
  options: SurrogateOptions;
  weights: Float64Array;
  adam: AdamState;
  surrogate: Float64Array;
  surrogateAdam: AdamState;
  /** Replay buffer: F̃'s inputs [x̃, z] and standardised answers, a ring of bufferSize entries. */
  bufferInputs: Float64Array[];
  bufferOutputs: Float64Array[];
  bufferNext: number;
  /** Raw outputs z + ε the last ask sent to F, per batch sample. */
  queried: Float64Array[];
  steps: number;
}

const options = {
  lambda: { default: 5, min: 0, description: 'λ: weight of the surrogate’s fit to F in L*' },
  exploration: {
    default: 0.1,
    min: 0,
    description: 'std of the noise added to the model outputs where F is queried (units of the raw output)',
  },
  learningRate: { default: 0.01, min: 1e-9, description: 'Adam learning rate for the model weights π' },
  surrogateRate: { default: 0.01, min: 1e-9, description: 'Adam learning rate for the surrogate weights ρ' },
  surrogateHidden: { default: 32, min: 1, integer: true, description: 'hidden units per layer of F̃' },
  surrogateLayers: { default: 2, min: 1, integer: true, description: 'hidden tanh layers of F̃' },
  fitSteps: {
    default: 5,
    min: 0,
    integer: true,
    description: 'extra Adam steps of F̃ per step on replayed answers (0: the seed’s L* alone)',
  },
  fitBatch: { default: 64, min: 1, integer: true, description: 'replayed answers per extra F̃ step' },
  bufferSize: { default: 2048, min: 1, integer: true, description: 'answers of F kept for replay' },
  agreementMovesModel: {
    default: false,
    description:
      'let the λ term’s gradient move π too, as in the seed’s joint descent on L* (false: it trains F̃ only)',
  },
  warmupSteps: {
    default: 10,
    min: 0,
    integer: true,
    description: 'first steps in which only F̃ learns (π waits for a surrogate worth following)',
  },
};

function surrogateSpec(context: TrainContext, o: SurrogateOptions): MlpSpec {
  return {
    inputs: context.model.inputs + context.model.outputs,
    hidden: Array.from({ length: o.surrogateLayers }, () => o.surrogateHidden),
    outputs: context.targetMean.length,
    activation: 'tanh',
  };
}

function standardised(context: TrainContext, y: ArrayLike<number>): Float64Array {
  return Float64Array.from(context.targetMean, (mean, j) => (y[j] - mean) / context.targetScale[j]);
}

function joined(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Adds (2/m)·weight·(out − target) to a fresh output gradient. */
function squaredErrorGradient(out: Float64Array, target: ArrayLike<number>, weight: number): Float64Array {
  const m = out.length;
  return out.map((v, j) => ((2 * weight) / m) * (v - target[j]));
}

export const surrogate = defineTrainer<SurrogateState, SurrogateOptions>({
  id: 'surrogate',
  title: 'Learned surrogate F̃ (joint L*)',
  summary:
    'Fits an MLP F̃(x, o) to F’s answers and trains the model through it, jointly on L* = ‖Y − F̃‖² + λ‖F̃ − F‖²; one call of F per sample.',
  reference: 'seed 000, answer 2 ("approximation with a neural network", the joint loss L*)',
  options,
  init(rng, context, opts, weights) {
    const spec = surrogateSpec(context, opts);
    return {
      options: opts,
      weights,
      adam: initialAdam(weights.length),
      surrogate: initialParameters(spec, rng),
      surrogateAdam: initialAdam(parameterCount(spec)),
      bufferInputs: [],
      bufferOutputs: [],
      bufferNext: 0,
      queried: [],
      steps: 0,
    };
  },
  ask(rng, context, state, batch) {
    const queried = batch.map((sample) => {
      const trace = forward(context.model, state.weights, context.data.inputs[sample]);
      return trace[trace.length - 1].map((z) => z + state.options.exploration * rng.gaussian());
    });
    const queries = batch.map((sample, b) => ({ sample, o: toOutputs(context, queried[b]) }));
    return { queries, state: { ...state, queried } };
  },
  tell(rng, context, state, batch, _queries, answers): Told<SurrogateState> {
    const o = state.options;
    const spec = surrogateSpec(context, o);
    const d = context.model.inputs;
    const k = context.model.outputs;
    const bufferInputs = state.bufferInputs.slice();
    const bufferOutputs = state.bufferOutputs.slice();
    let bufferNext = state.bufferNext;
    const modelGradient = new Float64Array(state.weights.length);
    const surrogateGradient = new Float64Array(state.surrogate.length);
    const losses: number[] = [];
    batch.forEach((sample, b) => {
      const y = answers[b].y;
      if (!y) return; // dropped: F failed at this sample's point
      const x = context.data.inputs[sample];
      losses.push(sampleLoss(y, context.data.targets[sample], context.targetScale));
      const observed = standardised(context, y);
      const queriedInput = joined(x, state.queried[b]);
      bufferInputs[bufferNext] = queriedInput;
      bufferOutputs[bufferNext] = observed;
      bufferNext = (bufferNext + 1) % o.bufferSize;
      // ‖Y − F̃(x, z)‖² at the model's own output z, and λ‖F̃ − F‖² where F answered.
      const modelTrace = forward(context.model, state.weights, x);
      const z = modelTrace[modelTrace.length - 1];
      const fitTrace = forward(spec, state.surrogate, joined(x, z));
      const fitOut = fitTrace[fitTrace.length - 1];
      const targetTerm = backward(
        spec,
        state.surrogate,
        fitTrace,
        squaredErrorGradient(fitOut, standardised(context, context.data.targets[sample]), 1),
        surrogateGradient,
      );
      const agreeTrace = forward(spec, state.surrogate, queriedInput);
      const agreeTerm = backward(
        spec,
        state.surrogate,
        agreeTrace,
        squaredErrorGradient(agreeTrace[agreeTrace.length - 1], observed, o.lambda),
        surrogateGradient,
      );
      // z + ε moves with z, so both terms reach π through the surrogate's input slope.
      const dz = new Float64Array(k);
      for (let j = 0; j < k; j++) dz[j] = targetTerm[d + j] + (o.agreementMovesModel ? agreeTerm[d + j] : 0);
      backward(context.model, state.weights, modelTrace, dz, modelGradient);
    });
    const used = losses.length;
    const dropped = batch.length - used;
    let { weights, adam, surrogate: rho, surrogateAdam } = state;
    if (used) {
      for (let i = 0; i < modelGradient.length; i++) modelGradient[i] /= used;
      for (let i = 0; i < surrogateGradient.length; i++) surrogateGradient[i] /= used;
      if (state.steps >= o.warmupSteps)
        ({ params: weights, state: adam } = adamStep(weights, modelGradient, adam, o.learningRate));
      ({ params: rho, state: surrogateAdam } = adamStep(
        rho,
        surrogateGradient,
        surrogateAdam,
        o.surrogateRate,
      ));
    }
    // Replay: plain fits of F̃ to answers seen, so it stays right where π has been.
    let fitLoss = Number.NaN;
    for (let step = 0; step < o.fitSteps && bufferInputs.length; step++) {
      const gradient = new Float64Array(rho.length);
      let total = 0;
      const count = Math.min(o.fitBatch, bufferInputs.length);
      for (let n = 0; n < count; n++) {
        const entry = rng.integer(bufferInputs.length);
        const trace = forward(spec, rho, bufferInputs[entry]);
        const out = trace[trace.length - 1];
        total += sampleLoss(
          out,
          bufferOutputs[entry],
          out.map(() => 1),
        );
        backward(spec, rho, trace, squaredErrorGradient(out, bufferOutputs[entry], 1 / count), gradient);
      }
      fitLoss = total / count;
      ({ params: rho, state: surrogateAdam } = adamStep(rho, gradient, surrogateAdam, o.surrogateRate));
    }
    return {
      state: {
        ...state,
        weights,
        adam,
        surrogate: rho,
        surrogateAdam,
        bufferInputs,
        bufferOutputs,
        bufferNext,
        queried: [],
        steps: state.steps + 1,
      },
      metrics: {
        trainLoss: used ? losses.reduce((a, b) => a + b, 0) / used : Number.NaN,
        dropped,
        surrogateLoss: fitLoss,
      },
    };
  },
  weights: (state) => state.weights,
});
