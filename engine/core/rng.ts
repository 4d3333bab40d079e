/**
 * Seeded random numbers. Every random draw in the engine comes from one of these, so the
 * same seed gives the same run, and the generator state can be written to a checkpoint
 * and restored exactly (resume after kill -9).
 *
 * Uniforms: xoshiro128** (D. Blackman and S. Vigna, "Scrambled Linear Pseudorandom Number
 * Generators", ACM TOMS 47(4), 2021): 128 bits of state, 32 bits per draw, passes BigCrush,
 * and a handful of 32-bit integer operations with a short dependency chain, so V8 runs it at
 * about 1.5 ns per draw. seedrandom's Alea turns the seed (any number or string) into the
 * initial state. We first used Alea itself, but its carry makes every draw wait for the
 * previous one (≈ 7 ns per draw here), and sep-CMA-ES at n = 10 000 needs 310 000 normals
 * per generation.
 *
 * Normals: the ziggurat method (G. Marsaglia and W. W. Tsang, "The Ziggurat Method for
 * Generating Random Variables", J. Stat. Softw. 5(8), 2000) in J. A. Doornik's formulation
 * ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005): 256 layers of
 * equal area; 98.5 % of draws cost one uniform, one table lookup and one multiply, no log or
 * square root. Doornik's fix for the original's flaw is kept: the layer index and the value
 * come from disjoint bits of the draw (the index from the low 8 bits, a signed 24-bit uniform
 * from the other 24), so they are independent. With xoshiro128** this is ≈ 2 ns per normal,
 * against ≈ 21 ns for the polar Box–Muller method on Alea that it replaced.
 *
 * gaussianLanes() runs the same algorithm on four xoshiro128** generators at once in a
 * WebAssembly SIMD kernel (wasm/kernels.ts), seeded from this generator at each call: lane l
 * gives exactly what gaussian() would give on its own state. ≈ 2.2 ns per normal including the
 * slow path, where the JavaScript loop of gaussians() takes 4–7 ns on this machine kind; CMA-ES
 * and sep-CMA-ES draw their λ×n normals this way.
 */
import seedrandom from 'seedrandom';
import { address, layout, layoutVersion, wasmKernels, type KernelExports } from '../wasm/kernels';

export interface RngState {
  /** The four 32-bit words of xoshiro128** state, as signed integers. */
  xoshiro128: number[];
}

/** x = mean + scales∘z per row of length mean.length (see gaussianLanes). */
export interface AffineShift {
  mean: Float64Array;
  scales: Float64Array;
}

export interface Rng {
  /** Uniform in [0, 1), 32 bits. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  gaussian(): number;
  /** Fills `out` with independent standard normals and returns it. */
  gaussians(out: Float64Array): Float64Array;
  /**
   * Fills `out` with independent standard normals from four lane generators seeded from this
   * one, run four at a time by a WebAssembly SIMD kernel (about three times the speed of
   * gaussians(), for the λ×n draws of CMA-ES). A different sequence from gaussians(), equally
   * reproducible. `out` must be a view from `regions()` in engine/wasm/kernels.ts.
   * With `shift`, writes mean + scales∘z instead of z, row by row (`out` holds rows of length
   * n = mean.length; mean and scales are regions() views too): bit for bit the same as scaling
   * afterwards, in one pass over the memory instead of two.
   */
  gaussianLanes(out: Float64Array, shift?: AffineShift): Float64Array;
  /** Integer uniform in [0, n). */
  integer(n: number): number;
  state(): RngState;
}

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
/** Turns the upper 24 bits of a draw, as a signed 32-bit integer, into a uniform on [−1, 1). */
const SIGNED_UNIFORM_SCALE = 1 / 2147483648;

