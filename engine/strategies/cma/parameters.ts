/**
 * Default strategy parameters of CMA-ES, in the order and with the equation numbers of
 * N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, Appendix A (Table 1).
 * Shared by the full-covariance and the separable (diagonal) variant; the latter multiplies the
 * covariance learning rates by (n + 2)/3 (Ros & Hansen 2008).
 *
 * One deviation from Eq. (57), taken from Hansen's own reference implementation pycma: the
 * rank-μ rate uses μ_eff − 2 + 1/μ_eff + 1/4, which matters in small dimensions (+50 % c_μ at
 * n = 2, +17 % at n = 10). Measured over 40 seeds, mean evaluations to f < 1e-8, tutorial →
 * pycma variant (pycma 4.4.0 itself, 15 seeds): ellipsoid n = 2: 492 → 428 (442), rotated
 * ellipsoid n = 2: 493 → 429 (433), Rosenbrock n = 2: 577 → 491 (481), ellipsoid n = 10:
 * 4134 → 3982 (4055); Rosenbrock n = 10 5258 → 5436 (5214).
 *
 * A second one from pycma (`CMAAdaptSigmaCSA.initialize` in sigma_adaptation.py; Hansen's C
 * and Java implementations have it too): c_σ = (μ_eff + 2)/(n + μ_eff + 3) instead of the + 5
 * of Eq. (55), and d_σ with that c_σ. The path for σ forgets faster in small dimensions
 * (n = 2, λ = 6: 0.446 → 0.573; n = 10, λ = 10: 0.284 → 0.320). Measured over seeds 1–1000,
 * Rosenbrock n = 10 without restarts, successes / mean evaluations of the successful runs,
 * tutorial → pycma's c_σ (pycma 4.4.0 itself): 903 / 5372 → 924 / 5309 (924 / 5312); sphere,
 * 100 seeds, mean evaluations, n = 2: 236 → 226 (232), n = 10: 1440 → 1414 (1428), n = 30:
 * 4014 → 3990 (3981).
 */

export interface CmaParameters {
  dimension: number;
  /** Population size λ. */
  lambda: number;
  /** Number of positive recombination weights μ = ⌊λ/2⌋. */
  mu: number;
  /** Recombination weights w_1..w_λ for the ranked candidates (positive ones sum to 1). */
  weights: Float64Array;
  /** Σ_j w_j over all λ weights (≈ −c1/cμ with active CMA, 1 without). */
  weightSum: number;
  muEff: number;
  /** Learning rate of the mean, c_m. */
  cMean: number;
  cSigma: number;
  dSigma: number;
  cc: number;
  c1: number;
  cMu: number;
  /** E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)). */
  chiN: number;
}

export interface ParameterVariant {
  /** Negative weights for the worse half (active CMA), as in the tutorial's defaults. */
  active: boolean;
  /** Factor on c1 and cμ: 1 for full CMA, (n + 2)/3 for sep-CMA. */
  covarianceRateScale: number;
}

export function cmaParameters(n: number, lambda: number, variant: ParameterVariant): CmaParameters {
  // Eq. (49): μ = ⌊λ/2⌋ and the preliminary weights w'_i = ln((λ+1)/2) − ln i.
  const mu = Math.floor(lambda / 2);
  const raw = Float64Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  let positiveSum = 0;
  let positiveSquares = 0;
  let negativeSum = 0;
  let negativeSquares = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i];
    if (w > 0) {
      positiveSum += w;
      positiveSquares += w * w;
    } else if (w < 0) {
      negativeSum += -w;
      negativeSquares += w * w;
    }
  }
  // Eq. (50): variance effective selection mass of the positive (and negative) weights.
  const muEff = (positiveSum * positiveSum) / positiveSquares;
  const muEffMinus = negativeSquares > 0 ? (negativeSum * negativeSum) / negativeSquares : 0;

  // Eq. (54)–(58), in the tutorial's order: c_m, c_σ and d_σ, c_c, c_1, c_μ.
  const cMean = 1;
  // Eq. (55) with pycma's + 3 (see the note at the top).
  const cSigma = (muEff + 2) / (n + muEff + 3);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const alphaCov = 2;
  const scale = variant.covarianceRateScale;
  const c1 = Math.min(1, (scale * alphaCov) / ((n + 1.3) ** 2 + muEff));
  // Eq. (57) with pycma's + 1/4 (see the note at the top).
  const cMu = Math.min(
    1 - c1,
    (scale * alphaCov * (0.25 + muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2),
  );

  // Eq. (51)–(53): negative weights scaled by min(α_μ⁻, α_μeff⁻, α_posdef⁻) so that the
  // active update neither removes more variance than it adds nor breaks positive definiteness.
  const weights = new Float64Array(lambda);
  const useNegative = variant.active && cMu > 0 && negativeSum > 0;
  const alphaMuMinus = 1 + c1 / cMu;
  const alphaMuEffMinus = 1 + (2 * muEffMinus) / (muEff + 2);
  const alphaPosDefMinus = (1 - c1 - cMu) / (n * cMu);
  const negativeScale = useNegative
    ? Math.min(alphaMuMinus, alphaMuEffMinus, alphaPosDefMinus) / negativeSum
    : 0;
  let weightSum = 0;
  for (let i = 0; i < lambda; i++) {
    const w = raw[i];
    weights[i] = w >= 0 ? w / positiveSum : useNegative ? w * negativeScale : 0;
    weightSum += weights[i];
  }
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { dimension: n, lambda, mu, weights, weightSum, muEff, cMean, cSigma, dSigma, cc, c1, cMu, chiN };
}

/** pycma's `tolconditioncov`: beyond this condition number of C, rounding dominates its smallest axes. */
export const MAX_CONDITION = 1e14;

/** Default population size λ = 4 + ⌊3 ln n⌋ (Eq. (48)). */
export function defaultPopulationSize(n: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, n)));
}
