/**
 * SA-SGD: simulated annealing over the learning rate and momentum of an SGD that runs on
 * estimated gradients of the black box, optionally with hypergradient descent on the
 * learning rate.
 *
 * Seed document 003 ("optimising the optimiser"): "combine simulated annealing with SGD to
 * optimise its learning rate and/or momentum"; hypergradients after Baydin, Cornish,
 * Martínez Rubio, Schmidt & Wood (2018), "Online Learning Rate Adaptation with Hypergradient
 * Descent", ICLR, arXiv:1703.04782.
 *
 * Inner loop — SGD with heavy-ball momentum on a gradient estimate ĝ:
 *   v_t = μ v_{t−1} + ĝ(θ_t),   θ_{t+1} = θ_t − α v_t                          Eq. (heavy ball)
 * where ĝ is either
 *   - "antithetic" Gaussian smoothing (seed 001; Salimans et al. 2017):
 *       ĝ = 1/(2σm) Σ_j (f(θ + σε_j) − f(θ − σε_j)) ε_j,  ε_j ~ N(0, I)         Eq. (antithetic)
 *     2m evaluations, the gradient of the Gaussian-smoothed f (robust to jagged objectives);
 *   - "central" finite differences along a random orthonormal basis (seed 000), 2n
 *     evaluations, exact on quadratics (finite-difference.ts, Eq. (CD)).
 *
 * Outer loop — simulated annealing over (log α, μ). Each annealing step proposes
 *   log α' = log α + s_α z₁,   μ' = min(|μ + s_μ z₂|, maxMomentum),
 * runs a segment of K inner steps with the proposal from the current weights and velocity,
 * and accepts it by the Metropolis rule on the segment's end loss:
 *   accept if ΔE ≤ 0 or u < exp(−ΔE/T),   T ← T · coolingRate per segment       Eq. (Metropolis)
 * The reference energy is the end loss of the *current* hyperparameters run for the same K
 * steps from the same weights (with the same random directions): both segments run side by
 * side in the same generations and the winner's end point becomes the new current point.
 * Comparing against the loss at the segment's start instead would accept every setting that
 * makes any progress, so α would drift towards 0 unopposed; the paired comparison makes the
 * energy a function of the hyperparameters, at twice the evaluations per step (which
 * parallel workers absorb). The energy difference is measured in units of the progress the
 * current hyperparameters made in the segment (`energy: "progress"`, default):
 *   ΔE = (E' − E)/(E₀ − E)   when E < E₀ (E₀ = f at the segment's start), else (E' − E)/|E|,
 * so one temperature schedule serves objectives of any scale and segments that gain 50 % or
 * 0.01 % alike: at T = 0.1 a proposal that makes 10 % less progress is accepted with
 * probability e⁻¹. `"relative"` uses (E' − E)/|E| (too hot while progress per segment is
 * small), `"absolute"` the textbook E' − E in fitness units.
 *
 * With `hypergradient: true`, α is adapted online inside each segment by SGD-HD:
 *   α_t = α_{t−1} + β ∇f(θ_{t−1})·∇f(θ_{t−2})                                   Eq. (SGD-HD)
 * (Baydin et al., Sec. 2: ∂f(θ_{t−1})/∂α = −∇f(θ_{t−1})·∇f(θ_{t−2})). With momentum the
 * previous update direction v_{t−1} takes the place of ∇f(θ_{t−2}) (∂θ_{t−1}/∂α ≈ −v_{t−1});
 * with μ = 0 the rule is SGD-HD exactly. Annealing then proposes μ only, and α travels with
 * the winning segment. β has units, so it is given relative: β = hypergradientRate·α₀/|ĝ(θ₀)|²
 * (with consecutive gradients like the first, α grows by hypergradientRate·α₀ per step). As a
 * safeguard α never falls below half its previous value in one step (the additive rule can
 * otherwise turn it negative).
 *
 * When nothing is annealed (both proposal scales 0, or hypergradient with s_μ = 0) a single
 * SGD chain runs. Generations: one per inner step, holding the gradient stencils; the first
 * generation and each segment's last add the chains' centre points, whose losses are the
 * energies.
 */