// Ziggurat tables (Doornik 2005, §2, with Marsaglia and Tsang's constants for 256 layers):
// R is where the tail starts, V the area of each layer.
const LAYERS = 256;
const TAIL_START = 3.6541528853610088;
const LAYER_AREA = 0.00492867323399;
/** Right edges x_i of the layers, x_0 = V/f(R) (the base layer including the tail), x_256 = 0. */
const edges = new Float64Array(LAYERS + 1);
/** x_{i+1}/x_i: below it, a point of layer i lies under the density for sure. */
const ratios = new Float64Array(LAYERS);
/** f(x_i) = exp(−x_i²/2), for the wedge test. */
const densities = new Float64Array(LAYERS + 1);
{
  let f = Math.exp(-0.5 * TAIL_START * TAIL_START);
  edges[0] = LAYER_AREA / f;
  edges[1] = TAIL_START;
  edges[LAYERS] = 0;
  for (let i = 2; i < LAYERS; i++) {
    edges[i] = Math.sqrt(-2 * Math.log(LAYER_AREA / edges[i - 1] + f));
    f = Math.exp(-0.5 * edges[i] * edges[i]);
  }
  for (let i = 0; i < LAYERS; i++) ratios[i] = edges[i + 1] / edges[i];
  for (let i = 0; i <= LAYERS; i++) densities[i] = Math.exp(-0.5 * edges[i] * edges[i]);
}

/** The module whose memory holds the tables below (written once per module instance). */
let tablesWrittenTo: KernelExports | null = null;

/**
 * The kernel's form of the tables: |a| < threshold ⟺ |a·2⁻³¹| < ratio for an integer a (the
 * threshold is rounded up), and a·(x_i·2⁻³¹) = (a·2⁻³¹)·x_i exactly, so the kernel's fast path
 * gives bit for bit what gaussian()'s would for the same draw.
 */
function writeKernelTables(kernels: KernelExports): void {
  if (tablesWrittenTo === kernels) return;
  const thresholds = new Int32Array(kernels.memory.buffer, layout.tables, LAYERS);
  const scaledEdges = new Float64Array(kernels.memory.buffer, layout.tables + 4 * LAYERS, LAYERS);
  const kernelDensities = new Float64Array(kernels.memory.buffer, layout.tables + 12 * LAYERS, LAYERS + 1);
  for (let i = 0; i < LAYERS; i++) {
    thresholds[i] = Math.ceil(ratios[i] * 2 ** 31) | 0; // 2³¹ wraps to −2³¹: the kernel compares unsigned
    scaledEdges[i] = edges[i] * SIGNED_UNIFORM_SCALE;
  }
  kernelDensities.set(densities);
  tablesWrittenTo = kernels;
}

/** The lane generators' state words in the kernels' memory; renewed when the memory grows. */
let laneView: { version: number; words: Int32Array } | null = null;

function laneWords(kernels: KernelExports): Int32Array {
  if (laneView?.version !== layoutVersion()) {
    laneView = { version: layoutVersion(), words: new Int32Array(kernels.memory.buffer, layout.lanes, 16) };
  }
  return laneView.words;
}

class XoshiroZiggurat implements Rng {
  /** The four state words; an Int32Array keeps them unboxed (object fields holding int32 values outside V8's small-integer range are heap numbers). */
  private readonly words = new Int32Array(4);

  constructor(words: ArrayLike<number>) {
    const w = this.words;
    for (let i = 0; i < 4; i++) w[i] = words[i];
    // The all-zero state is the one fixed point of the generator.
    if ((w[0] | w[1] | w[2] | w[3]) === 0) w[0] = 1;
  }

