/**
 * The evolution-path updates that full and diagonal CMA-ES share, with the equation numbers
 * of N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, Appendix A.
 * The two variants differ only in how they whiten the mean shift: C^{-1/2}⟨y⟩_w is B·⟨z⟩_w
 * for a full C and ⟨z⟩_w itself for a diagonal one.
 */
import type { CmaParameters } from './parameters';

export interface StepSizeUpdate {
  stepSize: number;
  /** h_σ ∈ {0, 1}: 0 stalls the rank-one update while ‖p_σ‖ is large (σ still increasing). */
  hSigma: number;
}

/**
 * Cumulative step-size adaptation. Writes p_σ ← (1 − c_σ)p_σ + √(c_σ(2 − c_σ)μ_eff)·C^{-1/2}⟨y⟩_w
 * (Eq. (43)) to `pathSigma` and returns σ·exp((c_σ/d_σ)(‖p_σ‖/E‖N(0,I)‖ − 1)) (Eq. (44)) with
 * h_σ for `generation`, the number of completed generations including this one.
 */
export function cumulateStepSize(
  p: CmaParameters,
  previousPathSigma: Float64Array,
  whitenedMeanShift: Float64Array,
  stepSize: number,
  generation: number,
  pathSigma: Float64Array,
): StepSizeUpdate {
  const n = p.dimension;
  const sigmaFactor = Math.sqrt(p.cSigma * (2 - p.cSigma) * p.muEff);
  let pathSigmaSquared = 0;
  for (let j = 0; j < n; j++) {
    const v = (1 - p.cSigma) * previousPathSigma[j] + sigmaFactor * whitenedMeanShift[j];
    pathSigma[j] = v;
    pathSigmaSquared += v * v;
  }
  const pathSigmaNorm = Math.sqrt(pathSigmaSquared);
  const nextStepSize = stepSize * Math.exp((p.cSigma / p.dSigma) * (pathSigmaNorm / p.chiN - 1));
  const hSigma =
    pathSigmaNorm / Math.sqrt(1 - (1 - p.cSigma) ** (2 * generation)) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;
  return { stepSize: nextStepSize, hSigma };
}

export interface CovarianceFactors {
  /** h_σ·√(c_c(2 − c_c)μ_eff), the weight of ⟨y⟩_w in p_c ← (1 − c_c)p_c + …·⟨y⟩_w (Eq. (45)). */
  pathFactor: number;
  /**
   * 1 + c1·δ(h_σ) − c1 − cμ·Σw_j, the factor on the old C in Eq. (47), with
   * δ(h_σ) = (1 − h_σ)·c_c(2 − c_c) making up for the variance the stalled path lacks.
   */
  decay: number;
}

export function covarianceFactors(p: CmaParameters, hSigma: number): CovarianceFactors {
  const pathFactor = hSigma * Math.sqrt(p.cc * (2 - p.cc) * p.muEff);
  const delta = (1 - hSigma) * p.cc * (2 - p.cc);
  const decay = 1 + p.c1 * delta - p.c1 - p.cMu * p.weightSum;
  return { pathFactor, decay };
}
