/**
 * L-GSO-style local surrogate search.
 *
 * After Shirobokov, Belavin, Kagan, Ustyuzhanin & Baydin (2020), "Black-Box Optimization
 * with Local Generative Surrogates", NeurIPS, arXiv:2002.04632 (seed document 002). L-GSO
 * trains a differentiable surrogate S(ψ) of the simulator on samples from a neighbourhood
 * U_ε(ψ) of the current parameters, reuses earlier samples that fall inside that
 * neighbourhood, and steps ψ along ∇_ψ S. The paper's surrogates are deep generative
 * models of a stochastic simulator's output; evobox objectives return one number, so the
 * surrogate here is a regression model of f, in normalised offsets d = (x − ψ)/w:
 *
 *   - `model: "quadratic"` (default): separable quadratic ridge regression
 *       S(ψ + w⊙d) = w₀ + Σ_k b_k d_k + Σ_k q_k d_k²                     Eq. (quadratic model)
 *     2n + 1 coefficients, fitted in closed form (primal or dual ridge normal equations,
 *     whichever system is smaller), so it works with fewer samples than coefficients;
 *     the squares absorb curvature that would otherwise bias the slopes b = ∇S(ψ);
 *   - `model: "linear"`: the same without the squares;
 *   - `model: "mlp"`: one hidden tanh layer, S(d) = w₂ᵀ tanh(W₁ d + b₁) + b₂, trained on
 *     the region's samples by full-batch Adam (Kingma & Ba 2015) for `trainingSteps` steps
 *     per generation with hand-written backpropagation, warm-started from the previous
 *     generation's weights. Its first layer can learn the few directions that matter (the
 *     paper's "parameters on a low-dimensional manifold"), at a training cost of about
 *     trainingSteps × samples-in-region × hiddenUnits × n multiply-adds per generation.
 *
 * Step and trust region: with g = ∇S(ψ) the trial point is
 *   ψ' = ψ − ε g/|g|                                                            Eq. (step)
 * (`direction: "adam"` replaces g by Adam's m̂/√v̂ over the successive surrogate gradients,
 * the paper's optimiser). If f(ψ') ≤ f(ψ) the step is taken and ε grows (×expansion; ties
 * count, so plateaus are crossed); otherwise ψ stays and ε shrinks (×contraction) — the
 * trust-region rule, which lets the method converge to the precision of the model instead
 * of stalling at a fixed neighbourhood size. A region whose samples all have the same value
 * gives no direction; ε then grows until the samples see a slope.
 *
 * Samples and reuse: each generation evaluates the trial point and `samples` points drawn
 * uniformly from a box around it (around ψ in generation 0), as the paper samples U_ε. The
 * box has half-width ε·√(3/n), so its samples lie at RMS distance ε — the step length — and
 * the model describes f on the scale it is used at (a box of half-width ε would spread the
 * samples √(n/3) times wider than the step). The surrogate is fitted on every stored sample
 * within distance reuse·ε of ψ; the history is bounded (`history`, oldest dropped first).
 * Because of the reuse, very few new samples per generation suffice: the default 2 makes
 * each trust-region iteration cost 3 evaluations (measured on the 10-D sphere and on
 * Rosenbrock, 10-D, and degenerate Rosenbrock, 100-D: 2 beat 4, 10 and 17).
 */
import { defineStrategy, type InitContext, type OptionSpecs, type TellResult } from '../core/strategy';
import type { Rng } from '../core/rng';
import { adamDirection, updateFirstMoment, updateSecondMoment } from './shared/adam';
import { flooredScales } from './shared/std-dev-floor';

export interface LgsoState {
  centre: Float64Array;
  /** f(centre); NaN until generation 0 is told. */
  centreFitness: number;
  /** Trust-region radius ε (internal units, Euclidean). */
  radius: number;
  /** Step evaluated in the pending generation, or null (then the generation only samples). */
  trial: Float64Array | null;
  historyPoints: Float64Array[];
  historyValues: number[];
  /** MLP weights [W₁ (H×n), b₁ (H), w₂ (H), b₂], warm-started across generations; empty otherwise. */
  network: Float64Array;
  /** Adam moments of the step direction (`direction: "adam"`). */
  firstMoment: Float64Array;
  secondMoment: Float64Array;
  directionSteps: number;
  successes: number;
  failures: number;
  options: LgsoOptions;
  stdDevFloor: Float64Array | null;
}

