/**
 * REINFORCE with a baseline over the parameters themselves, as proposed in seed document
 * 000 (third answer): treat the choice of parameters as an action drawn from a Gaussian
 * policy w ~ N(μ, σ² I), the negative loss as the reward, and follow the likelihood-ratio
 * (policy-gradient) estimate with a moving-average baseline. Williams, "Simple statistical
 * gradient-following algorithms for connectionist reinforcement learning", Machine
 * Learning 8 (1992). The updates, numbered as tagged in the code:
 *
 *   (1) εₖ ~ N(0, I),  wₖ = μ + σ εₖ                        (k = 1…batch)
 *   (2) Aₖ = (b − Lₖ) / s                                   advantage over the baseline b,
 *       s² ← β_s s² + (1 − β_s) mean_k (b − Lₖ)²             s a running RMS of (b − L)
 *   (3) Δμ = α · mean_k Aₖ (wₖ − μ)                          the seed's Δμᵢ = α(b − L)(wᵢ − μᵢ)
 *   (4) Δ ln σ = α_σ · mean_k Aₖ (‖εₖ‖² − n) / √(2n)        score of ln σ, scaled to unit variance
 *   (5) b ← β_b b + (1 − β_b) mean_k Lₖ                      after the step, so b never contains
 *                                                           the samples it is compared with
 *
 * The seed's α carries the units of 1/L; dividing (b − L) by its running RMS makes α
 * unit-free (a step of about α·σ per generation when the signal is clean), and the score
 * of ln σ is scaled by its standard deviation √(2n) so α_σ means the same in every
 * dimension. With `learnSigma: false` σ stays at `stepSize`, the seed's first choice
 * ("it's probably safest to go small").
 *
 * What it is good and bad at: it is the simplest score-function gradient estimator, works
 * with a batch of one (on the 10-D sphere that is also its most sample-efficient setting),
 * tolerates noisy losses and needs no ranking, so it fits training a model through a
 * non-differentiable black box (seed 000). But it uses each evaluation weakly: the baseline
 * lags when the loss drops quickly, σ is one number for all coordinates (no scaling or
 * correlation learning, so an ellipsoid with condition 1e6 is out of reach), and σ grows
 * only when wider samples do better, not on a slope (the score of ln σ is even in ε), so a
 * too-small σ crawls on long slopes. Prefer snes/xnes/cma-es when evaluations are
 * expensive.
 */
import { defineStrategy, type OptionSpec, type ResolvedOptions } from '../core/strategy';
import { batchMean, movingAverageBaseline } from './shared/baselines';
import { gaussianSamples } from './shared/perturbations';
import { flooredScales } from './shared/std-dev-floor';

export interface ReinforceState {
  dimension: number;
  mean: Float64Array;
  stepSize: number;
  batchSize: number;
  learningRate: number;
  /** α_σ of Eq. (4); 0 keeps σ fixed. */
  stepSizeLearningRate: number;
  baselineDecay: number;
  scaleDecay: number;
  /** Moving-average baseline b, NaN before the first batch. */
  baseline: number;
  /** Running mean of (b − L)², NaN before the first batch. */
  advantageSquares: number;
  stdDevFloor: Float64Array;
  /** The εₖ of the batch last asked for. */
  noise: Float64Array[];
}

const options = {
  populationSize: {
    default: 10,
    dimensionDefault: (n: number) => 4 + Math.floor(3 * Math.log(n)),
    defaultText: '4 + floor(3 ln n)',
    min: 1,
    integer: true,
    description: 'samples per update (1 = the seed’s one-sample-at-a-time version)',
  },
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description: 'initial (or fixed) policy standard deviation σ, in internal units',
  },
  learnSigma: {
    default: true,
    description: 'learn ln σ by its own score function; false keeps σ = stepSize',
  },
  learningRate: {
    default: 1,
    min: 0,
    description: 'α of Δμ = α(b − L)(w − μ), unit-free because (b − L) is divided by its running RMS',
  },
  stepSizeLearningRate: {
    default: 0.1,
    min: 0,
    description: 'α_σ of the ln σ update (with learnSigma)',
  },
  baselineDecay: {
    default: 0.5,
    min: 0,
    max: 0.999999,
    description: 'memory of the moving-average baseline b (0 = last batch mean only)',
  },
  scaleDecay: {
    default: 0.9,
    min: 0,
    max: 0.999999,
    description: 'memory of the running RMS of (b − L) that normalises the advantages',
  },
} satisfies Record<string, OptionSpec>;

