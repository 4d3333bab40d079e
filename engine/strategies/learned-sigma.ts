/**
 * Learned-Σ Gaussian search: variational optimisation of seed document 001.
 *
 * Instead of f(x) it minimises the Gaussian-smoothed objective J(μ, Σ) = E_{x~N(μ,Σ)}[f(x)]
 * (an upper bound on min f) by stochastic gradient descent on both the mean and the
 * covariance, with score-function (log-likelihood trick) gradient estimates. A large Σ
 * averages over ripples and discontinuities, so the search slides past local optima, and
 * Σ shrinks by itself where narrowing pays off. Sources: seed 001 (after F. Huszár's blog
 * post); Staines & Barber, "Variational Optimization", arXiv:1212.4507 (2012); Wierstra et
 * al., "Natural Evolution Strategies", JMLR 15 (2014), Sec. 2 for the search gradients.
 *
 * Parametrisation (replacing the seed's clamping of Σ). `covariance: "full"` stores the
 * log-Cholesky factor: Σ = L Lᵀ, L lower-triangular with diagonal exp(ℓᵢ); `"diagonal"`
 * stores log standard deviations. Every value of these parameters is a valid positive
 * definite Σ, so no update can break it — the seed's code clamped entries of Σ instead,
 * which can leave it indefinite. Gradients are taken in the frame of the current factor:
 * with x = μ + L zₖ, zₖ ~ N(0, I), a step moves μ ← μ + L u and L ← L T, where T is
 * lower-triangular with diagonal exp(δᵢᵢ) and off-diagonal δᵢⱼ (the chain rule of the seed's
 * ∇_μ, ∇_Σ through Σ = L T Tᵀ Lᵀ at T = I). This is a preconditioned step on the
 * log-Cholesky coordinates (ℓᵢ moves by exactly δᵢᵢ): it makes one learning rate fit
 * every scale, so Σ can shrink by orders of magnitude and μ still converges. The updates,
 * numbered as tagged in the code:
 *
 *   (1) zₖ ~ N(0, I),  xₖ = μ + L zₖ   (antithetic option: pairs zₖ, −zₖ)
 *   (2) f̃ₖ = (fₖ − b) / s                 b = batch mean or moving average of f,
 *                                            s = root-mean-square of (f − b) over the batch
 *       (or f̃ = centred ranks scaled to unit RMS, `fitnessShaping: "ranks"`)
 *   (3) ∇_u J ≈ (1/λ) Σₖ f̃ₖ zₖ                   = Lᵀ ∇_μ J,  ∇_μ J = Σ⁻¹ E[(f−b)(x−μ)]
 *   (4) ∇_T J ≈ (1/λ) Σₖ f̃ₖ (zₖ zₖᵀ − I), lower triangle = Lᵀ (2 ∇_Σ J) L,
 *                                            ∇_Σ J = ½ E[(f−b)(Σ⁻¹(x−μ)(x−μ)ᵀΣ⁻¹ − Σ⁻¹)]
 *   (5) Adam (or SGD) on θ = (u, δ):  μ ← μ − α_μ L Adam(∇_u),  L ← L T(−α_Σ Adam(∇_δ))
 *
 * Floating point still needs finite numbers and a covariance that Cholesky can factor, also
 * under adversarial fitness: each component of the step (5) is clipped to [−2, 2] (a
 * trust region: no single step changes a standard deviation by more than e²); after each
 * step the factor is rescaled so that the largest standard deviation stays in
 * [1e−100, 1e20]; and when a cheap upper bound on the condition number of Σ exceeds 1e12,
 * Σ gets a ridge tr(Σ)·1e−12 and is refactored. Ordinary runs rarely or never hit these limits.
 */
import { defineStrategy, type OptionSpec, type ResolvedOptions } from '../core/strategy';
import { adamDirection, updateFirstMoment, updateSecondMoment } from './shared/adam';
import { batchMean, movingAverageBaseline } from './shared/baselines';
import { cholesky } from './shared/cholesky';
import { centredRanks } from './shared/fitness-shaping';

export interface LearnedSigmaState {
  dimension: number;
  full: boolean;
  mean: Float64Array;
  /** ℓᵢ = ln Lᵢᵢ (the log standard deviations when diagonal). */
  logDiagonal: Float64Array;
  /** Strictly lower part of L, row by row (L₁₀, L₂₀, L₂₁, …); empty when diagonal. */
  lower: Float64Array;
  populationSize: number;
  antithetic: boolean;
  baseline: 'batch-mean' | 'moving-average';
  baselineDecay: number;
  /** Moving-average baseline b (NaN before the first generation). */
  baselineValue: number;
  fitnessShaping: 'standardize' | 'ranks';
  optimizer: 'adam' | 'sgd';
  meanLearningRate: number;
  covarianceLearningRate: number;
  beta1: number;
  beta2: number;
  /** Adam moments over θ = (u, δ_diagonal, δ_lower). */
  firstMoment: Float64Array;
  secondMoment: Float64Array;
  steps: number;
  stdDevFloor: Float64Array;
  /** The zₖ of the generation last asked for. */
  noise: Float64Array[];
}