const options = {
  model: {
    default: 'quadratic',
    choices: ['quadratic', 'linear', 'mlp'],
    description:
      'surrogate: separable quadratic ridge regression, linear ridge regression, or a one-hidden-layer MLP',
  },
  stepSize: {
    default: 0.05,
    min: 1e-12,
    description:
      'initial trust-region radius ε (step length), internal units (1 = a bounded parameter’s range)',
  },
  samples: {
    default: 2,
    min: 1,
    integer: true,
    description:
      'new samples per generation around the trial point (reused samples from earlier generations add to them)',
  },
  history: {
    default: 200,
    dimensionDefault: (n: number) => Math.max(100, 4 * (n + 1)),
    defaultText: 'max(100, 4(n + 1))',
    min: 10,
    integer: true,
    description:
      'stored samples (oldest dropped first); those inside the region are reused for the surrogate',
  },
  reuse: {
    default: 2,
    min: 1,
    description: 'samples within reuse·ε of the current point train the surrogate',
  },
  ridge: {
    default: 1e-3,
    min: 1e-12,
    description: 'ridge penalty of the regression models, relative to the number of samples',
  },
  expansion: { default: 2, min: 1, description: 'trust-region growth factor after a successful step' },
  contraction: {
    default: 0.5,
    min: 0.01,
    max: 1,
    description: 'trust-region shrink factor after a failed step',
  },
  hiddenUnits: { default: 16, min: 1, integer: true, description: 'hidden tanh units of the MLP surrogate' },
  trainingSteps: {
    default: 200,
    min: 1,
    integer: true,
    description: 'Adam steps per generation for the MLP surrogate (full batch, warm-started)',
  },
  trainingRate: { default: 0.01, min: 1e-6, description: 'Adam learning rate for the MLP surrogate' },
  direction: {
    default: 'gradient',
    choices: ['gradient', 'adam'],
    description:
      'step direction: the surrogate gradient, or Adam over successive surrogate gradients (the paper)',
  },
  beta1: { default: 0.9, min: 0, max: 0.999, description: 'Adam first-moment decay (direction: adam)' },
  beta2: { default: 0.999, min: 0, max: 0.999999, description: 'Adam second-moment decay (direction: adam)' },
} satisfies OptionSpecs;

export type LgsoOptions = {
  model: string;
  stepSize: number;
  samples: number;
  history: number;
  reuse: number;
  ridge: number;
  expansion: number;
  contraction: number;
  hiddenUnits: number;
  trainingSteps: number;
  trainingRate: number;
  direction: string;
  beta1: number;
  beta2: number;
};

/** Sampling half-widths per coordinate for radius ε (raised to integer parameters' floors). */
function halfWidths(state: LgsoState, radius: number): Float64Array {
  const n = state.centre.length;
  // Uniform samples in a box of half-width w lie at RMS distance w·√(n/3) from its centre.
  return flooredScales(n, radius * Math.sqrt(3 / n), state.stdDevFloor);
}

function sampleBox(rng: Rng, around: Float64Array, widths: Float64Array): Float64Array {
  return Float64Array.from(around, (v, k) => v + widths[k] * (2 * rng.uniform() - 1));
}

/** Solves the symmetric positive-definite system A x = b (A row-major m×m) by Cholesky. */
export function solveSpd(matrix: Float64Array, rhs: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * m + j];
      for (let k = 0; k < j; k++) sum -= l[i * m + k] * l[j * m + k];
      if (i === j) l[i * m + i] = Math.sqrt(Math.max(sum, 1e-300));
      else l[i * m + j] = sum / l[j * m + j];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = rhs[i];
    for (let k = 0; k < i; k++) sum -= l[i * m + k] * y[k];
    y[i] = sum / l[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < m; k++) sum -= l[k * m + i] * x[k];
    x[i] = sum / l[i * m + i];
  }
  return x;
}

/**
 * Ridge regression without intercept on centred data: w = (ΦᵀΦ + λI)⁻¹Φᵀy, computed as
 * Φᵀ(ΦΦᵀ + λI)⁻¹y when there are fewer rows than features (the same solution).
 */
