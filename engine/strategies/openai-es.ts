/**
 * OpenAI-ES: the evolution strategy of Salimans, Ho, Chen, Sidor & Sutskever, "Evolution
 * Strategies as a Scalable Alternative to Reinforcement Learning", arXiv:1703.03864 (2017).
 *
 * An isotropic Gaussian N(μ, σ² I) whose mean follows a Monte-Carlo estimate of the
 * gradient of the smoothed objective, with the paper's practical ingredients: mirrored
 * (antithetic) sampling, centred-rank fitness shaping, and Adam (or momentum SGD) on the
 * mean with optional L2 weight decay. The updates, numbered as tagged in the code:
 *
 *   (1) εⱼ ~ N(0, I),  candidates μ + σεⱼ and μ − σεⱼ          antithetic pairs, λ = 2·pairs
 *   (2) sₖ = ½ − rank(k)/(λ − 1) ∈ [−½, ½], best = +½        centred ranks (ties share a rank)
 *   (3) g = (1/λ) Σₖ sₖ εₖ − w σ μ                            ascent direction, units of σ
 *   (4) Adam:  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  μ ← μ + ασ · m̂ / (√v̂ + 1e−8)
 *       momentum:  m ← β₁m + (1−β₁)g,  μ ← μ + ασ · m
 *   (5) σ ← σ · exp(η_σ/2 · Σₖ uₖ (‖εₖ‖²/n − 1)),  uₖ the NES utilities of rank(k)
 *
 * (3) is the paper's estimator ∇ ≈ 1/(λσ) Σ Fₖεₖ multiplied by σ. Adam is invariant to that
 * factor, so with a fixed σ the learning rate α here is the paper's learning rate divided
 * by σ, and when σ changes the optimiser's moments stay on one scale. The weight decay
 * w σ μ is the paper's L2 term in the same units; it pulls the internal coordinates towards
 * 0, so it is meant for unbounded parameters such as network weights.
 *
 * Step size: the paper keeps σ fixed (`stepSizeAdaptation: "fixed"`), which cannot locate
 * an optimum more precisely than about σ. By default σ follows (5), the natural-gradient
 * step-size update of xNES/SNES (Wierstra et al., JMLR 2014; Schaul et al. 2011) computed
 * from the same samples. It depends only on how fitness varies with the sample radius
 * around the current mean, not on the mean's optimiser, so it stays stable with Adam's
 * momentum; its truncated utilities make σ grow on slopes and shrink near an optimum.
 * (Cumulative path-length control was tried first: it reads momentum's lag as "steps too
 * short" and lets σ diverge.)
 */
import { defineStrategy, type OptionSpec, type ResolvedOptions } from '../core/strategy';
import { adamDirection, updateFirstMoment, updateSecondMoment } from './shared/adam';
import { centredRanks, nesUtilities, rankByFitness } from './shared/fitness-shaping';
import { mirroredPairs } from './shared/perturbations';
import { flooredScales } from './shared/std-dev-floor';

export interface OpenAiEsState {
  dimension: number;
  mean: Float64Array;
  stepSize: number;
  /** Number of antithetic pairs; the population is twice this. */
  pairs: number;
  learningRate: number;
  optimizer: 'adam' | 'momentum';
  beta1: number;
  beta2: number;
  weightDecay: number;
  /** η_σ of Eq. (5); 0 keeps σ fixed. */
  stepSizeLearningRate: number;
  /** NES utilities for the σ update, best rank first. */
  utilities: Float64Array;
  /** Adam/momentum first moment m and Adam second moment v, in units of σ. */
  firstMoment: Float64Array;
  secondMoment: Float64Array;
  /** Number of optimiser steps taken (Adam's bias correction). */
  steps: number;
  /** Per-coordinate floor on the sampling std (integer parameters), or empty. */
  stdDevFloor: Float64Array;
  /** The εⱼ of the generation last asked for, one per pair. */
  noise: Float64Array[];
}

const defaultPopulation = (n: number): number => 2 * Math.ceil((4 + Math.floor(3 * Math.log(n))) / 2);

const options = {
  populationSize: {
    default: 10,
    dimensionDefault: defaultPopulation,
    defaultText: '4 + floor(3 ln n), rounded up to even',
    min: 2,
    integer: true,
    description: 'samples per generation, in antithetic pairs (odd values are rounded up to even)',
  },
  stepSize: {
    default: 0.3,
    min: 1e-12,
    description:
      'initial noise standard deviation σ, in internal units (1 = the range of a bounded parameter)',
  },
  stepSizeAdaptation: {
    default: 'nes',
    choices: ['nes', 'fixed'],
    description: 'how σ changes: "fixed" as in the paper, or the natural-gradient update of NES',
  },
  stepSizeLearningRate: {
    default: 0.35,
    dimensionDefault: (n: number) => (3 + Math.log(n)) / (5 * Math.sqrt(n)),
    defaultText: '(3 + ln n) / (5 √n)',
    min: 0,
    description: 'learning rate η_σ of the step size (with stepSizeAdaptation "nes")',
  },
  learningRate: {
    default: 0.3,
    min: 0,
    description: 'optimiser learning rate α, in units of σ (the paper’s learning rate is α·σ)',
  },
  optimizer: {
    default: 'adam',
    choices: ['adam', 'momentum'],
    description: 'update rule for the mean: Adam (as in the paper) or SGD with momentum',
  },
  beta1: {
    default: 0.9,
    min: 0,
    max: 0.999999,
    description: 'first-moment (momentum) decay of Adam, or the momentum coefficient',
  },
  beta2: {
    default: 0.999,
    min: 0,
    max: 0.999999,
    description: 'second-moment decay of Adam',
  },
  weightDecay: {
    default: 0,
    min: 0,
    description: 'L2 coefficient pulling the mean towards 0 (the paper used 0.005 for network weights)',
  },
} satisfies Record<string, OptionSpec>;