const options = {
  populationSize: {
    default: 20,
    dimensionDefault: (n: number) => 2 * (4 + Math.floor(3 * Math.log(n))),
    defaultText: '2 (4 + floor(3 ln n))',
    min: 2,
    integer: true,
    description: 'samples per gradient estimate (rounded up to even when antithetic)',
  },
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description: 'initial standard deviation in every coordinate (Σ₀ = stepSize² I), internal units',
  },
  covariance: {
    default: 'full',
    choices: ['full', 'diagonal'],
    description: 'learn a full covariance (log-Cholesky) or one log standard deviation per coordinate',
  },
  meanLearningRate: {
    default: 1,
    min: 0,
    description: 'learning rate α_μ of the mean, in units of the current standard deviations',
  },
  covarianceLearningRate: {
    default: 0.05,
    min: 0,
    description: 'learning rate α_Σ of the log-Cholesky factor (relative change per step)',
  },
  optimizer: {
    default: 'adam',
    choices: ['adam', 'sgd'],
    description: 'gradient step rule: Adam or plain SGD',
  },
  beta1: {
    default: 0.9,
    min: 0,
    max: 0.999999,
    description: 'Adam first-moment decay',
  },
  beta2: {
    default: 0.999,
    min: 0,
    max: 0.999999,
    description: 'Adam second-moment decay',
  },
  baseline: {
    default: 'batch-mean',
    choices: ['batch-mean', 'moving-average'],
    description: 'variance-reducing baseline b subtracted from f: the batch mean, or a moving average',
  },
  baselineDecay: {
    default: 0.9,
    min: 0,
    max: 0.999999,
    description: 'decay of the moving-average baseline (b ← decay·b + (1 − decay)·mean f)',
  },
  fitnessShaping: {
    default: 'standardize',
    choices: ['standardize', 'ranks'],
    description: 'make steps independent of f’s scale: divide f − b by its batch RMS, or use centred ranks',
  },
  antithetic: {
    default: false,
    description: 'sample mirrored pairs z, −z (cancels odd-order noise in the gradient estimates)',
  },
} satisfies Record<string, OptionSpec>;

export type LearnedSigmaOptions = ResolvedOptions<typeof options>;

const maxStdDev = 1e20;
const minStdDev = 1e-100;
const maxCondition = 1e12;
const maxStep = 2;

/** L as a dense row-major n×n matrix. */
function factorOf(state: Pick<LearnedSigmaState, 'dimension' | 'logDiagonal' | 'lower'>): Float64Array {
  const n = state.dimension;
  const factor = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) factor[i * n + j] = state.lower.length ? state.lower[k++] : 0;
    factor[i * n + i] = Math.exp(state.logDiagonal[i]);
  }
  return factor;
}

function packFactor(factor: Float64Array, n: number, full: boolean) {
  const logDiagonal = Float64Array.from({ length: n }, (_, i) => Math.log(factor[i * n + i]));
  const lower = new Float64Array(full ? (n * (n - 1)) / 2 : 0);
  if (full) {
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) lower[k++] = factor[i * n + j];
  }
  return { logDiagonal, lower };
}

function covarianceOf(factor: Float64Array, n: number): Float64Array {
  const covariance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let k = 0; k <= j; k++) dot += factor[i * n + k] * factor[j * n + k];
      covariance[i * n + j] = dot;
      covariance[j * n + i] = dot;
    }
  }
  return covariance;
}

function identityTimes(value: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = value;
  return out;
}

/** ‖L⁻¹‖²_F for lower-triangular L, by forward substitution column by column. */
function inverseFrobeniusSquared(factor: Float64Array, n: number): number {
  let total = 0;
  const column = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    column.fill(0);
    for (let i = c; i < n; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = c; k < i; k++) sum -= factor[i * n + k] * column[k];
      column[i] = sum / factor[i * n + i];
      total += column[i] * column[i];
    }
  }
  return total;
}

/**
 * Keeps the factor inside floating point's comfortable range (see the header) and above the
 * per-coordinate std floor. Every operation is a positive rescaling of rows or a ridge on
 * Σ, so the result is again lower-triangular with a positive diagonal.
 */