export function ridgeRegression(
  features: Float64Array[],
  targets: Float64Array,
  lambda: number,
): Float64Array {
  const rows = features.length;
  const p = features[0].length;
  if (rows >= p) {
    const gram = new Float64Array(p * p);
    const rhs = new Float64Array(p);
    for (let r = 0; r < rows; r++) {
      const phi = features[r];
      for (let i = 0; i < p; i++) {
        rhs[i] += phi[i] * targets[r];
        for (let j = 0; j <= i; j++) gram[i * p + j] += phi[i] * phi[j];
      }
    }
    for (let i = 0; i < p; i++) {
      gram[i * p + i] += lambda;
      for (let j = 0; j < i; j++) gram[j * p + i] = gram[i * p + j];
    }
    return solveSpd(gram, rhs, p);
  }
  const kernel = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b <= a; b++) {
      let sum = 0;
      for (let i = 0; i < p; i++) sum += features[a][i] * features[b][i];
      kernel[a * rows + b] = sum;
      kernel[b * rows + a] = sum;
    }
    kernel[a * rows + a] += lambda;
  }
  const dual = solveSpd(kernel, targets, rows);
  const w = new Float64Array(p);
  for (let r = 0; r < rows; r++) for (let i = 0; i < p; i++) w[i] += dual[r] * features[r][i];
  return w;
}

interface RegionData {
  /** Normalised inputs d = (x − ψ)/width ∈ [−1, 1]ⁿ. */
  inputs: Float64Array[];
  /** Standardised targets (zero mean, unit variance). */
  targets: Float64Array;
  targetScale: number;
  widths: Float64Array;
}

function regionData(state: LgsoState): RegionData | 'too-few' | 'flat' {
  const widths = halfWidths(state, state.radius * state.options.reuse);
  const n = state.centre.length;
  // A ball, not a box: in many dimensions a box rejects a point for its worst coordinate
  // alone, so hardly any sample from a neighbouring region would be reused. In units of the
  // widths, the region's samples have RMS norm √(n/3); the ball has that radius.
  const limit = n / 3;
  const inputs: Float64Array[] = [];
  const values: number[] = [];
  state.historyPoints.forEach((point, index) => {
    const d = new Float64Array(n);
    let squared = 0;
    for (let k = 0; k < n; k++) {
      d[k] = (point[k] - state.centre[k]) / widths[k];
      squared += d[k] * d[k];
    }
    if (squared > limit) return;
    inputs.push(d);
    values.push(state.historyValues[index]);
  });
  if (inputs.length < Math.min(state.options.samples, 3) + 1) return 'too-few';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const targetScale = Math.sqrt(variance / values.length);
  if (!(targetScale > 0)) return 'flat';
  return { inputs, targets: Float64Array.from(values, (v) => (v - mean) / targetScale), targetScale, widths };
}

/** Gradient of the regression surrogate at d = 0, in normalised units (∂S/∂d). */
function regressionGradient(data: RegionData, quadratic: boolean, ridge: number): Float64Array {
  const n = data.widths.length;
  const p = quadratic ? 2 * n : n;
  // Centre each feature column so the intercept drops out of the ridge problem.
  const means = new Float64Array(p);
  const features = data.inputs.map((d) => {
    const phi = new Float64Array(p);
    for (let k = 0; k < n; k++) {
      phi[k] = d[k];
      if (quadratic) phi[n + k] = d[k] * d[k];
    }
    for (let i = 0; i < p; i++) means[i] += phi[i] / data.inputs.length;
    return phi;
  });
  for (const phi of features) for (let i = 0; i < p; i++) phi[i] -= means[i];
  const w = ridgeRegression(features, data.targets, ridge * features.length); // Eq. (quadratic model)
  // ∂/∂d_k (b_k d_k + q_k d_k²) at d = 0 is b_k.
  return w.subarray(0, n).slice();
}

function networkSize(n: number, hidden: number): number {
  return hidden * n + 2 * hidden + 1;
}

/** Small random initial MLP weights (Glorot-like scale), from the strategy's generator. */
function initialNetwork(rng: Rng, n: number, hidden: number): Float64Array {
  const weights = new Float64Array(networkSize(n, hidden));
  const inputScale = 1 / Math.sqrt(n);
  const outputScale = 1 / Math.sqrt(hidden);
  for (let i = 0; i < hidden * n; i++) weights[i] = inputScale * rng.gaussian();
  const w2 = hidden * n + hidden;
  for (let h = 0; h < hidden; h++) weights[w2 + h] = outputScale * rng.gaussian();
  return weights;
}

