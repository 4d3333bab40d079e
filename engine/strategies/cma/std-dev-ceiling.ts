/**
 * Bounded parameters (`InitContext.stdDevCeiling`) in CMA-ES: after each update, any coordinate
 * whose sampling standard deviation σ·√C_ii exceeds its ceiling is scaled down to it. This is
 * pycma's default for bounded problems (option `maxstd_boundrange` = 1/3 of the range, applied
 * in `CMAEvolutionStrategy._stds_into_limits` by rescaling coordinate i of its sampling
 * transformation). Beyond a third of the range the boundary map folds most samples of that
 * coordinate back into the box, f looks like noise along it, and σ can grow without bound while
 * the mean drifts through mirrored copies of the box.
 *
 * Scaling coordinate i by f_i is the congruence C ← F·C·F with F = diag(f) (row and column i
 * by f_i, so C_ii by f_i²): C stays positive definite and the correlations are kept. The
 * evolution path p_c is a vector in the same coordinates and is scaled alike; p_σ lives in the
 * whitened coordinates, which the change of coordinates leaves as they are.
 */
import { packedDiagonal, packedRow } from './packed';
import { scratchArena } from './scratch';
import { varianceAt } from './variance-floor';

const factorScratch = scratchArena();

/**
 * The factors f_i = ceiling_i/(σ·√v_i) where σ·√v_i > ceiling_i, else 1, for the n variances
 * v_i at `variances[at(i)]` (a scratch vector, valid until the next call); null when there is
 * no ceiling or every factor is 1.
 */
function ceilingFactors(
  variances: Float64Array,
  n: number,
  at: (i: number) => number,
  stepSize: number,
  ceiling: Float64Array | null | undefined,
): Float64Array | null {
  if (!ceiling) return null;
  const factors = factorScratch(n);
  let any = false;
  for (let i = 0; i < ceiling.length; i++) {
    const stdDev = stepSize * Math.sqrt(variances[at(i)]);
    factors[i] = stdDev > ceiling[i] ? ceiling[i] / stdDev : 1;
    if (factors[i] !== 1) any = true;
  }
  return any ? factors : null;
}

/**
 * A full covariance (its packed lower triangle, cma/packed.ts) and its path p_c: C ← F·C·F and
 * p_c ← F·p_c where some σ·√C_ii exceeds ceiling_i (see the header). Returns whether anything
 * changed.
 */
export function lowerCovarianceToCeiling(
  covariance: Float64Array,
  n: number,
  stepSize: number,
  ceiling: Float64Array | null | undefined,
  pathC: Float64Array,
): boolean {
  const factors = ceilingFactors(covariance, n, packedDiagonal, stepSize, ceiling);
  if (!factors) return false;
  for (let i = 0; i < n; i++) {
    const fi = factors[i];
    const row = packedRow(i);
    for (let j = 0; j <= i; j++) covariance[row + j] *= fi * factors[j];
    pathC[i] *= fi;
  }
  return true;
}

/** The diagonal variant: v_i ← f_i²·v_i and p_c,i ← f_i·p_c,i. Returns whether anything changed. */
export function lowerVariancesToCeiling(
  variances: Float64Array,
  stepSize: number,
  ceiling: Float64Array | null | undefined,
  pathC: Float64Array,
): boolean {
  const factors = ceilingFactors(variances, variances.length, varianceAt, stepSize, ceiling);
  if (!factors) return false;
  for (let i = 0; i < variances.length; i++) {
    variances[i] *= factors[i] * factors[i];
    pathC[i] *= factors[i];
  }
  return true;
}
