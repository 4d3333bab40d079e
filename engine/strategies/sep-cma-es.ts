/**
 * sep-CMA-ES: CMA-ES restricted to a diagonal covariance matrix.
 * R. Ros & N. Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space
 * Complexity", PPSN X (2008). The update equations are those of the full CMA-ES (Hansen,
 * "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, Appendix A) with C kept diagonal,
 * so B = I, D = √diag(C) and C^{-1/2}·y = z exactly; the covariance learning rates c1 and cμ are
 * multiplied by (n + 2)/3 because a diagonal has only n degrees of freedom to learn.
 *
 * O(n) time and memory per candidate, no eigendecomposition: the choice for n in the
 * thousands, for separable problems, and as a fast first try. It cannot learn correlations
 * between parameters (a rotated ellipsoid stays hard).
 *
 * Integer parameters (`context.stdDevFloor`): after each update any C_ii with
 * σ·√C_ii < floor_i is raised to (floor_i/σ)², as in cma-es.ts. Bounded parameters
 * (`context.stdDevCeiling`): any σ·√C_ii above ceiling_i is lowered to it, with p_c scaled alike
 * (cma/std-dev-ceiling.ts).
 */
import type { Rng } from '../core/rng';
import {
  defineStrategy,
  type Distribution,
  type InitContext,
  type Metrics,
  type OptionSpec,
} from '../core/strategy';
import { covarianceFactors, cumulateStepSize } from './cma/evolution-paths';
import { populationSizeOption, stepSizeOption } from './cma/options';
import { cmaParameters, MAX_CONDITION, type CmaParameters } from './cma/parameters';
import { scratchArena } from './cma/scratch';
import { raiseVariancesToFloor, varianceAt } from './cma/variance-floor';
import { lowerVariancesToCeiling } from './cma/std-dev-ceiling';
import { newVectors } from '../core/number-arrays';
import { copyRows, reuseVector } from './cma/vectors';
import { rankByFitness } from './shared/fitness-shaping';
import { address, regions, wasmKernels } from '../wasm/kernels';

export interface SepCmaEsState {
  dimension: number;
  parameters: CmaParameters;
  /** Completed generations (tells). */
  generation: number;
  mean: Float64Array;
  stepSize: number;
  pathSigma: Float64Array;
  pathC: Float64Array;
  /** The diagonal of C. */
  variances: Float64Array;
  stdDevFloor: Float64Array | null;
  /** Largest σ·√C_ii per coordinate (bounded parameters), or null; absent in older checkpoints. */
  stdDevCeiling?: Float64Array | null;
  trouble: string | null;
}

const options = {
  populationSize: populationSizeOption,
  stepSize: stepSizeOption,
  activeCma: {
    default: true,
    description:
      'active covariance update: the worse half of each generation gets negative weights (tutorial Eq. (53))',
  },
} satisfies Record<string, OptionSpec>;

interface SepCmaEsOptions extends Record<string, number | boolean | string> {
  populationSize: number;
  stepSize: number;
  activeCma: boolean;
}

const scratchBuffer = scratchArena();

/**
 * The state the last ask returned, whose candidates are still in the `sepSamples` region (null
 * once a tell has copied other candidates there). One module per thread, so one such state.
 */
let sampledFor: SepCmaEsState | null = null;

