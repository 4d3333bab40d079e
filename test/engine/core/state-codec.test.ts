import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, roundTrip } from '../../../engine/core/state-codec';
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
