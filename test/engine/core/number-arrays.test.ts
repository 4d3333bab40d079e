import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sortedDescending, toNumberArray } from '../../../engine/core/number-arrays';

const sameNumbers = (a: number[], b: number[]) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('number arrays', () => {
  it('copies as Array.from does, with and without a map', () => {
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 300 }), (values) => {
        expect(sameNumbers(toNumberArray(values), Array.from(values))).toBe(true);
        const map = (v: number) => Number(v.toPrecision(3));
        expect(sameNumbers(toNumberArray(values, map), Array.from(values, map))).toBe(true);
      }),
      { seed: 5 },
    );
  });

  it('sorts descending exactly as Array.from(values).sort((a, b) => b - a), NaN, −0 and +0 included', () => {
    const special = fc.constantFrom(Number.NaN, -0, 0, Number.POSITIVE_INFINITY, 1e-300);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), special), { maxLength: 300 }), (numbers) => {
        const values = Float64Array.from(numbers);
        expect(
          sameNumbers(
            sortedDescending(values),
            Array.from(values).sort((a, b) => b - a),
          ),
        ).toBe(true);
      }),
      { seed: 9, numRuns: 300 },
    );
    const large = Float64Array.from({ length: 10_000 }, (_, i) => Math.abs(Math.sin(i * 0.37)) + 1e-9);
    expect(
      sameNumbers(
        sortedDescending(large),
        Array.from(large).sort((a, b) => b - a),
      ),
    ).toBe(true);
  });
});