function guardFactor(factor: Float64Array, n: number, floor: Float64Array): Float64Array {
  let out = factor;
  const rowStd = (i: number): number => {
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += out[i * n + j] ** 2;
    return Math.sqrt(sum);
  };
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, rowStd(i));
  if (largest > maxStdDev || largest < minStdDev) {
    const scale = (largest > maxStdDev ? maxStdDev : minStdDev) / largest;
    out = out.map((v) => v * scale);
  }
  if (n > 1) {
    let frobenius = 0;
    for (const v of out) frobenius += v * v;
    // cond(Σ) ≤ ‖L‖²_F ‖L⁻¹‖²_F, a cheap upper bound.
    if (frobenius * inverseFrobeniusSquared(out, n) > maxCondition) {
      const covariance = covarianceOf(out, n);
      let trace = 0;
      for (let i = 0; i < n; i++) trace += covariance[i * n + i];
      for (let i = 0; i < n; i++) covariance[i * n + i] += trace / maxCondition;
      // Last resort if rounding still defeats Cholesky: an isotropic Σ of the same trace.
      out = cholesky(covariance, n) ?? identityTimes(Math.sqrt(trace / n), n);
    }
  }
  if (floor.length) {
    for (let i = 0; i < n; i++) {
      const std = rowStd(i);
      if (std < floor[i]) {
        const scale = floor[i] / std;
        for (let j = 0; j <= i; j++) out[i * n + j] *= scale;
      }
    }
  }
  return out;
}

/** Eq. (2): baseline-subtracted fitness scaled to unit root-mean-square, or scaled centred ranks. */
function shapeFitness(
  fitness: Float64Array,
  baseline: number,
  mode: LearnedSigmaState['fitnessShaping'],
): Float64Array {
  const count = fitness.length;
  if (mode === 'standardize') {
    const deviations = fitness.map((f) => f - baseline);
    let largest = 0;
    for (const d of deviations) largest = Math.max(largest, Math.abs(d));
    if (largest === 0) return new Float64Array(count); // all equal: no information, no step
    if (Number.isFinite(largest)) {
      // Divide by the largest deviation first so squaring cannot overflow.
      let squares = 0;
      for (const d of deviations) squares += (d / largest) ** 2;
      const rms = Math.sqrt(squares / count);
      return deviations.map((d) => d / largest / rms);
    }
  }
  // Ranks (and the fallback for deviations too large to represent): larger f, larger value.
  const ranks = centredRanks(fitness).map((r) => -r);
  let squares = 0;
  for (const r of ranks) squares += r * r;
  return squares > 0 ? ranks.map((r) => r / Math.sqrt(squares / count)) : ranks;
}