export type ReinforceOptions = ResolvedOptions<typeof options>;

export const reinforce = defineStrategy<ReinforceState, ReinforceOptions>({
  id: 'reinforce',
  title: 'REINFORCE with a baseline (seed 000)',
  summary:
    'Policy-gradient search: Gaussian perturbations of the parameters, Δμ = α(b − L)(w − μ) with a ' +
    'moving-average baseline, optional learned σ. Simple, unbiased and noise-tolerant, works with tiny ' +
    'batches; but slow on badly scaled or correlated problems and wasteful when evaluations are expensive.',
  reference: 'Seed 000 (answer 3); Williams 1992, Machine Learning 8',
  options,
  populationOption: 'populationSize',

  init(_rng, start, opts, context) {
    return {
      dimension: start.length,
      mean: Float64Array.from(start),
      stepSize: opts.stepSize,
      batchSize: Math.max(1, Math.round(opts.populationSize)),
      learningRate: opts.learningRate,
      stepSizeLearningRate: opts.learnSigma ? opts.stepSizeLearningRate : 0,
      baselineDecay: opts.baselineDecay,
      scaleDecay: opts.scaleDecay,
      baseline: Number.NaN,
      advantageSquares: Number.NaN,
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : new Float64Array(0),
      noise: [],
    };
  },

  ask(rng, state) {
    const stds = flooredScales(state.dimension, state.stepSize, state.stdDevFloor);
    const { noise, candidates } = gaussianSamples(rng, state.mean, stds, state.batchSize); // Eq. (1)
    return { candidates, state: { ...state, noise } };
  },

  tell(state, _candidates, loss) {
    const n = state.dimension;
    const count = loss.length;
    const lossMean = batchMean(loss);
    // Before the first batch there is no baseline yet: that batch is compared with its own mean.
    const baseline = Number.isFinite(state.baseline) ? state.baseline : lossMean;
    const differences = loss.map((l) => baseline - l);
    let meanSquare = 0;
    for (const d of differences) meanSquare += (d * d) / count;
    const advantageSquares = Number.isFinite(state.advantageSquares)
      ? state.scaleDecay * state.advantageSquares + (1 - state.scaleDecay) * meanSquare
      : meanSquare;
    const scale = Math.sqrt(advantageSquares);
    const advantages =
      scale > 0 && Number.isFinite(scale) ? differences.map((d) => d / scale) : new Float64Array(count); // Eq. (2)

    const stds = flooredScales(state.dimension, state.stepSize, state.stdDevFloor);
    const mean = Float64Array.from(state.mean);
    let stepSizeScore = 0;
    for (let k = 0; k < count; k++) {
      const epsilon = state.noise[k];
      const weight = advantages[k] / count;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        mean[i] += state.learningRate * weight * stds[i] * epsilon[i]; // Eq. (3): (w − μ) = σε
        squares += epsilon[i] * epsilon[i];
      }
      stepSizeScore += (weight * (squares - n)) / Math.sqrt(2 * n);
    }
    const stepSize = state.stepSize * Math.exp(state.stepSizeLearningRate * stepSizeScore); // Eq. (4)
    const nextBaseline = movingAverageBaseline(state.baseline, state.baselineDecay, lossMean); // Eq. (5)
    return {
      state: { ...state, mean, stepSize, baseline: nextBaseline, advantageSquares, noise: [] },
      metrics: { stepSize, baseline },
    };
  },

  distribution(state) {
    return {
      mean: Float64Array.from(state.mean),
      stdDevs: flooredScales(state.dimension, state.stepSize, state.stdDevFloor),
      stepSize: state.stepSize,
    };
  },

  shouldStop(state) {
    if (!Number.isFinite(state.stepSize) || state.mean.some((v) => !Number.isFinite(v)))
      return 'strategy-converged';
    return undefined;
  },
});
