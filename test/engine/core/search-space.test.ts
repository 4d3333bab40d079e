import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  linQuadMargin,
  linQuadUnit,
  linQuadUnitInverse,
  reflectUnit,
  SearchSpace,
  unitIntervalMirrored,
} from '../../../engine/core/search-space';

describe('reflectUnit', () => {
  it('is the identity on [0, 1] and maps every real into [0, 1]', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => reflectUnit(u) === u));
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const u = reflectUnit(x);
        return u >= 0 && u <= 1;
      }),
    );
  });

  it('mirrors at the bounds: continuous and symmetric around 0 and 1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (d) => {
        return (
          Math.abs(reflectUnit(-d) - reflectUnit(d)) < 1e-12 &&
          Math.abs(reflectUnit(1 + d) - reflectUnit(1 - d)) < 1e-12
        );
      }),
    );
  });

  it('says where it runs backwards: unitIntervalMirrored is the sign of its slope', () => {
    const h = 1e-6;
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), (x) => {
        fc.pre(Math.abs(x - Math.round(x)) > 10 * h); // the slope is undefined at the folds
        const slope = reflectUnit(x + h) - reflectUnit(x - h);
        return unitIntervalMirrored(x, 'reflect') === slope < 0;
      }),
    );
  });
});

describe('linQuadUnit (the default boundary map)', () => {
  const a = linQuadMargin;
  it('is the identity inside the margins and maps every real into [0, 1]', () => {
    fc.assert(fc.property(fc.double({ min: a, max: 1 - a, noNaN: true }), (u) => linQuadUnit(u) === u));
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const u = linQuadUnit(x);
        return u >= 0 && u <= 1;
      }),
    );
  });

  it('reaches each face with zero slope and is smooth (C¹) where its pieces meet', () => {
    expect(linQuadUnit(-a)).toBe(0);
    expect(linQuadUnit(1 + a)).toBe(1);
    const h = 1e-7;
    const slope = (x: number) => (linQuadUnit(x + h) - linQuadUnit(x - h)) / (2 * h);
    for (const x of [-a, 1 + a]) expect(Math.abs(slope(x))).toBeLessThan(1e-6);
    for (const x of [a, 1 - a]) expect(slope(x)).toBeCloseTo(1, 5);
    // Values and slopes agree from both sides of every joint (no kink, unlike reflection).
    for (const x of [-a, a, 1 - a, 1 + a, -0.5 - 2 * a, 1.5 + 2 * a]) {
      expect(Math.abs(linQuadUnit(x - h) - linQuadUnit(x + h))).toBeLessThan(1e-6);
      const left = (linQuadUnit(x) - linQuadUnit(x - h)) / h;
      const right = (linQuadUnit(x + h) - linQuadUnit(x)) / h;
      expect(Math.abs(left - right)).toBeLessThan(1e-4);
    }
  });

  it('is periodic and mirror-symmetric around each face', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), (x) => {
        const period = 2 * (1 + 2 * a);
        return (
          Math.abs(linQuadUnit(x + period) - linQuadUnit(x)) < 1e-9 &&
          Math.abs(linQuadUnit(-a - x) - linQuadUnit(-a + x)) < 1e-9 &&
          Math.abs(linQuadUnit(1 + a + x) - linQuadUnit(1 + a - x)) < 1e-9
        );
      }),
    );
  });

  it('says where it runs backwards: unitIntervalMirrored is the sign of its slope', () => {
    const h = 1e-6;
    const period = 2 * (1 + 2 * a);
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), (x) => {
        // At the faces the slope is zero, so its sign is undefined there.
        const phase = (((x + a) % period) + period) % period;
        fc.pre(Math.min(phase, Math.abs(phase - (1 + 2 * a)), period - phase) > 1e-3);
        const slope = linQuadUnit(x + h) - linQuadUnit(x - h);
        return unitIntervalMirrored(x) === slope < 0;
      }),
    );
  });

  it('round-trips through its inverse on [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => {
        const x = linQuadUnitInverse(u);
        return x >= -a && x <= 1 + a && Math.abs(linQuadUnit(x) - u) < 1e-12;
      }),
    );
  });
});