export const sepCmaEs = defineStrategy<SepCmaEsState, SepCmaEsOptions>({
  id: 'sep-cma-es',
  title: 'sep-CMA-ES (diagonal)',
  summary:
    'CMA-ES with a diagonal covariance: linear time per candidate, so it scales to thousands of parameters; learns per-parameter scales but not correlations.',
  reference:
    'R. Ros & N. Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and Space Complexity", PPSN 2008',
  options,
  populationOption: 'populationSize',

  init(_rng: Rng, start: Float64Array, opts: SepCmaEsOptions, context?: InitContext): SepCmaEsState {
    const n = start.length;
    const floor = context?.stdDevFloor ? Float64Array.from(context.stdDevFloor) : null;
    const ceiling = context?.stdDevCeiling ? Float64Array.from(context.stdDevCeiling) : null;
    const variances = new Float64Array(n).fill(1);
    const pathC = new Float64Array(n);
    raiseVariancesToFloor(variances, varianceAt, opts.stepSize, floor);
    lowerVariancesToCeiling(variances, opts.stepSize, ceiling, pathC);
    return {
      dimension: n,
      parameters: cmaParameters(n, opts.populationSize, {
        active: opts.activeCma,
        covarianceRateScale: (n + 2) / 3,
      }),
      generation: 0,
      mean: Float64Array.from(start),
      stepSize: opts.stepSize,
      pathSigma: new Float64Array(n),
      pathC,
      variances,
      stdDevFloor: floor,
      stdDevCeiling: ceiling,
      trouble: null,
    };
  },

  ask(rng, state, spare) {
    const n = state.dimension;
    const lambda = state.parameters.lambda;
    // x_k = m + σ·D·z_k with D = √diag(C), written as the normals are drawn (one pass over the
    // WebAssembly memory) and copied out. They stay in the memory for tell (see `sampledFor`);
    // the z_k need not be kept: tell recovers them from the x_k in O(n) each.
    const memory = regions({ sepSamples: lambda * n, sepMean: n, sepScales: n });
    const samples = memory.sepSamples;
    const scales = memory.sepScales;
    const sigma = state.stepSize;
    const variances = state.variances;
    for (let j = 0; j < n; j++) scales[j] = sigma * Math.sqrt(variances[j]);
    memory.sepMean.set(state.mean);
    rng.gaussianLanes(samples, { mean: memory.sepMean, scales });
    const candidates = copyRows(samples, lambda, n, spare);
    const asked = { ...state };
    sampledFor = asked;
    return { candidates, state: asked };
  },

  tell(state, candidates, fitness, spare) {
    const n = state.dimension;
    const p = state.parameters;
    const { lambda, weights } = p;
    const sigma = state.stepSize;
    if (candidates.length !== lambda) {
      throw new Error(
        `sep-cma-es tell() expects the ${lambda} candidates of the last ask() (got ${candidates.length})`,
      );
    }
    const order = rankByFitness(fitness);
    const inverseSigma = 1 / sigma;
    const memory = regions({
      sepSamples: lambda * n,
      sepMean: n,
      sepInverseScales: n,
      sepShift: n,
      sepSquares: n,
      sepShiftWeights: lambda,
      sepSquareWeights: lambda,
      sepNorms: lambda,
    });
    const { sepSamples: samples, sepShift: meanShift, sepSquares: rankMu } = memory;
    // The candidates, in their order, in the WebAssembly memory: still there from ask when this
    // is the state that ask returned (the caller passes its candidates unmodified), else copied
    // in. Either way the same sums in the same order follow, so a tell after a checkpoint
    // round trip gives bit for bit what it would have given.
    if (sampledFor !== state) {
      for (let k = 0; k < lambda; k++) samples.set(candidates[k], k * n);
      sampledFor = null;
    }
    const shiftWeights = memory.sepShiftWeights;
    const squareWeights = memory.sepSquareWeights;
    for (let rank = 0; rank < lambda; rank++) {
      const w = weights[rank];
      shiftWeights[order[rank]] = w > 0 ? w : 0;
      squareWeights[order[rank]] = w;
    }
    memory.sepMean.set(state.mean);
    // z = (x − m)/(σ·√C_ii): the inverse of ask's sampling.
    const inverseScales = memory.sepInverseScales;
    for (let j = 0; j < n; j++) inverseScales[j] = inverseSigma / Math.sqrt(state.variances[j]);
    const kernels = wasmKernels();
    // Eq. (46): w°_i = w_i · n/‖z_{i:λ}‖² for the negative weights.
    const norms = memory.sepNorms;
    for (let k = 0; k < lambda; k++) {
      if (squareWeights[k] >= 0) continue;
      kernels.scaledSquaredNorms(
        address(samples) + 8 * n * k,
        1,
        n,
        address(memory.sepMean),
        address(inverseScales),
        address(norms) + 8 * k,
      );
      squareWeights[k] = (squareWeights[k] * n) / norms[k];
    }
    // Eq. (41)–(42) and the rank-μ sum Σ w°_i y_i² (Eq. (46)–(47) on the diagonal); candidates
    // with weight 0 (without active CMA, the worse half) add nothing.
    meanShift.fill(0);
    rankMu.fill(0);
    kernels.weightedSums(
      address(samples),
      lambda,
      n,
      address(memory.sepMean),
      inverseSigma,
      address(shiftWeights),
      address(squareWeights),
      address(meanShift),
      address(rankMu),
    );
    const mean = state.mean;
    const meanNoise = scratchBuffer(n);
    // C^{-1/2}⟨y⟩_w = ⟨z⟩_w for a diagonal C: ⟨y⟩_w scaled by 1/√C_ii.
    for (let j = 0; j < n; j++) meanNoise[j] = meanShift[j] * sigma * inverseScales[j];
    const [newMean, pathSigma, pathC, variances] = spare
      ? [
          reuseVector(spare.mean, n, state.mean),
          reuseVector(spare.pathSigma, n, state.pathSigma),
          reuseVector(spare.pathC, n, state.pathC),
          reuseVector(spare.variances, n, state.variances),
        ]
      : newVectors(4, n);
    for (let j = 0; j < n; j++) newMean[j] = mean[j] + p.cMean * sigma * meanShift[j];

    // Eq. (43)–(44): CSA, with C^{-1/2}⟨y⟩_w = ⟨z⟩_w for a diagonal C, and h_σ.
    const generation = state.generation + 1;
    const { stepSize, hSigma } = cumulateStepSize(
      p,
      state.pathSigma,
      meanNoise,
      sigma,
      generation,
      pathSigma,
    );

    // Eq. (45) and (47) on the diagonal.
    const { pathFactor, decay } = covarianceFactors(p, hSigma);
    let minVariance = Number.POSITIVE_INFINITY;
    let maxVariance = 0;
    for (let j = 0; j < n; j++) {
      const pc = (1 - p.cc) * state.pathC[j] + pathFactor * meanShift[j];
      pathC[j] = pc;
      const v = decay * state.variances[j] + p.c1 * pc * pc + p.cMu * rankMu[j];
      variances[j] = v;
    }
    raiseVariancesToFloor(variances, varianceAt, stepSize, state.stdDevFloor);
    lowerVariancesToCeiling(variances, stepSize, state.stdDevCeiling, pathC);
    let trouble = state.trouble;
    for (let j = 0; j < n; j++) {
      const v = variances[j];
      if (!(v > 0) || !Number.isFinite(v)) trouble ??= 'a variance is no longer a positive finite number';
      if (v < minVariance) minVariance = v;
      if (v > maxVariance) maxVariance = v;
    }
    if (!Number.isFinite(stepSize) || stepSize <= 0)
      trouble ??= 'step size is no longer a positive finite number';

    const next: SepCmaEsState = {
      ...state,
      generation,
      mean: newMean,
      stepSize,
      pathSigma,
      pathC,
      variances,
      trouble,
    };
    const metrics: Metrics = {
      stepSize,
      axisRatio: Math.sqrt(maxVariance / minVariance),
      conditionNumber: maxVariance / minVariance,
      minStdDev: stepSize * Math.sqrt(minVariance),
      maxStdDev: stepSize * Math.sqrt(maxVariance),
    };
    return { state: next, metrics };
  },

  distribution(state): Distribution {
    const n = state.dimension;
    const stdDevs = new Float64Array(n);
    // Indexed loops: Float64Array.from with a map function costs ≈ 0.8 ms at n = 10 000.
    const scaledEvolutionPath = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      stdDevs[i] = state.stepSize * Math.sqrt(state.variances[i]);
      scaledEvolutionPath[i] = state.stepSize * state.pathC[i];
    }
    return {
      mean: Float64Array.from(state.mean),
      stdDevs,
      stepSize: state.stepSize,
      scaledEvolutionPath,
    };
  },

  /**
   * `strategy-converged` when the numerics broke, the condition number of C exceeds 1e14, or
   * adding 0.2σ·√C_ii to some coordinate of the mean leaves it unchanged (pycma's
   * `conditioncov` and `noeffectcoord`; for a diagonal C the principal axes are the coordinates).
   */
  shouldStop(state) {
    if (state.trouble) return 'strategy-converged';
    const { mean, variances, stepSize } = state;
    let minVariance = Number.POSITIVE_INFINITY;
    let maxVariance = 0;
    for (let i = 0; i < mean.length; i++) {
      const v = variances[i];
      if (v < minVariance) minVariance = v;
      if (v > maxVariance) maxVariance = v;
      if (mean[i] + 0.2 * stepSize * Math.sqrt(v) === mean[i]) return 'strategy-converged';
    }
    if (maxVariance > MAX_CONDITION * minVariance) return 'strategy-converged';
    return undefined;
  },
});