export const learnedSigma = defineStrategy<LearnedSigmaState, LearnedSigmaOptions>({
  id: 'learned-sigma',
  title: 'Learned-Σ Gaussian search (variational optimisation)',
  summary:
    'Seed 001: gradient descent on the Gaussian-smoothed objective E[f(x)], x ~ N(μ, Σ), with score-function ' +
    'gradients for μ and Σ (log-Cholesky, always positive definite), a baseline and Adam. A wide Σ smooths ' +
    'away ripples and jumps, so it suits rugged low-dimensional problems; it needs more samples per step ' +
    'than rank-based ES as the dimension grows.',
  reference: 'Seed 001; Staines & Barber 2012, arXiv:1212.4507; Wierstra et al. 2014, JMLR 15',
  options,
  populationOption: 'populationSize',

  init(_rng, start, opts, context) {
    const n = start.length;
    const full = opts.covariance !== 'diagonal' && n > 1;
    const antithetic = opts.antithetic;
    const populationSize = Math.max(
      2,
      antithetic ? 2 * Math.ceil(opts.populationSize / 2) : opts.populationSize,
    );
    const parameterCount = 2 * n + (full ? (n * (n - 1)) / 2 : 0);
    const stdDevFloor = context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : new Float64Array(0);
    const shape = {
      dimension: n,
      logDiagonal: new Float64Array(n).fill(Math.log(opts.stepSize)),
      lower: new Float64Array(0),
    };
    const packed = packFactor(guardFactor(factorOf(shape), n, stdDevFloor), n, full);
    return {
      dimension: n,
      full,
      mean: Float64Array.from(start),
      logDiagonal: packed.logDiagonal,
      lower: packed.lower,
      populationSize,
      antithetic,
      baseline: opts.baseline === 'moving-average' ? 'moving-average' : 'batch-mean',
      baselineDecay: opts.baselineDecay,
      baselineValue: Number.NaN,
      fitnessShaping: opts.fitnessShaping === 'ranks' ? 'ranks' : 'standardize',
      optimizer: opts.optimizer === 'sgd' ? 'sgd' : 'adam',
      meanLearningRate: opts.meanLearningRate,
      covarianceLearningRate: opts.covarianceLearningRate,
      beta1: opts.beta1,
      beta2: opts.beta2,
      firstMoment: new Float64Array(parameterCount),
      secondMoment: new Float64Array(parameterCount),
      steps: 0,
      stdDevFloor,
      noise: [],
    };
  },

  ask(rng, state) {
    const n = state.dimension;
    const factor = factorOf(state);
    const noise: Float64Array[] = [];
    for (let k = 0; k < state.populationSize; k++) {
      noise.push(
        state.antithetic && k % 2 === 1 ? noise[k - 1].map((v) => -v) : rng.gaussians(new Float64Array(n)),
      );
    }
    const candidates = noise.map((z) => {
      const x = Float64Array.from(state.mean);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) x[i] += factor[i * n + j] * z[j]; // Eq. (1): x = μ + L z
      }
      return x;
    });
    return { candidates, state: { ...state, noise } };
  },

  tell(state, _candidates, fitness) {
    const n = state.dimension;
    const count = fitness.length;
    const fitnessMean = batchMean(fitness);
    const useMoving = state.baseline === 'moving-average' && Number.isFinite(state.baselineValue);
    const baseline = useMoving ? state.baselineValue : fitnessMean;
    const shaped = shapeFitness(fitness, baseline, state.fitnessShaping); // Eq. (2)

    // θ = (u, δ_diagonal, δ_lower): Eqs. (3) and (4), gradients of J to descend.
    const gradient = new Float64Array(state.firstMoment.length);
    for (let k = 0; k < count; k++) {
      const weight = shaped[k] / count;
      if (weight === 0) continue;
      const z = state.noise[k];
      let offset = 2 * n;
      for (let i = 0; i < n; i++) {
        gradient[i] += weight * z[i]; // Eq. (3)
        gradient[n + i] += weight * (z[i] * z[i] - 1); // Eq. (4), diagonal
        if (state.full) for (let j = 0; j < i; j++) gradient[offset++] += weight * z[i] * z[j]; // Eq. (4), lower
      }
    }

    // Eq. (5): Adam or SGD on θ.
    const steps = state.steps + 1;
    const firstMoment = updateFirstMoment(state.firstMoment, gradient, state.beta1);
    const secondMoment = updateSecondMoment(state.secondMoment, gradient, state.beta2);
    const direction =
      state.optimizer === 'adam'
        ? adamDirection(firstMoment, secondMoment, steps, state.beta1, state.beta2, 1e-8)
        : gradient;
    const clip = (step: number): number => Math.max(-maxStep, Math.min(maxStep, step));

    const factor = factorOf(state);
    const mean = Float64Array.from(state.mean);
    const meanStep = Float64Array.from({ length: n }, (_, j) => clip(state.meanLearningRate * direction[j]));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) mean[i] -= factor[i * n + j] * meanStep[j]; // μ ← μ − α_μ L ∇_u
    }
    const relative = new Float64Array(n * n); // T, lower-triangular with positive diagonal
    let offset = 2 * n;
    for (let i = 0; i < n; i++) {
      relative[i * n + i] = Math.exp(clip(-state.covarianceLearningRate * direction[n + i]));
      if (!state.full) continue;
      for (let j = 0; j < i; j++)
        relative[i * n + j] = clip(-state.covarianceLearningRate * direction[offset++]);
    }
    const updated = new Float64Array(n * n); // L ← L T
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let k = j; k <= i; k++) sum += factor[i * n + k] * relative[k * n + j];
        updated[i * n + j] = sum;
      }
    }
    const packed = packFactor(guardFactor(updated, n, state.stdDevFloor), n, state.full);

    const baselineValue =
      state.baseline === 'moving-average'
        ? movingAverageBaseline(state.baselineValue, state.baselineDecay, fitnessMean)
        : Number.NaN;
    let logSum = 0;
    for (const l of packed.logDiagonal) logSum += l;
    return {
      state: {
        ...state,
        mean,
        logDiagonal: packed.logDiagonal,
        lower: packed.lower,
        baselineValue,
        firstMoment,
        secondMoment,
        steps,
        noise: [],
      },
      metrics: { stepSize: Math.exp(logSum / n), baseline },
    };
  },

  distribution(state) {
    const n = state.dimension;
    let logSum = 0;
    for (const l of state.logDiagonal) logSum += l;
    // No separate global σ: det(Σ)^(1/2n), the geometric mean of the Cholesky diagonal, stands in.
    const stepSize = Math.exp(logSum / n);
    const mean = Float64Array.from(state.mean);
    if (!state.full) return { mean, stdDevs: state.logDiagonal.map(Math.exp), stepSize };
    return { mean, covariance: covarianceOf(factorOf(state), n), stepSize };
  },

  shouldStop(state) {
    if (state.mean.some((v) => !Number.isFinite(v))) return 'strategy-converged';
    return undefined;
  },
});