import { defineStrategy, type InitContext, type OptionSpecs, type TellResult } from '../core/strategy';
import type { Rng } from '../core/rng';
import { centralDifferenceGradient, randomOrthonormalBasis } from './finite-difference';
import { mirroredPairs } from './shared/perturbations';
import { flooredScales } from './shared/std-dev-floor';

/** One SGD trajectory: weights, velocity and its hyperparameters. */
export interface SgdChain {
  theta: Float64Array;
  velocity: Float64Array;
  learningRate: number;
  momentum: number;
}

/** The current point between segments: a chain plus its loss and gradient there. */
interface Anchor extends SgdChain {
  fitness: number;
  gradient: Float64Array;
}

export interface SaSgdState {
  /** Null until the start point's generation is told. */
  anchor: Anchor | null;
  /** Running segment: [current hyperparameters, proposal] (or just one when nothing is annealed). */
  chains: SgdChain[];
  /** Inner steps taken in the running segment (0 = a new segment starts at the next ask). */
  step: number;
  temperature: number;
  /** Uniform for the running segment's Metropolis test (drawn in ask). */
  uniform: number;
  /** Directions of the pending stencil (antithetic: the ε_j; central: an orthonormal basis). */
  directions: Float64Array[];
  hypergradientBeta: number;
  accepted: number;
  segments: number;
  options: SaSgdOptions;
  stdDevFloor: Float64Array | null;
}

const options = {
  gradient: {
    default: 'antithetic',
    choices: ['antithetic', 'central'],
    description:
      'gradient estimate: antithetic Gaussian smoothing (2m evaluations) or central differences (2n)',
  },
  samples: {
    default: 10,
    dimensionDefault: (n: number) => 4 + Math.floor(3 * Math.log(n)),
    defaultText: '4 + floor(3 ln n)',
    min: 1,
    integer: true,
    description: 'antithetic pairs m per gradient estimate (gradient: antithetic)',
  },
  stepSize: {
    default: 1e-3,
    min: 1e-12,
    description: 'smoothing scale σ (antithetic) or difference step h (central), internal units',
  },
  learningRate: {
    default: 0,
    min: 0,
    description: 'initial learning rate α₀; 0 = choose it so that the first step is 0.1 internal units long',
  },
  momentum: { default: 0.5, min: 0, max: 0.999, description: 'initial heavy-ball momentum μ₀' },
  maxMomentum: { default: 0.95, min: 0, max: 0.999, description: 'upper limit of the annealed momentum' },
  segmentSteps: {
    default: 5,
    min: 1,
    integer: true,
    description: 'inner SGD steps K per annealing segment (one generation each)',
  },
  learningRateProposal: {
    default: 0.7,
    min: 0,
    description: 'standard deviation s_α of the proposal for log α (0 = do not anneal α)',
  },
  momentumProposal: {
    default: 0.1,
    min: 0,
    description: 'standard deviation s_μ of the proposal for μ (0 = do not anneal μ)',
  },
  energy: {
    default: 'progress',
    choices: ['progress', 'relative', 'absolute'],
    description:
      'Metropolis ΔE: in units of the segment’s progress (E′ − E)/(E₀ − E), relative (E′ − E)/|E|, or absolute E′ − E',
  },
  initialTemperature: {
    default: 0.1,
    min: 0,
    description:
      'initial temperature T₀ (progress energy: a proposal making 10 % less progress is accepted with p = e⁻¹ at T = 0.1)',
  },
  coolingRate: {
    default: 0.9,
    min: 0,
    max: 1,
    description: 'geometric cooling factor applied to T after every segment',
  },
  hypergradient: {
    default: false,
    description:
      'adapt α online by hypergradient descent (SGD-HD, Baydin et al. 2018); SA then anneals μ only',
  },
  hypergradientRate: {
    default: 0.05,
    min: 0,
    description: 'hypergradient step β relative to α₀/|ĝ(θ₀)|² (with hypergradient: true)',
  },
} satisfies OptionSpecs;

export type SaSgdOptions = {
  gradient: string;
  samples: number;
  stepSize: number;
  learningRate: number;
  momentum: number;
  maxMomentum: number;
  segmentSteps: number;
  learningRateProposal: number;
  momentumProposal: number;
  energy: string;
  initialTemperature: number;
  coolingRate: number;
  hypergradient: boolean;
  hypergradientRate: number;
};

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k] * b[k];
  return sum;
}

