import { describe, expect, it } from 'vitest';
import { createRng, restoreRng } from '../../../engine/core/rng';
import { regions } from '../../../engine/wasm/kernels';

/** Φ(x) by Simpson's rule on the density from −10 (error far below the KS tolerance). */
function normalCdf(x: number): number {
  const steps = 2000;
  const lo = -10;
  const h = (x - lo) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const t = lo + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(-0.5 * t * t);
  }
  return (sum * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** Mean, variance, skewness, kurtosis, the tail rate beyond R and a KS test against Φ. */
function expectStandardNormals(z: Float64Array): void {
  const n = z.length;
  let sum = 0;
  let squares = 0;
  let cubes = 0;
  let fourth = 0;
  let beyondTail = 0;
  for (const v of z) {
    sum += v;
    squares += v * v;
    cubes += v * v * v;
    fourth += v * v * v * v;
    if (Math.abs(v) > 3.6541528853610088) beyondTail++;
  }
  expect(Math.abs(sum / n)).toBeLessThan(0.005);
  expect(Math.abs(squares / n - 1)).toBeLessThan(0.005);
  expect(Math.abs(cubes / n)).toBeLessThan(0.02);
  expect(Math.abs(fourth / n - 3)).toBeLessThan(0.05);
  // P(|Z| > R) = 2.58e-4 (258 ± 16 per million): the tail sampler must produce it at the right rate.
  const expected = 2.58e-4 * n;
  expect(beyondTail).toBeGreaterThan(expected - 4 * Math.sqrt(expected));
  expect(beyondTail).toBeLessThan(expected + 4 * Math.sqrt(expected));
  // Kolmogorov–Smirnov against Φ on the first 20 000 (critical value at α = 0.001: 1.95/√n).
  const sample = Array.from(z.subarray(0, 20_000)).sort((a, b) => a - b);
  let distance = 0;
  for (let i = 0; i < sample.length; i++) {
    const f = normalCdf(sample[i]);
    distance = Math.max(distance, Math.abs(f - i / sample.length), Math.abs(f - (i + 1) / sample.length));
  }
  expect(distance).toBeLessThan(1.95 / Math.sqrt(sample.length));
}

describe('rng', () => {
  it('is xoshiro128**: the reference outputs from the state (1, 2, 3, 4)', () => {
    // From an independent Python transcription of Blackman & Vigna's C reference code.
    const rng = restoreRng({ xoshiro128: [1, 2, 3, 4] });
    const words = Array.from({ length: 6 }, () => Math.round(rng.uniform() * 2 ** 32));
    expect(words).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('seeds through seedrandom: the same seed gives the same stream, another seed another', () => {
    const draw = (seed: number | string) => {
      const rng = createRng(seed);
      return Array.from({ length: 8 }, () => rng.uniform());
    };
    expect(draw('a seed')).toEqual(draw('a seed'));
    expect(draw(1)).toEqual(draw('1'));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('gives the same normals one at a time and in bulk', () => {
    const single = createRng(7);
    const bulk = createRng(7);
    const values = bulk.gaussians(new Float64Array(20_000));
    for (let i = 0; i < values.length; i++) expect(single.gaussian()).toBe(values[i]);
    expect(single.uniform()).toBe(bulk.uniform());
  });

  it('draws standard normals: moments, tails and the distribution function', () => {
    expectStandardNormals(createRng('ziggurat').gaussians(new Float64Array(1_000_000)));
  });

  it('draws standard normals four lanes at a time in WebAssembly (gaussianLanes)', () => {
    // An odd length: the last three come from gaussian().
    const { z } = regions({ z: 1_000_003 });
    z.fill(Number.NaN);
    createRng('lanes').gaussianLanes(z);
    expect(z.every(Number.isFinite)).toBe(true);
    expectStandardNormals(z);
  });

  it('lane l gives what gaussian() gives on a xoshiro128** seeded with draws 4l … 4l + 3', () => {
    const rng = createRng(11);
    const seeding = restoreRng(rng.state());
    const { z } = regions({ z: 400_000 });
    rng.gaussianLanes(z);
    const word = () => Math.floor(seeding.uniform() * 2 ** 32) | 0;
    const lanes = [0, 1, 2, 3].map(() => restoreRng({ xoshiro128: [word(), word(), word(), word()] }));
    // Bit for bit, the slow path (1.5 % of draws, about 6 000 here, wedge tests and tail) included.
    const expected = Float64Array.from(z, (_, i) => lanes[i % 4].gaussian());
    expect(Array.from(z)).toEqual(Array.from(expected));
    // Seeding took 16 draws of the generator, and nothing else.
    expect(rng.state()).toEqual(seeding.state());
  });

  it('writes mean + scales∘z row by row in the same pass, bit for bit as scaling afterwards', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 13, 100]) {
      for (const rows of [1, 3, 8]) {
        const m = regions({ shifted: rows * n, plain: rows * n, mean: n, scales: n });
        m.mean.set(Float64Array.from({ length: n }, (_, j) => j - 2.5));
        m.scales.set(Float64Array.from({ length: n }, (_, j) => 0.1 + j));
        m.shifted.fill(Number.NaN);
        createRng(n * 10 + rows).gaussianLanes(m.shifted, { mean: m.mean, scales: m.scales });
        createRng(n * 10 + rows).gaussianLanes(m.plain);
        const expected = m.plain.map((z, i) => m.mean[i % n] + m.scales[i % n] * z);
        expect(Array.from(m.shifted), `n = ${n}, ${rows} rows`).toEqual(Array.from(expected));
      }
    }
    const m = regions({ out: 10, mean: 3, scales: 3 });
    expect(() => createRng(1).gaussianLanes(m.out, { mean: m.mean, scales: m.scales })).toThrow(
      /divides out \(10\)/,
    );
  });

  it('continues identically after a JSON round trip of its state', () => {
    const a = createRng(3);
    a.gaussians(new Float64Array(333));
    const b = restoreRng(JSON.parse(JSON.stringify(a.state())));
    expect(Array.from(b.gaussians(new Float64Array(500)))).toEqual(
      Array.from(a.gaussians(new Float64Array(500))),
    );
    expect(b.integer(1000)).toBe(a.integer(1000));
  });

  it('refuses a damaged state with a message naming it', () => {
    expect(() => restoreRng({ xoshiro128: [1, 2, Number.NaN, 4] })).toThrow(/xoshiro128/);
    expect(() => restoreRng({ xoshiro128: [1, 2, 3] })).toThrow(/four 32-bit integers/);
  });
});
