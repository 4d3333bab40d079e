import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/core/rng';
import { address, regions, wasmKernels } from '../../../engine/wasm/kernels';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function randomVector(length: number, seed: number): Float64Array {
  return createRng(seed).gaussians(new Float64Array(length));
}

/** Regions holding copies of `inputs`, and `outputs` regions of the given lengths full of NaN. */
function inMemory<I extends string, O extends string>(
  inputs: Record<I, Float64Array>,
  outputs: Record<O, number>,
): Record<I | O, Float64Array> {
  const lengths = { ...outputs } as Record<I | O, number>;
  for (const name of Object.keys(inputs) as I[]) lengths[name] = inputs[name].length;
  const views = regions(lengths);
  for (const name of Object.keys(inputs) as I[]) views[name].set(inputs[name]);
  for (const name of Object.keys(outputs) as O[]) views[name].fill(Number.NaN);
  return views;
}

describe('WebAssembly kernels against the textbook loops', () => {
  // Sizes around the tiling (two rows, four vectors or columns, two lanes) and odd lengths.
  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 31, 100];

  /** The packed lower triangle of a random symmetric n×n matrix (row i at i(i+1)/2). */
  const packedRandom = (n: number, seed: number) => randomVector((n * (n + 1)) / 2, seed);
  const at = (i: number, j: number) => (i * (i + 1)) / 2 + j;

  it('packedDecayAndOuterProducts = decay·C + Σ a_k b_kᵀ on the packed lower triangle', () => {
    for (const n of sizes) {
      for (const count of [1, 2, 5, 18]) {
        const c = packedRandom(n, n);
        const y = randomVector(count * n, 100 + n);
        const coefficients = randomVector(count, 200 + count);
        const a = y.map((v, index) => coefficients[Math.floor(index / n)] * v);
        // One entry past the triangle, to see that nothing is written beyond it.
        const m = inMemory({ c, a, b: y }, { out: c.length + 1 });
        wasmKernels().packedDecayAndOuterProducts(
          n,
          0,
          n,
          address(m.c),
          0.9,
          address(m.a),
          address(m.b),
          count,
          address(m.out),
        );
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            let expected = 0.9 * c[at(i, j)];
            for (let k = 0; k < count; k++) expected += a[k * n + i] * y[k * n + j];
            expect(m.out[at(i, j)], `n=${n} count=${count} (${i},${j})`).toBeCloseTo(expected, 11);
          }
        }
        expect(m.out[c.length]).toBeNaN();
      }
    }
  });

  it('packedDecayAndOuterProducts in place, and a block of rows at a time, gives the same doubles', () => {
    for (const n of sizes) {
      for (const count of [1, 5, 18]) {
        const c = packedRandom(n, 7 * n);
        const y = randomVector(count * n, 300 + n);
        const a = y.map((v, index) => (index % 3) * 0.25 * v - 0.1 * v);
        const m = inMemory({ c, a, b: y, blockC: c }, { out: c.length, block: c.length });
        const kernels = wasmKernels();
        const update = (first: number, rows: number, from: Float64Array, out: Float64Array) =>
          kernels.packedDecayAndOuterProducts(
            n,
            first,
            rows,
            address(from),
            0.8,
            address(m.a),
            address(m.b),
            count,
            address(out),
          );
        update(0, n, m.c, m.out);
        // Blocks of 1, 2 and 3 rows (odd and even first rows), each through its own small region.
        const blocks = [0];
        for (let row = 0, size = 1; row < n; size = (size % 3) + 1)
          blocks.push((row = Math.min(n, row + size)));
        for (let k = 0; k + 1 < blocks.length; k++) {
          const [from, to] = [at(blocks[k], 0), at(blocks[k + 1], 0)];
          const block = m.block.subarray(0, to - from);
          block.set(c.subarray(from, to));
          update(blocks[k], blocks[k + 1] - blocks[k], block, block);
          m.blockC.set(block, from);
        }
        update(0, n, m.c, m.c); // in place: the result overwrites the c it reads
        for (let k = 0; k < c.length; k++) {
          expect(Object.is(m.c[k], m.out[k]), `in place n=${n} count=${count} [${k}]`).toBe(true);
          expect(Object.is(m.blockC[k], m.out[k]), `blocks n=${n} count=${count} [${k}]`).toBe(true);
        }
      }
    }
  });

  it('sampleFromBasis = mean + σ·B·s_k for every k, whole or a block of rows of B at a time', () => {
    for (const n of sizes) {
      for (const count of [1, 3, 4, 6, 17]) {
        const basis = randomVector(n * n, n);
        const scaled = randomVector(count * n, 300 + count);
        const mean = randomVector(n, 400 + n);
        const m = inMemory({ basis, scaled, mean }, { out: count * n, byBlocks: count * n, block: 3 * n });
        const kernels = wasmKernels();
        kernels.sampleFromBasis(
          n,
          n,
          address(m.basis),
          address(m.scaled),
          count,
          address(m.mean),
          0.3,
          address(m.out),
        );
        for (let first = 0; first < n; first += 3) {
          const rows = Math.min(3, n - first);
          m.block.set(basis.subarray(first * n, (first + rows) * n));
          const skip = 8 * first;
          const [meanAt, outAt] = [address(m.mean) + skip, address(m.byBlocks) + skip];
          kernels.sampleFromBasis(n, rows, address(m.block), address(m.scaled), count, meanAt, 0.3, outAt);
        }
        for (let k = 0; k < count; k++) {
          for (let i = 0; i < n; i++) {
            let expected = 0;
            for (let j = 0; j < n; j++) expected += basis[i * n + j] * scaled[k * n + j];
            expect(m.out[k * n + i], `n=${n} count=${count} k=${k} i=${i}`).toBeCloseTo(
              mean[i] + 0.3 * expected,
              11,
            );
            expect(Object.is(m.byBlocks[k * n + i], m.out[k * n + i]), `blocks n=${n} k=${k} i=${i}`).toBe(
              true,
            );
          }
        }
      }
    }
  });

  it('scaleRows scales every row', () => {
    for (const n of [1, 2, 3, 8, 33]) {
      const rows = 5;
      const z = randomVector(rows * n, n);
      const scales = randomVector(n, 60 + n);
      const m = inMemory({ z, scales }, { out: rows * n });
      wasmKernels().scaleRows(address(m.z), rows, n, address(m.scales), address(m.out));
      for (let k = 0; k < rows; k++) {
        for (let j = 0; j < n; j++) {
          expect(m.out[k * n + j]).toBe(scales[j] * z[k * n + j]);
        }
      }
    }
  });

  it('refuses a buffer outside its memory', () => {
    expect(() => address(new Float64Array(4))).toThrow(/outside the WebAssembly memory/);
  });

  it('keeps a region in place and its contents while it is asked for at the same or a smaller size', () => {
    const first = regions({ keep: 100 }).keep;
    first.fill(7);
    const offset = first.byteOffset; // read before the next call, which may detach `first`
    const again = regions({ keep: 50, other: 1_000_000 });
    expect(again.keep.byteOffset).toBe(offset);
    expect(Array.from(again.keep)).toEqual(new Array(50).fill(7));
    expect(again.other.byteOffset).not.toBe(again.keep.byteOffset);
  });

  it('the committed binary is what wasm/kernels.ts compiles to (npm run build:wasm)', () => {
    const result = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr + result.stdout).toMatch(/matches/);
    expect(result.status).toBe(0);
  });
});

describe('the ziggurat wedge test’s exp', () => {
  it('is within 1e-14 of Math.exp (relative) over [−6.7, 0], so a ±1e-12 band decides like it', () => {
    const { wedgeExp } = wasmKernels();
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const t = -6.7 * (i / 200_000) - (i % 7) * 1e-9;
      worst = Math.max(worst, Math.abs(wedgeExp(t) / Math.exp(t) - 1));
    }
    expect(worst).toBeLessThan(1e-14);
    expect(wedgeExp(0)).toBe(1);
  });
});

describe('WebAssembly memory', () => {
  it('refuses more than 4 GB with a message that names the way out', () => {
    expect(() => regions({ huge: 2 ** 29 + 1 })).toThrow(/cannot grow to \d+ MB.*choose sep-CMA-ES/);
    // Nothing was kept of the refused layout: the name still works at a size that fits.
    expect(regions({ huge: 10 }).huge.length).toBe(10);
  });
});