/** The MLP surrogate's output S(d) = w₂ᵀ tanh(W₁ d + b₁) + b₂. */
export function evaluateNetwork(weights: Float64Array, d: ArrayLike<number>, hidden: number): number {
  const n = d.length;
  const b1 = hidden * n;
  const w2 = b1 + hidden;
  let output = weights[w2 + hidden];
  for (let h = 0; h < hidden; h++) {
    let z = weights[b1 + h];
    for (let k = 0; k < n; k++) z += weights[h * n + k] * d[k];
    output += weights[w2 + h] * Math.tanh(z);
  }
  return output;
}

/**
 * Trains the MLP on the region's samples (mean squared error, full-batch Adam) and returns
 * the trained weights and ∂S/∂d at d = 0 = W₁ᵀ (w₂ ⊙ (1 − tanh²(b₁))).
 */
export function trainNetwork(
  initial: Float64Array,
  inputs: Float64Array[],
  targets: Float64Array,
  hidden: number,
  steps: number,
  rate: number,
): { weights: Float64Array; gradient: Float64Array } {
  const n = inputs[0].length;
  const weights = Float64Array.from(initial);
  const size = weights.length;
  const b1 = hidden * n;
  const w2 = b1 + hidden;
  const b2 = w2 + hidden;
  const firstMoment = new Float64Array(size);
  const secondMoment = new Float64Array(size);
  const grad = new Float64Array(size);
  const activation = new Float64Array(hidden);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const rows = inputs.length;
  for (let step = 1; step <= steps; step++) {
    grad.fill(0);
    for (let r = 0; r < rows; r++) {
      const d = inputs[r];
      let output = weights[b2];
      for (let h = 0; h < hidden; h++) {
        let z = weights[b1 + h];
        const row = h * n;
        for (let k = 0; k < n; k++) z += weights[row + k] * d[k];
        activation[h] = Math.tanh(z);
        output += weights[w2 + h] * activation[h];
      }
      const error = (2 * (output - targets[r])) / rows; // ∂(mean squared error)/∂output
      grad[b2] += error;
      for (let h = 0; h < hidden; h++) {
        grad[w2 + h] += error * activation[h];
        const back = error * weights[w2 + h] * (1 - activation[h] * activation[h]);
        grad[b1 + h] += back;
        const row = h * n;
        for (let k = 0; k < n; k++) grad[row + k] += back * d[k];
      }
    }
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let i = 0; i < size; i++) {
      firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * grad[i];
      secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * grad[i] * grad[i];
      weights[i] -=
        (rate * (firstMoment[i] / correction1)) / (Math.sqrt(secondMoment[i] / correction2) + 1e-8);
    }
  }
  const gradient = new Float64Array(n);
  for (let h = 0; h < hidden; h++) {
    const slope = weights[w2 + h] * (1 - Math.tanh(weights[b1 + h]) ** 2);
    const row = h * n;
    for (let k = 0; k < n; k++) gradient[k] += slope * weights[row + k];
  }
  return { weights, gradient };
}

/** Fits the surrogate around the centre and sets the next trial point (or none). */
function planStep(state: LgsoState): LgsoState {
  const data = regionData(state);
  // Too few samples in the region: the next generation only samples. A flat region (every
  // value equal: a plateau, or a step function's tread) gives no direction: look wider.
  if (data === 'too-few') return { ...state, trial: null };
  if (data === 'flat') return { ...state, trial: null, radius: state.radius * state.options.expansion };
  const o = state.options;
  let normalised: Float64Array;
  let network = state.network;
  if (o.model === 'mlp') {
    const trained = trainNetwork(
      network,
      data.inputs,
      data.targets,
      o.hiddenUnits,
      o.trainingSteps,
      o.trainingRate,
    );
    network = trained.weights;
    normalised = trained.gradient;
  } else {
    normalised = regressionGradient(data, o.model === 'quadratic', o.ridge);
  }
  // Back to internal units: ∂S/∂x_k = targetScale · (∂S/∂d_k) / width_k.
  const gradient = Float64Array.from(normalised, (g, k) => (data.targetScale * g) / data.widths[k]);
  let norm = 0;
  for (const g of gradient) norm += g * g;
  norm = Math.sqrt(norm);
  if (!(norm > 0) || !Number.isFinite(norm)) return { ...state, network, trial: null };
  let direction: Float64Array = Float64Array.from(gradient, (g) => g / norm);
  let firstMoment = state.firstMoment;
  let secondMoment = state.secondMoment;
  const directionSteps = state.directionSteps + 1;
  if (o.direction === 'adam') {
    // Adam on the unit surrogate gradients: their scale changes with the region, the direction should not.
    firstMoment = updateFirstMoment(firstMoment, direction, o.beta1);
    secondMoment = updateSecondMoment(secondMoment, direction, o.beta2);
    direction = adamDirection(firstMoment, secondMoment, directionSteps, o.beta1, o.beta2, 1e-12);
  }
  let length = 0;
  for (const u of direction) length += u * u;
  length = Math.sqrt(length);
  if (!(length > 0)) return { ...state, network, trial: null };
  const trial = Float64Array.from(state.centre, (v, k) => v - (state.radius * direction[k]) / length); // Eq. (step)
  return { ...state, network, trial, firstMoment, secondMoment, directionSteps };
}

