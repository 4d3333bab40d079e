/**
 * The views fold internal coordinates into the box with the engine's own boundary transform,
 * so a sample is drawn where the search space evaluates it, whatever that transform is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../engine/core/search-space';
import { foldCoordinate } from '../../renderer/src/lib/ellipse';

describe('foldCoordinate', () => {
  it('puts a bounded coordinate where the search space maps it', () => {
    const space = new SearchSpace([{ name: 'u', lower: 0, upper: 1 }]);
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (x) => {
        expect(foldCoordinate(x, true).value).toBeCloseTo(space.toParams([x]).u, 12);
      }),
    );
  });

  it('is mirrored exactly where the mapped value moves against x', () => {
    const space = new SearchSpace([{ name: 'u', lower: 0, upper: 1 }]);
    const h = 1e-6;
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (x) => {
        fc.pre(Math.abs(x - Math.round(x)) > 10 * h);
        const slope = space.toParams([x + h]).u - space.toParams([x - h]).u;
        expect(foldCoordinate(x, true).mirrored).toBe(slope < 0);
      }),
    );
  });
});