export type OpenAiEsOptions = ResolvedOptions<typeof options>;

export const openAiEs = defineStrategy<OpenAiEsState, OpenAiEsOptions>({
  id: 'openai-es',
  title: 'OpenAI-ES (Salimans et al. 2017)',
  summary:
    'Antithetic Gaussian sampling, centred-rank fitness shaping and Adam on the mean, as used to train ' +
    'neural-network policies; σ adapted by the NES step-size rule by default (or fixed, as in the paper). ' +
    'Isotropic, so it needs well-scaled parameters; robust to noise and trivially parallel.',
  reference: 'Salimans, Ho, Chen, Sidor & Sutskever 2017, arXiv:1703.03864',
  options,
  populationOption: 'populationSize',

  init(_rng, start, opts, context) {
    const n = start.length;
    const pairs = Math.max(1, Math.ceil(opts.populationSize / 2));
    return {
      dimension: n,
      mean: Float64Array.from(start),
      stepSize: opts.stepSize,
      pairs,
      learningRate: opts.learningRate,
      optimizer: opts.optimizer === 'momentum' ? 'momentum' : 'adam',
      beta1: opts.beta1,
      beta2: opts.beta2,
      weightDecay: opts.weightDecay,
      stepSizeLearningRate: opts.stepSizeAdaptation === 'fixed' ? 0 : opts.stepSizeLearningRate,
      utilities: nesUtilities(2 * pairs),
      firstMoment: new Float64Array(n),
      secondMoment: new Float64Array(n),
      steps: 0,
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : new Float64Array(0),
      noise: [],
    };
  },

  ask(rng, state) {
    const stds = flooredScales(state.dimension, state.stepSize, state.stdDevFloor);
    const noise = Array.from({ length: state.pairs }, () => rng.gaussians(new Float64Array(state.dimension)));
    // Eq. (1): the pair's perturbations are exact negatives of each other.
    return { candidates: mirroredPairs(state.mean, noise, stds), state: { ...state, noise } };
  },

  tell(state, _candidates, fitness) {
    const n = state.dimension;
    const stds = flooredScales(state.dimension, state.stepSize, state.stdDevFloor);
    const shaped = centredRanks(fitness); // Eq. (2)
    const direction = new Float64Array(n);
    for (let j = 0; j < state.pairs; j++) {
      const pairWeight = shaped[2 * j] - shaped[2 * j + 1]; // the mirrored sample's ε is −εⱼ
      const epsilon = state.noise[j];
      for (let i = 0; i < n; i++) direction[i] += pairWeight * epsilon[i];
    }
    const count = fitness.length;
    const gradient = direction.map((d, i) => d / count - state.weightDecay * state.stepSize * state.mean[i]); // Eq. (3)

    // Eq. (4): momentum steps along m, Adam along m̂/(√v̂ + 1e−8).
    const steps = state.steps + 1;
    const firstMoment = updateFirstMoment(state.firstMoment, gradient, state.beta1);
    let secondMoment = state.secondMoment;
    let step = firstMoment;
    if (state.optimizer === 'adam') {
      secondMoment = updateSecondMoment(state.secondMoment, gradient, state.beta2);
      step = adamDirection(firstMoment, secondMoment, steps, state.beta1, state.beta2, 1e-8);
    }
    const mean = Float64Array.from(state.mean);
    for (let i = 0; i < n; i++) mean[i] += state.learningRate * stds[i] * step[i];

    let stepSize = state.stepSize;
    if (state.stepSizeLearningRate > 0) {
      const order = rankByFitness(fitness);
      let stepSizeGradient = 0;
      order.forEach((k, rank) => {
        let squares = 0;
        for (const e of state.noise[k >> 1]) squares += e * e; // both members of a pair share ‖ε‖
        stepSizeGradient += state.utilities[rank] * (squares / n - 1);
      });
      stepSize *= Math.exp(0.5 * state.stepSizeLearningRate * stepSizeGradient); // Eq. (5)
    }
    return {
      state: { ...state, mean, stepSize, firstMoment, secondMoment, steps, noise: [] },
      metrics: { stepSize },
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
