import { SearchSpace } from '../../engine/core/search-space';
import { describe, expect, it } from 'vitest';
import {
  ellipseAxes,
  ellipsePoints,
  foldCoordinate,
  foldProjection,
  mahalanobis2,
  projectDistribution,
  type Covariance2,
} from '../../renderer/src/lib/ellipse';

/** R(θ) diag(a², b²) R(θ)ᵀ: an ellipse with semi-axes a, b at angle θ. */
function rotated(a: number, b: number, theta: number): Covariance2 {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return {
    xx: a * a * c * c + b * b * s * s,
    xy: (a * a - b * b) * c * s,
    yy: a * a * s * s + b * b * c * c,
  };
}

describe('ellipse geometry', () => {
  it('recovers semi-axes and angle of a rotated covariance', () => {
    const axes = ellipseAxes(rotated(2, 0.5, Math.PI / 6));
    expect(axes.major).toBeCloseTo(2, 12);
    expect(axes.minor).toBeCloseTo(0.5, 12);
    expect(axes.angle).toBeCloseTo(Math.PI / 6, 12);
  });

  it('scales the axes with k (the kσ contour)', () => {
    const one = ellipseAxes(rotated(3, 1, -0.4), 1);
    const two = ellipseAxes(rotated(3, 1, -0.4), 2);
    expect(two.major).toBeCloseTo(2 * one.major, 12);
    expect(two.minor).toBeCloseTo(2 * one.minor, 12);
    expect(one.angle).toBeCloseTo(-0.4, 12);
  });

  it('handles an isotropic and a degenerate covariance', () => {
    expect(ellipseAxes({ xx: 4, xy: 0, yy: 4 })).toEqual({ major: 2, minor: 2, angle: 0 });
    const flat = ellipseAxes({ xx: 1, xy: 1, yy: 1 });
    expect(flat.major).toBeCloseTo(Math.SQRT2, 12);
    expect(flat.minor).toBeCloseTo(0, 6);
    expect(flat.angle).toBeCloseTo(Math.PI / 4, 12);
  });

  it('puts every polygon point at Mahalanobis distance k', () => {
    const projection = { mean: [0.3, -1.2] as [number, number], covariance: rotated(1.5, 0.2, 1.1) };
    for (const k of [1, 2]) {
      const points = ellipsePoints(projection, k, 48);
      expect(points).toHaveLength(49);
      expect(points[0][0]).toBeCloseTo(points[48][0], 12);
      for (const point of points) expect(mahalanobis2(projection, point)).toBeCloseTo(k * k, 9);
    }
  });

  it('projects a full covariance onto a chosen pair', () => {
    // 3×3 row-major; pick coordinates 2 and 0.
    const covariance = [4, 0.5, 1, 0.5, 9, -2, 1, -2, 16];
    const projection = projectDistribution({ mean: [1, 2, 3], covariance, stepSize: 1 }, 2, 0);
    expect(projection).toEqual({ mean: [3, 1], covariance: { xx: 16, xy: 1, yy: 4 } });
  });

  it('projects standard deviations to a diagonal covariance', () => {
    const projection = projectDistribution({ mean: [0, 1, 2], stdDevs: [0.1, 0.2, 0.3], stepSize: 1 }, 1, 2);
    expect(projection!.covariance.xx).toBeCloseTo(0.04, 15);
    expect(projection!.covariance.xy).toBe(0);
    expect(projection!.covariance.yy).toBeCloseTo(0.09, 15);
    expect(projectDistribution({ mean: [0, 1], stepSize: 1 }, 0, 5)).toBeNull();
  });

  it('folds bounded coordinates like the search space reflects them', () => {
    expect(foldCoordinate(1.1, true, 'reflect')).toEqual({ value: expect.closeTo(0.9, 12), mirrored: true });
    expect(foldCoordinate(-0.25, true, 'reflect')).toEqual({ value: 0.25, mirrored: true });
    expect(foldCoordinate(2.3, true, 'reflect')).toEqual({ value: expect.closeTo(0.3, 12), mirrored: false });
    expect(foldCoordinate(1.1, false, 'reflect')).toEqual({ value: 1.1, mirrored: false });
    const folded = foldProjection(
      { mean: [1.2, 0.5], covariance: { xx: 1, xy: 0.3, yy: 2 } },
      true,
      true,
      'reflect',
    );
    expect(folded.mean[0]).toBeCloseTo(0.8, 12);
    expect(folded.covariance.xy).toBe(-0.3);
    const both = foldProjection(
      { mean: [1.2, -0.5], covariance: { xx: 1, xy: 0.3, yy: 2 } },
      true,
      true,
      'reflect',
    );
    expect(both.covariance.xy).toBe(0.3);
  });

  it('folds by default as the default search space maps (lin-quad)', () => {
    const space = new SearchSpace([{ name: 'a', lower: 0, upper: 1 }]);
    for (const x of [-0.7, -0.03, 0.02, 0.5, 0.97, 1.04, 1.3, 2.6]) {
      expect(foldCoordinate(x, true).value).toBeCloseTo(space.toParams([x]).a, 12);
    }
    expect(foldCoordinate(1.3, true).mirrored).toBe(true);
    expect(foldCoordinate(0.5, true).mirrored).toBe(false);
  });
});
