import { describe, expect, it } from 'vitest';
import { BinarySink, decodeState, encodeState, roundTrip } from '../../../engine/core/state-codec';
import { createRng, restoreRng } from '../../../engine/core/rng';

describe('state codec', () => {
  it('restores Float64Arrays and non-finite numbers exactly', () => {
    const state = {
      mean: Float64Array.from([0.1, -1e-300, 1 / 3]),
      odd: Float64Array.from([Infinity, NaN]),
      best: -Infinity,
      nested: [{ x: Float64Array.of(2) }],
      flag: true,
      name: 'cma',
      none: null,
    };
    const back = roundTrip(state);
    expect(back.mean).toBeInstanceOf(Float64Array);
    expect(Array.from(back.mean)).toEqual(Array.from(state.mean));
    expect(back.odd[0]).toBe(Infinity);
    expect(Number.isNaN(back.odd[1])).toBe(true);
    expect(back.best).toBe(-Infinity);
    expect(back.nested[0].x).toBeInstanceOf(Float64Array);
    expect(back).toMatchObject({ flag: true, name: 'cma', none: null });
  });

  it('produces plain JSON', () => {
    const text = JSON.stringify(encodeState({ v: Float64Array.of(1, 2) }));
    expect(text).toBe('{"v":{"$f64":[1,2]}}');
    expect(decodeState<{ v: Float64Array }>(JSON.parse(text)).v).toEqual(Float64Array.of(1, 2));
  });
});

describe('rng', () => {
  it('reproduces from a seed and continues identically after a state round trip', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 5; i++) expect(a.gaussian()).toBe(b.gaussian());
    a.gaussians(new Float64Array(1001)); // the bulk path leaves the same state behind
    const restored = restoreRng(JSON.parse(JSON.stringify(a.state())));
    for (let i = 0; i < 7; i++) {
      expect(restored.gaussian()).toBe(a.gaussian());
      expect(restored.uniform()).toBe(a.uniform());
    }
  });

  it('draws standard normals', () => {
    const rng = createRng('moments');
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.gaussian();
      sum += z;
      squares += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.02);
  });
});

describe('state codec with a binary side file', () => {
  it('puts large arrays in the sink and restores them exactly from it', () => {
    const big = Float64Array.from({ length: 40 }, (_, k) =>
      k === 3 ? Number.NaN : k === 5 ? -Infinity : 1 / (k + 1),
    );
    const state = { big, small: Float64Array.of(1, 2), nested: [{ other: big.map((v) => -v) }], n: 4 };
    const sink = new BinarySink(10);
    const json = JSON.parse(JSON.stringify(encodeState(state, sink)));
    expect(json.big).toEqual({ $f64at: [0, 40] });
    expect(json.nested[0].other).toEqual({ $f64at: [40, 40] });
    expect(json.small).toEqual({ $f64: [1, 2] }); // below minLength: inline
    expect(sink.arrays[0]).toBe(big); // the state's own array, not a copy
    const file = new Float64Array(sink.length);
    let at = 0;
    for (const array of sink.arrays) {
      file.set(array, at);
      at += array.length;
    }
    const back = decodeState<typeof state>(json, (offset, length) => file.slice(offset, offset + length));
    expect(Object.is(back.big[3], Number.NaN)).toBe(true);
    expect(Array.from(back.big)).toEqual(Array.from(big));
    expect(Array.from(back.nested[0].other)).toEqual(Array.from(state.nested[0].other));
    expect(back.small).toEqual(Float64Array.of(1, 2));
    expect(() => decodeState(json)).toThrow(/binary side file/);
    expect(() => decodeState({ a: { $f64at: [1] } }, () => new Float64Array(0))).toThrow(
      /\$f64at: \[offset, length\]/,
    );
  });
});
