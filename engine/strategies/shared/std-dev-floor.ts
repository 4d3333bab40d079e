/**
 * The per-coordinate floor that integer parameters put under a strategy's perturbation scale
 * (`InitContext.stdDevFloor`: a third of one integer step, so rounded values keep moving).
 * Strategies with one scale for all coordinates — a sampling σ, a difference step, a trust
 * region's width — raise it coordinate by coordinate to this floor.
 */

/**
 * `scale` in each of the `dimension` coordinates, raised to `floor[i]` where that is larger.
 * `floor` is null or empty when no parameter is an integer.
 */
export function flooredScales(dimension: number, scale: number, floor: Float64Array | null): Float64Array {
  if (!floor || floor.length === 0) return new Float64Array(dimension).fill(scale);
  return Float64Array.from({ length: dimension }, (_, i) => Math.max(scale, floor[i]));
}