function anneals(o: SaSgdOptions): boolean {
  return o.momentumProposal > 0 || (!o.hypergradient && o.learningRateProposal > 0);
}

function smoothingScales(state: SaSgdState, n: number): Float64Array {
  return flooredScales(n, state.options.stepSize, state.stdDevFloor);
}

function drawDirections(rng: Rng, state: SaSgdState, n: number): Float64Array[] {
  if (state.options.gradient === 'central') return randomOrthonormalBasis(rng, n);
  return Array.from({ length: state.options.samples }, () => rng.gaussians(new Float64Array(n)));
}

function estimateGradient(
  state: SaSgdState,
  points: Float64Array[],
  values: ArrayLike<number>,
  scales: Float64Array,
): Float64Array {
  if (state.options.gradient === 'central') return centralDifferenceGradient(points, values);
  const n = scales.length;
  const gradient = new Float64Array(n);
  const m = state.directions.length;
  state.directions.forEach((epsilon, j) => {
    const difference = values[2 * j] - values[2 * j + 1];
    // Eq. (antithetic), with a per-coordinate σ_k when integer parameters raise it.
    for (let k = 0; k < n; k++) gradient[k] += (difference * epsilon[k]) / (2 * scales[k] * m);
  });
  return gradient;
}

/** One heavy-ball step of a chain from its θ with gradient g (hypergradient first, if on). */
export function sgdStep(chain: SgdChain, gradient: Float64Array, hypergradientBeta: number): SgdChain {
  let learningRate = chain.learningRate;
  if (hypergradientBeta > 0) {
    // Eq. (SGD-HD): α_t = α_{t−1} + β ∇f(θ_{t−1})·v_{t−1}, v_{t−1} = ∇f(θ_{t−2}) when μ = 0
    const proposed = learningRate + hypergradientBeta * dot(gradient, chain.velocity);
    learningRate = Math.max(proposed, learningRate / 2);
  }
  const velocity = Float64Array.from(chain.velocity, (v, k) => chain.momentum * v + gradient[k]); // Eq. (heavy ball)
  const theta = Float64Array.from(chain.theta, (x, k) => x - learningRate * velocity[k]);
  return { theta, velocity, learningRate, momentum: chain.momentum };
}

function energyDifference(state: SaSgdState, proposal: number, current: number, start: number): number {
  const o = state.options;
  if (o.energy === 'absolute') return proposal - current;
  if (proposal === current) return 0;
  const progress = start - current;
  const scale = o.energy === 'progress' && progress > 0 ? progress : Math.abs(current);
  return (proposal - current) / Math.max(scale, Number.MIN_VALUE);
}

function atSegmentEnd(state: SaSgdState): boolean {
  return !state.anchor || state.step === state.options.segmentSteps;
}

