import { describe, expect, it } from 'vitest';
import { layoutVersion, regions } from '../../../../engine/wasm/kernels';
import { regionCache } from '../../../../engine/strategies/cma/region-cache';

describe('regionCache', () => {
  it('returns the same views while sizes and layout are unchanged, fresh ones after a region moved', () => {
    const get = regionCache((n, m) => ({ testCacheA: n, testCacheB: n * m }));
    const first = get(4, 3);
    expect(get(4, 3)).toBe(first);
    expect(first.views.testCacheB.length).toBe(12);
    expect(first.at.testCacheA).toBe(first.views.testCacheA.byteOffset);
    const before = layoutVersion();
    // Another caller's larger request moves a region and may grow (detach) the memory.
    regions({ testCacheOther: 1 << 20 });
    expect(layoutVersion()).toBeGreaterThan(before);
    const second = get(4, 3);
    expect(second === first).toBe(false);
    second.views.testCacheA.fill(7);
    expect(second.views.testCacheA[3]).toBe(7);
    expect(get(5, 3).views.testCacheA.length).toBe(5);
  });
});