  /** One xoshiro128** step: 32 random bits as a signed integer. */
  private next(): number {
    const w = this.words;
    const s1 = w[1];
    const scrambled = Math.imul(s1, 5);
    const result = Math.imul((scrambled << 7) | (scrambled >>> 25), 9);
    const s2 = w[2] ^ w[0];
    const s3 = w[3] ^ s1;
    w[1] = s1 ^ s2;
    w[0] ^= s3;
    w[2] = s2 ^ (s1 << 9);
    w[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  uniform(): number {
    return (this.next() >>> 0) * TWO_POW_MINUS_32;
  }

  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  gaussian(): number {
    for (;;) {
      const bits = this.next();
      const layer = bits & (LAYERS - 1);
      const u = (bits & ~(LAYERS - 1)) * SIGNED_UNIFORM_SCALE;
      if (Math.abs(u) < ratios[layer]) return u * edges[layer];
      const x = this.slowPath(u, layer);
      if (x === x) return x; // NaN: rejected, draw again
    }
  }

  gaussians(out: Float64Array): Float64Array {
    // next() and the fast path of gaussian() with the state in locals; rare draws go the slow way.
    const w = this.words;
    let s0 = w[0];
    let s1 = w[1];
    let s2 = w[2];
    let s3 = w[3];
    const count = out.length;
    for (let i = 0; i < count; i++) {
      const scrambled = Math.imul(s1, 5);
      const bits = Math.imul((scrambled << 7) | (scrambled >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const layer = bits & (LAYERS - 1);
      const u = (bits & ~(LAYERS - 1)) * SIGNED_UNIFORM_SCALE;
      if (Math.abs(u) < ratios[layer]) {
        out[i] = u * edges[layer];
        continue;
      }
      w[0] = s0;
      w[1] = s1;
      w[2] = s2;
      w[3] = s3;
      out[i] = this.slowDraw(u, layer);
      s0 = w[0];
      s1 = w[1];
      s2 = w[2];
      s3 = w[3];
    }
    w[0] = s0;
    w[1] = s1;
    w[2] = s2;
    w[3] = s3;
    return out;
  }

  gaussianLanes(out: Float64Array, shift?: AffineShift): Float64Array {
    const kernels = wasmKernels();
    const base = address(out);
    const n = shift ? shift.mean.length : 1;
    if (shift && (shift.scales.length !== n || out.length % n !== 0)) {
      throw new Error(
        `gaussianLanes: mean (${n}) and scales (${shift.scales.length}) must have one length that divides out (${out.length})`,
      );
    }
    writeKernelTables(kernels);
    const lanes = laneWords(kernels);
    for (let lane = 0; lane < 4; lane++) {
      for (let word = 0; word < 4; word++) lanes[4 * word + lane] = this.next();
      if ((lanes[lane] | lanes[4 + lane] | lanes[8 + lane] | lanes[12 + lane]) === 0) lanes[lane] = 1;
    }
    const count = out.length & ~3;
    if (!shift) {
      kernels.zigguratNormals(layout.tables, layout.lanes, base, count);
      for (let i = count; i < out.length; i++) out[i] = this.gaussian();
      return out;
    }
    const { mean, scales } = shift;
    kernels.zigguratSamples(layout.tables, layout.lanes, base, count, n, address(mean), address(scales));
    for (let i = count; i < out.length; i++) out[i] = mean[i % n] + scales[i % n] * this.gaussian();
    return out;
  }

  /** slowPath, then fresh draws until one is accepted (kept out of gaussians' hot loop). */
  private slowDraw(u: number, layer: number): number {
    const x = this.slowPath(u, layer);
    return x === x ? x : this.gaussian();
  }

  /**
   * The 1.5 % of draws outside the inner rectangle of their layer: the base layer samples the
   * tail x > R exactly (Marsaglia's exponential rejection); other layers accept the point if
   * it lies under the density within the wedge. Returns NaN for a rejected point.
   */
  private slowPath(u: number, layer: number): number {
    if (layer === 0) {
      let x: number;
      let y: number;
      do {
        x = Math.log(1 - this.uniform()) / TAIL_START; // 1 − U ∈ (0, 1]: no log(0)
        y = Math.log(1 - this.uniform());
      } while (-2 * y < x * x);
      return u < 0 ? x - TAIL_START : TAIL_START - x;
    }
    const x = u * edges[layer];
    const below = densities[layer + 1] + this.uniform() * (densities[layer] - densities[layer + 1]);
    return below < Math.exp(-0.5 * x * x) ? x : Number.NaN;
  }

  state(): RngState {
    return { xoshiro128: Array.from(this.words) };
  }
}

export function createRng(seed: number | string): Rng {
  const alea = seedrandom.alea(String(seed)) as unknown as { int32(): number };
  return new XoshiroZiggurat([alea.int32(), alea.int32(), alea.int32(), alea.int32()]);
}

export function restoreRng(state: RngState): Rng {
  const words = state?.xoshiro128;
  if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w))) {
    throw new Error('random generator state: xoshiro128 must be an array of four 32-bit integers');
  }
  return new XoshiroZiggurat(words);
}
