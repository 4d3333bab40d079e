/**
 * Geometry of the sampling-ellipse view. A Gaussian N(m, C) projected onto coordinates
 * (i, j) is the 2-D Gaussian with mean (m_i, m_j) and the 2×2 sub-matrix of C (marginals
 * of a Gaussian are Gaussian). Its kσ ellipse is { x : (x−m)ᵀ C₂⁻¹ (x−m) = k² }, whose
 * semi-axes are k·√λ along the eigenvectors of C₂.
 */
import type { DistributionView } from '../../../electron/ipc-contract';
import { toUnitInterval, unitIntervalMirrored, type BoundaryMap } from '../../../engine/core/search-space';

/** Symmetric 2×2 matrix [[xx, xy], [xy, yy]]. */
export interface Covariance2 {
  xx: number;
  xy: number;
  yy: number;
}

export interface Projection2 {
  mean: [number, number];
  covariance: Covariance2;
}

/** Projects a distribution onto coordinates i and j; null if the indices are out of range. */
export function projectDistribution(
  distribution: DistributionView,
  i: number,
  j: number,
): Projection2 | null {
  const n = distribution.mean.length;
  if (i < 0 || j < 0 || i >= n || j >= n) return null;
  const mean: [number, number] = [distribution.mean[i], distribution.mean[j]];
  if (distribution.covariance && distribution.covariance.length === n * n) {
    const c = distribution.covariance;
    return {
      mean,
      covariance: { xx: c[i * n + i], xy: 0.5 * (c[i * n + j] + c[j * n + i]), yy: c[j * n + j] },
    };
  }
  if (distribution.stdDevs && distribution.stdDevs.length === n) {
    const s = distribution.stdDevs;
    return { mean, covariance: { xx: s[i] * s[i], xy: 0, yy: s[j] * s[j] } };
  }
  const s2 = distribution.stepSize * distribution.stepSize;
  return { mean, covariance: { xx: s2, xy: 0, yy: s2 } };
}

export interface EllipseAxes {
  /** Semi-axis lengths, major first. */
  major: number;
  minor: number;
  /** Angle of the major axis from the x axis, radians in (−π/2, π/2]. */
  angle: number;
}

/** Eigen-decomposition of a symmetric 2×2 matrix, scaled to the kσ contour. */
export function ellipseAxes(covariance: Covariance2, k = 1): EllipseAxes {
  const { xx, xy, yy } = covariance;
  const halfTrace = 0.5 * (xx + yy);
  const radius = Math.hypot(0.5 * (xx - yy), xy);
  // Clamp tiny negative eigenvalues from rounding (a covariance is positive semi-definite).
  const large = Math.max(0, halfTrace + radius);
  const small = Math.max(0, halfTrace - radius);
  const angle = radius === 0 ? 0 : 0.5 * Math.atan2(2 * xy, xx - yy);
  return { major: k * Math.sqrt(large), minor: k * Math.sqrt(small), angle };
}

/** Closed polygon approximating the kσ ellipse (first point repeated at the end). */
export function ellipsePoints(projection: Projection2, k: number, segments = 64): [number, number][] {
  const { major, minor, angle } = ellipseAxes(projection.covariance, k);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const [cx, cy] = projection.mean;
  const points: [number, number][] = [];
  for (let s = 0; s <= segments; s++) {
    const t = (2 * Math.PI * s) / segments;
    const u = major * Math.cos(t);
    const v = minor * Math.sin(t);
    points.push([cx + u * cos - v * sin, cy + u * sin + v * cos]);
  }
  return points;
}

/** Squared Mahalanobis distance of a point from the projected distribution (for tests and tooltips). */
export function mahalanobis2(projection: Projection2, point: [number, number]): number {
  const { xx, xy, yy } = projection.covariance;
  const det = xx * yy - xy * xy;
  const dx = point[0] - projection.mean[0];
  const dy = point[1] - projection.mean[1];
  return (yy * dx * dx - 2 * xy * dx * dy + xx * dy * dy) / det;
}

/**
 * Where an internal coordinate is actually evaluated: bounded coordinates are mapped into
 * [0, 1] by the search space's boundary transform (engine/core/search-space.ts), so with
 * `reflect` a sample at 1.1 is evaluated at 0.9. `mirrored` says whether the transform flipped
 * the axis' direction there.
 */
export function foldCoordinate(
  x: number,
  bounded: boolean,
  boundary: BoundaryMap = 'linquad',
): { value: number; mirrored: boolean } {
  if (!bounded) return { value: x, mirrored: false };
  return { value: toUnitInterval(x, boundary), mirrored: unitIntervalMirrored(x, boundary) };
}

/**
 * The projected distribution as seen inside the box: its mean folded like a sample, and the
 * correlation's sign flipped when exactly one axis is mirrored there (a mirror reverses that
 * axis, which turns a rising ellipse into a falling one).
 */
export function foldProjection(
  projection: Projection2,
  boundedX: boolean,
  boundedY: boolean,
  boundary: BoundaryMap = 'linquad',
): Projection2 {
  const x = foldCoordinate(projection.mean[0], boundedX, boundary);
  const y = foldCoordinate(projection.mean[1], boundedY, boundary);
  const flip = x.mirrored !== y.mirrored;
  return {
    mean: [x.value, y.value],
    covariance: { ...projection.covariance, xy: flip ? -projection.covariance.xy : projection.covariance.xy },
  };
}
