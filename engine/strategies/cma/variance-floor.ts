/**
 * Integer parameters (`InitContext.stdDevFloor`) in CMA-ES: after each update any C_ii with
 * σ·√C_ii < floor_i is raised to (floor_i/σ)². Raising diagonal entries keeps C positive
 * definite, so the full and the diagonal variant share the rule.
 */

/**
 * Raises the variances C_ii, found at `variances[i·stride]` (stride n + 1 on the diagonal of a
 * row-major n×n matrix, 1 for a vector of variances), to (floor_i/σ)² for i < floor.length.
 * Returns whether any was raised.
 */
export function raiseVariancesToFloor(
  variances: Float64Array,
  stride: number,
  stepSize: number,
  floor: Float64Array | null,
): boolean {
  if (!floor) return false;
  let raised = false;
  for (let i = 0; i < floor.length; i++) {
    const minVariance = (floor[i] / stepSize) ** 2;
    if (variances[i * stride] < minVariance) {
      variances[i * stride] = minVariance;
      raised = true;
    }
  }
  return raised;
}
