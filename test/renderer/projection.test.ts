import { describe, expect, it } from 'vitest';
import { coordinateVariances, defaultPair, resolvePair } from '../../renderer/src/lib/projection';

describe('projection choice', () => {
  it('picks the two coordinates with the largest variance, in index order', () => {
    expect(defaultPair([0.1, 5, 0.2, 3])).toEqual([1, 3]);
    expect(defaultPair([9, 1, 8])).toEqual([0, 2]);
  });

  it('breaks ties by the lower index and ignores non-finite values', () => {
    expect(defaultPair([1, 1, 1, 1])).toEqual([0, 1]);
    expect(defaultPair([Number.NaN, 2, 2])).toEqual([1, 2]);
  });

  it('has no pair for fewer than two coordinates', () => {
    expect(defaultPair([3])).toBeNull();
    expect(defaultPair([])).toBeNull();
  });

  it('reads variances from a covariance diagonal, standard deviations, or the step size', () => {
    expect(coordinateVariances({ mean: [0, 0], covariance: [4, 1, 1, 9], stepSize: 1 })).toEqual([4, 9]);
    expect(coordinateVariances({ mean: [0, 0], stdDevs: [2, 3], stepSize: 1 })).toEqual([4, 9]);
    expect(coordinateVariances({ mean: [0, 0, 0], stepSize: 0.5 })).toEqual([0.25, 0.25, 0.25]);
  });

  it('keeps a valid user pick and replaces an invalid one', () => {
    const variances = [1, 4, 2];
    expect(resolvePair([2, 0], 3, variances)).toEqual([2, 0]);
    expect(resolvePair([1, 1], 3, variances)).toEqual([1, 2]);
    expect(resolvePair([0, 7], 3, variances)).toEqual([1, 2]);
    expect(resolvePair(null, 3, variances)).toEqual([1, 2]);
  });
});
