/**
 * `reinforce` — seed 000, third answer: the weights are an action drawn from w ~ N(μ, σ²)
 * (independent per weight), the reward is −L on a minibatch, and the mean follows
 * Δμ = α (b − L)(w − μ) with a baseline b (Williams 1992, "Simple statistical
 * gradient-following algorithms", REINFORCE with a reinforcement baseline).
 *
 * `population` weight vectors are drawn per step and averaged. With optimizer "sgd" the
 * update is the seed's rule literally; with "adam" (default) the same estimate of ∂L/∂μ,
 * (L − b)(w − μ)/σ², drives Adam, which is far less sensitive to the loss's scale. The
 * baseline is an exponential average of past losses ("some fixed value near the expected
 * mean is the safest choice", the answer says; the average tracks it as L falls). With
 * learnSigma, log σ per weight follows the same score function, ∂ log p/∂ log σ =
 * (w − μ)²/σ² − 1, its advantages divided by their RMS so the rate is scale-free.
 */
import { defineTrainer, type Told } from '../trainer';
import { adamStep, initialAdam, type AdamState } from '../adam-step';
import { finiteMean } from '../loss';
import { candidateLosses, candidateQueries } from './candidates';

type ReinforceOptions = {
  population: number;
  sigma: number;
  learningRate: number;
  optimizer: string;
  baselineDecay: number;
  learnSigma: boolean;
  sigmaRate: number;
};

export interface ReinforceState {
  options: ReinforceOptions;
  mean: Float64Array;
  logSigma: Float64Array;
  adam: AdamState;
  /** NaN until the first step sets it to that step's mean loss. */
  baseline: number;
  /** w − μ of the candidates the last ask drew. */
  perturbations: Float64Array[];
}

const minLogSigma = Math.log(1e-5);
const maxLogSigma = Math.log(10);

export const reinforce = defineTrainer<ReinforceState, ReinforceOptions>({
  id: 'reinforce',
  title: 'REINFORCE over the weights',
  summary:
    'Weights drawn from N(μ, σ²), scored by the minibatch loss; μ moves by (b − L)(w − μ) with a running baseline b.',
  reference: 'seed 000, answer 3; Williams 1992 (REINFORCE with baseline)',
  options: {
    population: { default: 8, min: 1, integer: true, description: 'weight vectors drawn per step' },
    sigma: {
      default: 0.05,
      min: 1e-9,
      description: 'standard deviation σ of the weights (initial value if learned)',
    },
    learningRate: {
      default: 0.01,
      min: 1e-12,
      description: 'α: Adam rate, or the seed’s α with optimizer "sgd"',
    },
    optimizer: { default: 'adam', choices: ['adam', 'sgd'], description: 'how the estimate moves μ' },
    baselineDecay: {
      default: 0.1,
      min: 0,
      max: 1,
      description: 'weight of the newest mean loss in the baseline b (0 keeps the first value)',
    },
    learnSigma: { default: false, description: 'adapt σ per weight by the same score function' },
    sigmaRate: { default: 0.02, min: 0, description: 'learning rate of log σ when learnSigma' },
  },
  init: (_rng, _context, options, weights) => ({
    options,
    mean: weights,
    logSigma: new Float64Array(weights.length).fill(Math.log(options.sigma)),
    adam: initialAdam(weights.length),
    baseline: Number.NaN,
    perturbations: [],
  }),
  ask(rng, context, state, batch) {
    const perturbations: Float64Array[] = [];
    const candidates: Float64Array[] = [];
    for (let c = 0; c < state.options.population; c++) {
      const delta = state.logSigma.map((logSigma) => Math.exp(logSigma) * rng.gaussian());
      perturbations.push(delta);
      candidates.push(state.mean.map((m, i) => m + delta[i]));
    }
    return { queries: candidateQueries(context, candidates, batch), state: { ...state, perturbations } };
  },
  tell(_rng, context, state, batch, _queries, answers): Told<ReinforceState> {
    const o = state.options;
    const { losses, dropped } = candidateLosses(context, state.perturbations.length, batch, answers);
    const meanLoss = finiteMean(losses);
    if (Number.isNaN(meanLoss)) return { state, metrics: { trainLoss: Number.NaN, dropped } };
    const baseline = Number.isNaN(state.baseline) ? meanLoss : state.baseline;
    const n = state.mean.length;
    const used = losses.filter(Number.isFinite).length;
    const estimate = new Float64Array(n); // ≈ ∂E[L]/∂μ
    const sigmaEstimate = new Float64Array(n);
    let advantageSquares = 0;
    state.perturbations.forEach((delta, c) => {
      const advantage = losses[c] - baseline;
      if (!Number.isFinite(advantage)) return;
      advantageSquares += advantage * advantage;
      for (let i = 0; i < n; i++) {
        const variance = Math.exp(2 * state.logSigma[i]);
        estimate[i] += (advantage * delta[i]) / variance / used;
        sigmaEstimate[i] += (advantage * ((delta[i] * delta[i]) / variance - 1)) / used;
      }
    });
    let mean: Float64Array;
    let adam = state.adam;
    if (o.optimizer === 'sgd') {
      // Δμ = α (b − L)(w − μ), averaged over the population: the seed's rule as written.
      mean = state.mean.map((m, i) => m - o.learningRate * estimate[i] * Math.exp(2 * state.logSigma[i]));
    } else ({ params: mean, state: adam } = adamStep(state.mean, estimate, state.adam, o.learningRate));
    let logSigma = state.logSigma;
    if (o.learnSigma && advantageSquares > 0) {
      const rms = Math.sqrt(advantageSquares / used);
      logSigma = logSigma.map((s, i) =>
        Math.min(maxLogSigma, Math.max(minLogSigma, s - (o.sigmaRate * sigmaEstimate[i]) / rms)),
      );
    }
    return {
      state: {
        ...state,
        mean,
        logSigma,
        adam,
        baseline: baseline + o.baselineDecay * (meanLoss - baseline),
        perturbations: [],
      },
      metrics: { trainLoss: meanLoss, dropped, baseline, sigma: Math.exp(finiteMean(Array.from(logSigma))) },
    };
  },
  weights: (state) => state.mean,
});