export const lgso = defineStrategy<LgsoState, LgsoOptions>({
  id: 'lgso',
  title: 'L-GSO (local surrogate search)',
  summary:
    'Fits a local differentiable surrogate (quadratic ridge model or small MLP) to samples in a trust region, ' +
    'reusing earlier samples inside it, and steps along the surrogate gradient; the region grows on success ' +
    'and shrinks on failure. Sample-efficient when the objective varies in few directions (seed 002).',
  reference: 'Shirobokov et al. 2020, arXiv:2002.04632 (L-GSO); seed 002',
  options,

  init(rng, start, opts, context?: InitContext): LgsoState {
    const n = start.length;
    return {
      centre: Float64Array.from(start),
      centreFitness: Number.NaN,
      radius: opts.stepSize,
      trial: null,
      historyPoints: [],
      historyValues: [],
      network: opts.model === 'mlp' ? initialNetwork(rng, n, opts.hiddenUnits) : new Float64Array(0),
      firstMoment: new Float64Array(n),
      secondMoment: new Float64Array(n),
      directionSteps: 0,
      successes: 0,
      failures: 0,
      options: { ...opts },
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null,
    };
  },

  ask(rng, state) {
    const widths = halfWidths(state, state.radius);
    const candidates: Float64Array[] = [];
    if (Number.isNaN(state.centreFitness)) candidates.push(Float64Array.from(state.centre));
    else if (state.trial) candidates.push(Float64Array.from(state.trial));
    const around = state.trial ?? state.centre;
    for (let s = 0; s < state.options.samples; s++) candidates.push(sampleBox(rng, around, widths));
    return { candidates, state };
  },

  tell(state, candidates, fitness): TellResult<LgsoState> {
    const o = state.options;
    const historyPoints = [...state.historyPoints, ...candidates.map((c) => Float64Array.from(c))];
    const historyValues = [...state.historyValues, ...fitness];
    const excess = Math.max(0, historyPoints.length - o.history);
    let next: LgsoState = {
      ...state,
      historyPoints: historyPoints.slice(excess),
      historyValues: historyValues.slice(excess),
    };
    if (Number.isNaN(state.centreFitness)) {
      next.centreFitness = fitness[0];
    } else if (state.trial) {
      if (fitness[0] <= state.centreFitness) {
        next = {
          ...next,
          centre: Float64Array.from(state.trial),
          centreFitness: fitness[0],
          radius: state.radius * o.expansion,
          successes: state.successes + 1,
        };
      } else {
        next = { ...next, radius: state.radius * o.contraction, failures: state.failures + 1 };
      }
    }
    next = planStep(next);
    return {
      state: next,
      metrics: {
        trustRadius: next.radius,
        successRate: next.successes / Math.max(1, next.successes + next.failures),
      },
    };
  },

  distribution(state) {
    // Uniform samples in a box of half-width w have standard deviation w/√3 per coordinate
    // (w = ε·√(3/n), so ε/√n: the samples lie at RMS distance ε).
    return {
      mean: state.centre,
      stdDevs: Float64Array.from(halfWidths(state, state.radius), (w) => w / Math.sqrt(3)),
      stepSize: state.radius,
    };
  },

  shouldStop(state) {
    let scale = 1;
    for (const v of state.centre) scale = Math.max(scale, Math.abs(v));
    return state.radius < 1e-15 * scale ? 'strategy-converged' : undefined;
  },
});
