/**
 * Integer parameters (`InitContext.stdDevFloor`) in CMA-ES: after each update any C_ii with
 * σ·√C_ii < floor_i is raised to (floor_i/σ)². Raising diagonal entries keeps C positive
 * definite, so the full and the diagonal variant share the rule.
 */

/** Where C_ii is in a vector of variances (sep-CMA-ES). */
export const varianceAt = (i: number): number => i;

/**
 * Raises the variances C_ii, found at `variances[at(i)]` (cma/packed.ts's packedDiagonal for the
 * packed C of full CMA-ES, varianceAt for a vector of variances), to (floor_i/σ)² for
 * i < floor.length. Returns whether any was raised.
 */
export function raiseVariancesToFloor(
  variances: Float64Array,
  at: (i: number) => number,
  stepSize: number,
  floor: Float64Array | null,
): boolean {
  if (!floor) return false;
  let raised = false;
  for (let i = 0; i < floor.length; i++) {
    const minVariance = (floor[i] / stepSize) ** 2;
    if (variances[at(i)] < minVariance) {
      variances[at(i)] = minVariance;
      raised = true;
    }
  }
  return raised;
}