const bounds = fc
  .tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }))
  .map(([lower, width]) => ({ lower, upper: lower + width }));

describe('SearchSpace', () => {
  it('round-trips values inside linear bounds', () => {
    fc.assert(
      fc.property(bounds, fc.double({ min: 0, max: 1, noNaN: true }), ({ lower, upper }, u) => {
        const space = new SearchSpace([{ name: 'a', lower, upper }]);
        const value = lower + u * (upper - lower);
        const back = space.toParams(space.toInternal({ a: value })).a;
        return Math.abs(back - value) <= 1e-9 * Math.max(1, Math.abs(value), upper - lower);
      }),
    );
  });

  it('keeps every internal point inside the bounds, log scale included', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1, noNaN: true }),
        fc.double({ min: 1.5, max: 1e9, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (lower, factor, x) => {
          const upper = lower * factor;
          const space = new SearchSpace([{ name: 'r', lower, upper, scale: 'log' }]);
          const value = space.toParams([x]).r;
          return value >= lower && value <= upper;
        },
      ),
    );
  });

  it('spaces a log-scale parameter evenly in decades', () => {
    const space = new SearchSpace([{ name: 'R', lower: 10, upper: 1e6, scale: 'log' }], {
      boundary: 'reflect',
    });
    expect(space.toParams([0]).R).toBeCloseTo(10, 9);
    expect(space.toParams([0.4]).R).toBeCloseTo(1000, 6);
    expect(space.toParams([1]).R).toBeCloseTo(1e6, 3);
    expect(space.toInternal({ R: 1e4 })[0]).toBeCloseTo(0.6, 12);
    // The default map reaches the bounds a margin outside the unit interval, smoothly.
    const linQuad = new SearchSpace([{ name: 'R', lower: 10, upper: 1e6, scale: 'log' }]);
    expect(linQuad.toParams([0.4]).R).toBeCloseTo(1000, 6);
    expect(linQuad.toParams([-linQuadMargin]).R).toBeCloseTo(10, 9);
    expect(linQuad.toParams([1 + linQuadMargin]).R).toBeCloseTo(1e6, 3);
    expect(linQuad.toInternal({ R: 10 })[0]).toBeCloseTo(-linQuadMargin, 12);
  });

  it('draws restart points over the central 80 % of each bounded range', () => {
    const space = new SearchSpace([
      { name: 'a', lower: -5, upper: 5 },
      { name: 'r', lower: 1, upper: 1e4, scale: 'log' },
      { name: 'free' },
    ]);
    for (const u of [0, 0.5, 1 - 1e-12]) {
      const params = space.toParams(space.randomStart(() => u, Float64Array.of(0, 0, 7)));
      expect(params.a).toBeCloseTo(-4 + 8 * u, 9);
      expect(Math.log10(params.r)).toBeCloseTo(0.4 + 3.2 * u, 9);
      expect(params.free).toBe(7);
    }
  });

  it('rounds integer parameters into their bounds and gives them a step-size floor', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (x) => {
        const space = new SearchSpace([{ name: 'stages', lower: 1, upper: 8, type: 'integer' }]);
        const v = space.toParams([x]).stages;
        return Number.isInteger(v) && v >= 1 && v <= 8;
      }),
    );
    const space = new SearchSpace([
      { name: 'stages', lower: 1, upper: 8, type: 'integer' },
      { name: 'gain', lower: 0, upper: 1 },
    ]);
    const floor = space.stdDevFloor()!;
    expect(floor[0]).toBeGreaterThan(0);
    expect(floor[0]).toBeLessThan(1 / 7); // below one integer step in internal units
    expect(floor[1]).toBe(0);
  });

  it('caps the standard deviation of bounded parameters at a third of the range (pycma’s maxstd_boundrange)', () => {
    expect(new SearchSpace([{ name: 'free' }]).stdDevCeiling()).toBeUndefined();
    const space = new SearchSpace([
      { name: 'gain', lower: 0, upper: 1 },
      { name: 'free' },
      { name: 'rate', lower: 1e-4, upper: 1, scale: 'log' },
      { name: 'stages', lower: 1, upper: 8, type: 'integer' },
    ]);
    expect(Array.from(space.stdDevCeiling()!)).toEqual([1 / 3, Infinity, 1 / 3, 1 / 3]);
    // The integer floor stays below the ceiling, so the two never conflict.
    expect(Math.max(...space.stdDevFloor()!)).toBeLessThan(1 / 3);
  });

  it('passes fixed parameters through without a coordinate', () => {
    const space = new SearchSpace([
      { name: 'a', lower: 0, upper: 1 },
      { name: 'mode', fixed: 3 },
      { name: 'b' },
    ]);
    expect(space.dimension).toBe(2);
    expect(space.toParams([0.25, -7])).toEqual({ a: 0.25, mode: 3, b: -7 });
  });

  for (const [n, kinds] of [
    [5, 'mixed'],
    [300, 'mixed'],
    [7, 'bounded linear'],
    [300, 'bounded linear'],
  ] as const) {
    it(`gives toParams' values as numbers and names them into the same object (n = ${n}, ${kinds}, ${n > 128 ? 'no template' : 'template'})`, () => {
      const space = new SearchSpace(
        Array.from({ length: n }, (_, i) =>
          kinds === 'bounded linear'
            ? { name: `p${i}`, lower: -1 - i, upper: 2 + i * i }
            : i % 5 === 1
              ? { name: `p${i}`, fixed: i === 1 ? -0 : i / 7 }
              : i % 5 === 2
                ? { name: `p${i}`, lower: 1e-3, upper: 10, scale: 'log' as const }
                : i % 5 === 3
                  ? { name: `p${i}`, lower: -4, upper: 9, type: 'integer' as const }
                  : i % 5 === 4
                    ? { name: `p${i}` }
                    : { name: `p${i}`, lower: -5, upper: 5 },
        ),
      );
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), {
            minLength: space.dimension,
            maxLength: space.dimension,
          }),
          (x) => {
            const expected = space.toParams(x);
            const values = space.toValues(x);
            const named = space.paramsOf(values);
            expect(values).toHaveLength(n);
            expect(Object.keys(named)).toEqual(Object.keys(expected));
            expect(JSON.stringify(named)).toBe(JSON.stringify(expected));
            space.parameters.forEach((p, i) => {
              expect(Object.is(values[i], expected[p.name])).toBe(true);
              expect(Object.is(named[p.name], expected[p.name])).toBe(true);
            });
          },
        ),
        { numRuns: n > 100 ? 20 : 100, seed: 17 },
      );
    });
  }

  it('starts at init, else the middle of the range', () => {
    const space = new SearchSpace([
      { name: 'a', lower: 0, upper: 10, init: 2 },
      { name: 'b', lower: -1, upper: 1 },
      { name: 'c', init: 4 },
    ]);
    expect(Array.from(space.start())).toEqual([0.2, 0.5, 4]);
  });

  it('names the field in its errors', () => {
    expect(() => new SearchSpace([{ name: 'a', lower: 5, upper: 3 }])).toThrow(
      'parameters[0] (a).lower must be < upper (got 5 ≥ 3)',
    );
    expect(() => new SearchSpace([{ name: 'a', lower: 0, upper: 3, scale: 'log' }])).toThrow(/log.*> 0/);
    expect(() => new SearchSpace([{ name: 'a', lower: 0, upper: 3, init: 4 }])).toThrow(
      'parameters[0] (a).init must lie within',
    );
    expect(() => new SearchSpace([{ name: 'a', lower: 0 }])).toThrow('needs both lower and upper');
  });
});