export const saSgd = defineStrategy<SaSgdState, SaSgdOptions>({
  id: 'sa-sgd',
  title: 'SA over SGD (learning rate, momentum)',
  summary:
    'SGD with momentum on estimated gradients (antithetic Gaussian smoothing or central differences); its ' +
    'learning rate and momentum are annealed by simulated annealing over short paired segments of steps, or ' +
    'the learning rate follows hypergradient descent. For smooth black boxes where a tuned first-order method pays.',
  reference: 'Seed 003; Baydin et al. 2018, arXiv:1703.04782 (SGD-HD); Kirkpatrick et al. 1983 (SA)',
  options,

  init(_rng, start, opts, context?: InitContext): SaSgdState {
    const chain: SgdChain = {
      theta: Float64Array.from(start),
      velocity: new Float64Array(start.length),
      learningRate: opts.learningRate,
      momentum: Math.min(opts.momentum, opts.maxMomentum),
    };
    return {
      anchor: null,
      chains: [chain],
      step: 0,
      temperature: opts.initialTemperature,
      uniform: 0,
      directions: [],
      hypergradientBeta: 0,
      accepted: 0,
      segments: 0,
      options: { ...opts },
      stdDevFloor: context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null,
    };
  },

  ask(rng, state) {
    let next = state;
    const o = state.options;
    if (next.anchor && next.step === 0) {
      // A new segment: the current hyperparameters and (when annealing) a proposal both take
      // their first step from the anchor, with the gradient already known there.
      const anchor = next.anchor;
      const chains: SgdChain[] = [anchor];
      let uniform = 0;
      if (anneals(o)) {
        const learningRate =
          !o.hypergradient && o.learningRateProposal > 0
            ? anchor.learningRate * Math.exp(o.learningRateProposal * rng.gaussian())
            : anchor.learningRate;
        const momentum =
          o.momentumProposal > 0
            ? Math.min(o.maxMomentum, Math.abs(anchor.momentum + o.momentumProposal * rng.gaussian()))
            : anchor.momentum;
        chains.push({ ...anchor, learningRate, momentum });
        uniform = rng.uniform();
      }
      next = {
        ...next,
        uniform,
        chains: chains.map((chain) => sgdStep(chain, anchor.gradient, next.hypergradientBeta)),
        step: 1,
      };
    }
    const n = next.chains[0].theta.length;
    // The chains share the directions (common random numbers: a fairer comparison).
    next = { ...next, directions: drawDirections(rng, next, n) };
    const scales = smoothingScales(next, n);
    const centres = atSegmentEnd(next) ? next.chains.map((chain) => Float64Array.from(chain.theta)) : [];
    // θ ± σ⊙d for every direction d, pair by pair.
    const stencils = next.chains.flatMap((chain) => mirroredPairs(chain.theta, next.directions, scales));
    return { candidates: [...centres, ...stencils], state: next };
  },

  tell(state, candidates, fitness): TellResult<SaSgdState> {
    const n = state.chains[0].theta.length;
    const scales = smoothingScales(state, n);
    const centres = atSegmentEnd(state) ? state.chains.length : 0;
    const perChain = 2 * state.directions.length;
    const gradients = state.chains.map((_, c) => {
      const from = centres + c * perChain;
      return estimateGradient(
        state,
        candidates.slice(from, from + perChain),
        fitness.subarray(from, from + perChain),
        scales,
      );
    });

    if (!state.anchor) {
      const chain = state.chains[0];
      const gradient = gradients[0];
      const gradientNorm = Math.sqrt(dot(gradient, gradient));
      const learningRate =
        chain.learningRate > 0 ? chain.learningRate : gradientNorm > 0 ? 0.1 / gradientNorm : 1;
      const beta =
        state.options.hypergradient && gradientNorm > 0
          ? (state.options.hypergradientRate * learningRate) / gradientNorm ** 2
          : 0;
      const anchor: Anchor = { ...chain, learningRate, fitness: fitness[0], gradient };
      const next = { ...state, anchor, chains: [anchor], hypergradientBeta: beta, step: 0 };
      return {
        state: next,
        metrics: { learningRate, momentum: anchor.momentum, temperature: next.temperature },
      };
    }

    if (state.step < state.options.segmentSteps) {
      const chains = state.chains.map((chain, c) => sgdStep(chain, gradients[c], state.hypergradientBeta));
      const next = { ...state, chains, step: state.step + 1 };
      return { state: next, metrics: { learningRate: chains[0].learningRate, momentum: chains[0].momentum } };
    }

    // Segment end: Metropolis on the proposal's end loss against the current hyperparameters'.
    let winner = 0;
    if (state.chains.length === 2) {
      const delta = energyDifference(state, fitness[1], fitness[0], state.anchor.fitness);
      const accept =
        delta <= 0 || (state.temperature > 0 && state.uniform < Math.exp(-delta / state.temperature)); // Eq. (Metropolis)
      if (accept) winner = 1;
    }
    const anchor: Anchor = { ...state.chains[winner], fitness: fitness[winner], gradient: gradients[winner] };
    const annealed = state.chains.length === 2;
    const next: SaSgdState = {
      ...state,
      anchor,
      chains: [anchor],
      step: 0,
      temperature: annealed ? state.temperature * state.options.coolingRate : state.temperature, // Eq. (geometric cooling)
      accepted: state.accepted + winner,
      segments: state.segments + (annealed ? 1 : 0),
    };
    return {
      state: next,
      metrics: {
        learningRate: anchor.learningRate,
        momentum: anchor.momentum,
        temperature: next.temperature,
        acceptanceRate: next.segments > 0 ? next.accepted / next.segments : 0,
      },
    };
  },

  distribution(state) {
    const mean = state.chains[0].theta;
    return { mean, stdDevs: smoothingScales(state, mean.length), stepSize: state.options.stepSize };
  },
});
