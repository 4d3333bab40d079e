/**
 * The hot loops of CMA-ES and sep-CMA-ES as WebAssembly with 128-bit SIMD (two doubles or four
 * 32-bit integers per instruction). This file is AssemblyScript, not TypeScript: it is compiled
 * by `npm run build:wasm` into engine/wasm/kernels-binary.ts, which the engine loads through
 * engine/wasm/kernels.ts. test/engine/wasm/kernels.test.ts checks each against the textbook loop.
 *
 * Every argument that names memory is a byte offset into this module's memory; the TypeScript
 * side lays the buffers out and copies data in and out. Nothing here allocates or keeps static
 * data in the memory (scripts/build-wasm.mjs refuses a module with a data segment).
 */

/**
 * Standard normals by the ziggurat method (see engine/core/rng.ts) on four xoshiro128**
 * generators at once, one per 32-bit lane: normal i comes from lane i mod 4. For each draw the
 * low 8 bits pick a layer and the upper 24 bits, as a signed integer a, give the point; it is
 * accepted when |a| < threshold[layer] (an integer form of |u| < x_{i+1}/x_i) and written as
 * a·edge[layer] (edge = x_i·2⁻³¹), bit for bit what rng.ts's gaussian() gives for the same draw.
 * The 1.5 % of draws that fail go through `slowNormal` on their own lane, as gaussian() would.
 *
 * `tables`: 256 i32 thresholds, 256 f64 scaled edges, 257 f64 densities f(x_i). `lanes`: the
 * four states as four i32x4 words s0..s3, updated in place. `count` must be a multiple of 4.
 */
export function zigguratNormals(tables: usize, lanes: usize, out: usize, count: i32): void {
  ziggurat(tables, lanes, out, count, 1, 0, 0, false);
}

/**
 * zigguratNormals and then x = mean + scales∘z in the same pass: `out` holds rows of length n,
 * flat index i in column i mod n. Bit for bit what zigguratNormals followed by that product
 * gives (the same two roundings), without a second pass over the memory. `count` a multiple of 4.
 */
export function zigguratSamples(
  tables: usize,
  lanes: usize,
  out: usize,
  count: i32,
  n: i32,
  mean: usize,
  scales: usize,
): void {
  ziggurat(tables, lanes, out, count, n, mean, scales, true);
}

@inline
function ziggurat(
  tables: usize,
  lanes: usize,
  out: usize,
  count: i32,
  n: i32,
  mean: usize,
  scales: usize,
  affine: bool,
): void {
  let s0 = v128.load(lanes);
  let s1 = v128.load(lanes, 16);
  let s2 = v128.load(lanes, 32);
  let s3 = v128.load(lanes, 48);
  const five = i32x4.splat(5);
  const nine = i32x4.splat(9);
  const layerMask = i32x4.splat(255);
  const valueMask = i32x4.splat(~255);
  const edges = tables + EDGES;
  let column: i32 = 0;
  for (let i = 0; i < count; i += 4) {
    // xoshiro128**: result = rotl(s1·5, 7)·9, then the state transition.
    const scrambled = i32x4.mul(s1, five);
    const bits = i32x4.mul(v128.or(i32x4.shl(scrambled, 7), i32x4.shr_u(scrambled, 25)), nine);
    const t = i32x4.shl(s1, 9);
    s2 = v128.xor(s2, s0);
    s3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, s2);
    s0 = v128.xor(s0, s3);
    s2 = v128.xor(s2, t);
    s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));

    const layer = v128.and(bits, layerMask);
    const value = v128.and(bits, valueMask);
    const l0 = (<usize>i32x4.extract_lane(layer, 0)) << 2;
    const l1 = (<usize>i32x4.extract_lane(layer, 1)) << 2;
    const l2 = (<usize>i32x4.extract_lane(layer, 2)) << 2;
    const l3 = (<usize>i32x4.extract_lane(layer, 3)) << 2;
    let threshold = i32x4.splat(load<i32>(tables + l0));
    threshold = i32x4.replace_lane(threshold, 1, load<i32>(tables + l1));
    threshold = i32x4.replace_lane(threshold, 2, load<i32>(tables + l2));
    threshold = i32x4.replace_lane(threshold, 3, load<i32>(tables + l3));
    // Unsigned compare: |−2³¹| stays 2³¹ and is rejected, like |u| = 1 in the scalar version.
    const accepted = i32x4.lt_u(i32x4.abs(value), threshold);
    const edge01 = f64x2.replace_lane(f64x2.splat(load<f64>(edges + (l0 << 1))), 1, load<f64>(edges + (l1 << 1)));
    const edge23 = f64x2.replace_lane(f64x2.splat(load<f64>(edges + (l2 << 1))), 1, load<f64>(edges + (l3 << 1)));
    let z01 = f64x2.mul(f64x2.convert_low_i32x4_s(value), edge01);
    let z23 = f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(value, value, 2, 3, 0, 1)), edge23);

    const mask = i32x4.bitmask(accepted);
    if (mask != 15) {
      // Rare: finish the failed draws one lane at a time, on the lanes' states in memory.
      v128.store(lanes, s0);
      v128.store(lanes, s1, 16);
      v128.store(lanes, s2, 32);
      v128.store(lanes, s3, 48);
      if (!(mask & 1)) z01 = f64x2.replace_lane(z01, 0, slowNormal(tables, lanes, 0, i32x4.extract_lane(bits, 0)));
      if (!(mask & 2)) z01 = f64x2.replace_lane(z01, 1, slowNormal(tables, lanes, 1, i32x4.extract_lane(bits, 1)));
      if (!(mask & 4)) z23 = f64x2.replace_lane(z23, 0, slowNormal(tables, lanes, 2, i32x4.extract_lane(bits, 2)));
      if (!(mask & 8)) z23 = f64x2.replace_lane(z23, 1, slowNormal(tables, lanes, 3, i32x4.extract_lane(bits, 3)));
      s0 = v128.load(lanes);
      s1 = v128.load(lanes, 16);
      s2 = v128.load(lanes, 32);
      s3 = v128.load(lanes, 48);
    }
    if (affine) {
      if (column + 4 <= n) {
        const m = mean + ((<usize>column) << 3);
        const c = scales + ((<usize>column) << 3);
        z01 = f64x2.add(v128.load(m), f64x2.mul(v128.load(c), z01));
        z23 = f64x2.add(v128.load(m, 16), f64x2.mul(v128.load(c, 16), z23));
        column += 4;
        if (column == n) column = 0;
      } else {
        // The four straddle the end of a row (or n < 4): one at a time, wrapping the column.
        z01 = f64x2.replace_lane(z01, 0, affineAt(mean, scales, column, f64x2.extract_lane(z01, 0)));
        column = nextColumn(column, n);
        z01 = f64x2.replace_lane(z01, 1, affineAt(mean, scales, column, f64x2.extract_lane(z01, 1)));
        column = nextColumn(column, n);
        z23 = f64x2.replace_lane(z23, 0, affineAt(mean, scales, column, f64x2.extract_lane(z23, 0)));
        column = nextColumn(column, n);
        z23 = f64x2.replace_lane(z23, 1, affineAt(mean, scales, column, f64x2.extract_lane(z23, 1)));
        column = nextColumn(column, n);
      }
    }
    const p = out + ((<usize>i) << 3);
    v128.store(p, z01);
    v128.store(p, z23, 16);
  }
  v128.store(lanes, s0);
  v128.store(lanes, s1, 16);
  v128.store(lanes, s2, 32);
  v128.store(lanes, s3, 48);
}

@inline
function affineAt(mean: usize, scales: usize, column: i32, z: f64): f64 {
  const o = (<usize>column) << 3;
  return load<f64>(mean + o) + load<f64>(scales + o) * z;
}

@inline
function nextColumn(column: i32, n: i32): i32 {
  return column + 1 == n ? 0 : column + 1;
}

// The host's exp and log (JavaScript's Math), so that a lane's slow path gives bit for bit what
// gaussian() in rng.ts gives, and so that no lookup tables of AssemblyScript's own Math land in
// the memory whose layout the TypeScript side owns.
@external("env", "exp")
declare function hostExp(x: f64): f64;
@external("env", "log")
declare function hostLog(x: f64): f64;

const WEDGE_MARGIN: f64 = 1e-12;
const LN2: f64 = 0.6931471805599453;
const INVERSE_LN2: f64 = 1.4426950408889634;

/**
 * e^t for the wedge test's t = −x²/2 ∈ [−6.7, 0], relative error below 1e-14: t = k·ln 2 + r
 * with |r| ≤ ln 2 / 2, e^r by its Taylor series to r¹² (the next term is below 2e-16), times 2^k
 * built from the exponent bits. The series is summed in Estrin's order (pairs, then pairs of
 * pairs with r², r⁴, r⁸), a chain of 5 multiply-adds instead of Horner's 12: the wedge test
 * waits on it. Exported so the tests can check the error bound.
 */
export function wedgeExp(t: f64): f64 {
  const k = floor<f64>(t * INVERSE_LN2 + 0.5);
  const r = t - k * LN2;
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const p01 = 1.0 + r;
  const p23 = 1.0 / 2.0 + r * (1.0 / 6.0);
  const p45 = 1.0 / 24.0 + r * (1.0 / 120.0);
  const p67 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  const p89 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  const p1011 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
  const p03 = p01 + r2 * p23;
  const p47 = p45 + r2 * p67;
  const p811 = p89 + r2 * p1011;
  const p07 = p03 + r4 * p47;
  const p812 = p811 + r4 * (1.0 / 479001600.0);
  return (p07 + r8 * p812) * reinterpret<f64>((<i64>1023 + <i64>k) << 52);
}

const EDGES: usize = 1024;
const DENSITIES: usize = 3072;
const TAIL_START: f64 = 3.6541528853610088;
const SIGNED_UNIFORM_SCALE: f64 = 1.0 / 2147483648.0;

/** One xoshiro128** step of lane `lane`, whose word w is at lanes + 16·w + 4·lane. */
function nextOnLane(lanes: usize, lane: i32): i32 {
  const p = lanes + ((<usize>lane) << 2);
  const w0 = load<i32>(p);
  const w1 = load<i32>(p, 16);
  const w2 = load<i32>(p, 32);
  const w3 = load<i32>(p, 48);
  const result = rotl<i32>(w1 * 5, 7) * 9;
  const s2 = w2 ^ w0;
  const s3 = w3 ^ w1;
  store<i32>(p, w0 ^ s3);
  store<i32>(p, w1 ^ s2, 16);
  store<i32>(p, s2 ^ (w1 << 9), 32);
  store<i32>(p, rotl<i32>(s3, 11), 48);
  return result;
}

function uniformOnLane(lanes: usize, lane: i32): f64 {
  return <f64>(<u32>nextOnLane(lanes, lane)) * 2.3283064365386963e-10;
}

/**
 * What gaussian() in rng.ts does after a draw's fast path failed, on lane `lane`: the base layer
 * samples the tail beyond R (Marsaglia's exponential rejection), another layer accepts its point
 * if it lies under the density within the wedge; a rejected point means a fresh draw.
 */
function slowNormal(tables: usize, lanes: usize, lane: i32, bits: i32): f64 {
  for (;;) {
    const layer = bits & 255;
    const u = <f64>(bits & ~255) * SIGNED_UNIFORM_SCALE;
    if (layer == 0) {
      let x: f64;
      let y: f64;
      do {
        x = hostLog(1 - uniformOnLane(lanes, lane)) / TAIL_START;
        y = hostLog(1 - uniformOnLane(lanes, lane));
      } while (-2 * y < x * x);
      return u < 0 ? x - TAIL_START : TAIL_START - x;
    }
    const x = u * (load<f64>(tables + EDGES + ((<usize>layer) << 3)) / SIGNED_UNIFORM_SCALE);
    const upper = load<f64>(tables + DENSITIES + ((<usize>layer) << 3));
    const lower = load<f64>(tables + DENSITIES + ((<usize>layer) << 3), 8);
    // gaussian() accepts when `below < Math.exp(t)`. wedgeExp is within 1e-14 of it (relative),
    // so outside a band of ±1e-12 around it the answer is the same; inside (about once in 10¹¹
    // wedge tests) the host's exp decides. The host call costs more than the rest of the draw.
    const t = -0.5 * x * x;
    const below = lower + uniformOnLane(lanes, lane) * (upper - lower);
    const e = wedgeExp(t);
    if (below < e * (1 - WEDGE_MARGIN) || (below <= e * (1 + WEDGE_MARGIN) && below < hostExp(t))) return x;
    // A fresh draw: accepted at once on the fast path, or round the loop again.
    bits = nextOnLane(lanes, lane);
    const value = bits & ~255;
    const threshold = load<i32>(tables + ((<usize>(bits & 255)) << 2));
    if (<u32>abs<i32>(value) < <u32>threshold) {
      return <f64>value * load<f64>(tables + EDGES + ((<usize>(bits & 255)) << 3));
    }
  }
  return unreachable();
}

/** out_k = scales∘z_k for `rows` vectors of length n (out may be z). */
export function scaleRows(z: usize, rows: i32, n: i32, scales: usize, out: usize): void {
  for (let k = 0; k < rows; k++) {
    const offset = (<usize>k * <usize>n) << 3;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(out + offset + o, f64x2.mul(v128.load(scales + o), v128.load(z + offset + o)));
    }
    if (j < n) {
      const o = (<usize>j) << 3;
      store<f64>(out + offset + o, load<f64>(scales + o) * load<f64>(z + offset + o));
    }
  }
}

/** Σ_j u[j]·v[j] for vectors of length n (two partial sums in the lanes, then a scalar tail). */
function dot(u: usize, v: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = (<usize>j) << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(u + o), v128.load(v + o)));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (j < n) sum += load<f64>(u + ((<usize>j) << 3)) * load<f64>(v + ((<usize>j) << 3));
  return sum;
}

/** The lanes of `acc` plus the odd last product, if n is odd. */
@inline
function finish(acc: v128, u: usize, v: usize, n: i32): f64 {
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (n & 1) {
    const o = (<usize>(n - 1)) << 3;
    sum += load<f64>(u + o) * load<f64>(v + o);
  }
  return sum;
}

/**
 * out_k = mean + σ·B·s_k for `count` vectors s_k of length n stored one after another, for
 * the first `rows` rows of B (n columns, row-major): a caller may pass B a block of rows at a
 * time, with `mean` and `out` advanced to that block's first entry (out_k keeps stride n).
 * Two rows of B against four vectors per pass: eight f64x2 sums in registers, six loads per
 * eight multiply-adds of two lanes each.
 */
export function sampleFromBasis(
  n: i32,
  rows: i32,
  basis: usize,
  scaled: usize,
  count: i32,
  mean: usize,
  sigma: f64,
  out: usize,
): void {
  const stride = (<usize>n) << 3;
  let k = 0;
  for (; k + 3 < count; k += 4) {
    const v0 = scaled + <usize>k * stride;
    const v1 = v0 + stride;
    const v2 = v1 + stride;
    const v3 = v2 + stride;
    const x0 = out + <usize>k * stride;
    const x1 = x0 + stride;
    const x2 = x1 + stride;
    const x3 = x2 + stride;
    let i = 0;
    for (; i + 1 < rows; i += 2) {
      const p = basis + <usize>i * stride;
      const q = p + stride;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let a2 = f64x2.splat(0);
      let a3 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      let b2 = f64x2.splat(0);
      let b3 = f64x2.splat(0);
      for (let j = 0; j + 1 < n; j += 2) {
        const o = (<usize>j) << 3;
        const bp = v128.load(p + o);
        const bq = v128.load(q + o);
        const s0 = v128.load(v0 + o);
        const s1 = v128.load(v1 + o);
        const s2 = v128.load(v2 + o);
        const s3 = v128.load(v3 + o);
        a0 = f64x2.add(a0, f64x2.mul(bp, s0));
        a1 = f64x2.add(a1, f64x2.mul(bp, s1));
        a2 = f64x2.add(a2, f64x2.mul(bp, s2));
        a3 = f64x2.add(a3, f64x2.mul(bp, s3));
        b0 = f64x2.add(b0, f64x2.mul(bq, s0));
        b1 = f64x2.add(b1, f64x2.mul(bq, s1));
        b2 = f64x2.add(b2, f64x2.mul(bq, s2));
        b3 = f64x2.add(b3, f64x2.mul(bq, s3));
      }
      const oi = (<usize>i) << 3;
      const m0 = load<f64>(mean + oi);
      const m1 = load<f64>(mean + oi, 8);
      store<f64>(x0 + oi, m0 + sigma * finish(a0, p, v0, n));
      store<f64>(x1 + oi, m0 + sigma * finish(a1, p, v1, n));
      store<f64>(x2 + oi, m0 + sigma * finish(a2, p, v2, n));
      store<f64>(x3 + oi, m0 + sigma * finish(a3, p, v3, n));
      store<f64>(x0 + oi, m1 + sigma * finish(b0, q, v0, n), 8);
      store<f64>(x1 + oi, m1 + sigma * finish(b1, q, v1, n), 8);
      store<f64>(x2 + oi, m1 + sigma * finish(b2, q, v2, n), 8);
      store<f64>(x3 + oi, m1 + sigma * finish(b3, q, v3, n), 8);
    }
    if (i < rows) {
      const p = basis + <usize>i * stride;
      const oi = (<usize>i) << 3;
      const m = load<f64>(mean + oi);
      store<f64>(x0 + oi, m + sigma * dot(p, v0, n));
      store<f64>(x1 + oi, m + sigma * dot(p, v1, n));
      store<f64>(x2 + oi, m + sigma * dot(p, v2, n));
      store<f64>(x3 + oi, m + sigma * dot(p, v3, n));
    }
  }
  for (; k < count; k++) {
    const v = scaled + <usize>k * stride;
    const x = out + <usize>k * stride;
    for (let i = 0; i < rows; i++) {
      const oi = (<usize>i) << 3;
      store<f64>(x + oi, load<f64>(mean + oi) + sigma * dot(basis + <usize>i * stride, v, n));
    }
  }
}

/**
 * Rows firstRow … firstRow + rows − 1 of out = decay·C + Σ_k a_k b_kᵀ, where every term is
 * symmetric (a_k a multiple of b_k), in the packed lower triangle: row i holds columns 0 … i and
 * the rows follow one another, row i at entry i(i+1)/2. `c` and `out` point at row firstRow's
 * first entry, so a caller may pass a large C a block of rows at a time. `a` and `b` hold
 * `count` vectors of length n one after another. Two rows by four columns at a time (four f64x2
 * sums over all k in registers). Each entry of `out` is written once, from the entry of `c` at
 * the same place read just before, so `out` may be `c` (in place); `a` and `b` must not overlap
 * either.
 */
export function packedDecayAndOuterProducts(
  n: i32,
  firstRow: i32,
  rows: i32,
  c: usize,
  decay: f64,
  a: usize,
  b: usize,
  count: i32,
  out: usize,
): void {
  const stride = (<usize>n) << 3;
  const end = <usize>count * stride;
  const d = f64x2.splat(decay);
  const base = ((<usize>firstRow) * (<usize>firstRow + 1)) >> 1;
  const last = firstRow + rows;
  let i = firstRow;
  for (; i + 1 < last; i += 2) {
    const r0 = ((((<usize>i) * (<usize>i + 1)) >> 1) - base) << 3;
    const r1 = r0 + ((<usize>(i + 1)) << 3);
    const oi = (<usize>i) << 3;
    let j = 0;
    for (; j + 3 <= i; j += 4) {
      const oj = (<usize>j) << 3;
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let t0 = f64x2.splat(0);
      let t1 = f64x2.splat(0);
      for (let o: usize = 0; o < end; o += stride) {
        const f = v128.load64_splat(a + o + oi);
        const g = v128.load64_splat(a + o + oi + 8);
        const b01 = v128.load(b + o + oj);
        const b23 = v128.load(b + o + oj, 16);
        s0 = f64x2.add(s0, f64x2.mul(f, b01));
        s1 = f64x2.add(s1, f64x2.mul(f, b23));
        t0 = f64x2.add(t0, f64x2.mul(g, b01));
        t1 = f64x2.add(t1, f64x2.mul(g, b23));
      }
      v128.store(out + r0 + oj, f64x2.add(f64x2.mul(d, v128.load(c + r0 + oj)), s0));
      v128.store(out + r0 + oj, f64x2.add(f64x2.mul(d, v128.load(c + r0 + oj, 16)), s1), 16);
      v128.store(out + r1 + oj, f64x2.add(f64x2.mul(d, v128.load(c + r1 + oj)), t0));
      v128.store(out + r1 + oj, f64x2.add(f64x2.mul(d, v128.load(c + r1 + oj, 16)), t1), 16);
    }
    // Columns left over up to the diagonal of row i, for both rows…
    for (; j <= i; j++) {
      const oj = (<usize>j) << 3;
      let s = 0.0;
      let t = 0.0;
      for (let o: usize = 0; o < end; o += stride) {
        const bj = load<f64>(b + o + oj);
        s += load<f64>(a + o + oi) * bj;
        t += load<f64>(a + o + oi, 8) * bj;
      }
      store<f64>(out + r0 + oj, decay * load<f64>(c + r0 + oj) + s);
      store<f64>(out + r1 + oj, decay * load<f64>(c + r1 + oj) + t);
    }
    // …and the diagonal of row i + 1.
    const oj = (<usize>(i + 1)) << 3;
    let t = 0.0;
    for (let o: usize = 0; o < end; o += stride) t += load<f64>(a + o + oi, 8) * load<f64>(b + o + oj);
    store<f64>(out + r1 + oj, decay * load<f64>(c + r1 + oj) + t);
  }
  if (i < last) {
    const r0 = ((((<usize>i) * (<usize>i + 1)) >> 1) - base) << 3;
    const oi = (<usize>i) << 3;
    for (let j = 0; j <= i; j++) {
      const oj = (<usize>j) << 3;
      let s = 0.0;
      for (let o: usize = 0; o < end; o += stride) s += load<f64>(a + o + oi) * load<f64>(b + o + oj);
      store<f64>(out + r0 + oj, decay * load<f64>(c + r0 + oj) + s);
    }
  }
}

/**
 * out[k] = Σ_j ((x_k[j] − m[j])·s[j])² for `rows` vectors x_k of length n stored one after
 * another (sep-CMA-ES: ‖z_k‖² recovered from the candidates).
 */
export function scaledSquaredNorms(x: usize, rows: i32, n: i32, mean: usize, scales: usize, out: usize): void {
  const stride = (<usize>n) << 3;
  for (let k = 0; k < rows; k++) {
    const row = x + <usize>k * stride;
    let acc = f64x2.splat(0);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = (<usize>j) << 3;
      const z = f64x2.mul(f64x2.sub(v128.load(row + o), v128.load(mean + o)), v128.load(scales + o));
      acc = f64x2.add(acc, f64x2.mul(z, z));
    }
    let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    if (j < n) {
      const o = (<usize>j) << 3;
      const z = (load<f64>(row + o) - load<f64>(mean + o)) * load<f64>(scales + o);
      sum += z * z;
    }
    store<f64>(out + ((<usize>k) << 3), sum);
  }
}

/**
 * With y_k = (x_k − m)·c for `rows` vectors x_k of length n stored one after another:
 * shift += Σ_k a[k]·y_k and squares += Σ_k b[k]·y_k² (sep-CMA-ES's ⟨y⟩_w and rank-μ sum).
 * Four vectors per pass, so each pass reads m and updates the two sums once for four.
 */
export function weightedSums(
  x: usize,
  rows: i32,
  n: i32,
  mean: usize,
  c: f64,
  a: usize,
  b: usize,
  shift: usize,
  squares: usize,
): void {
  const stride = (<usize>n) << 3;
  const scale = f64x2.splat(c);
  let k = 0;
  for (; k + 3 < rows; k += 4) {
    const x0 = x + <usize>k * stride;
    const x1 = x0 + stride;
    const x2 = x1 + stride;
    const x3 = x2 + stride;
    const ko = (<usize>k) << 3;
    const a0 = v128.load64_splat(a + ko);
    const a1 = v128.load64_splat(a + ko + 8);
    const a2 = v128.load64_splat(a + ko + 16);
    const a3 = v128.load64_splat(a + ko + 24);
    const b0 = v128.load64_splat(b + ko);
    const b1 = v128.load64_splat(b + ko + 8);
    const b2 = v128.load64_splat(b + ko + 16);
    const b3 = v128.load64_splat(b + ko + 24);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = (<usize>j) << 3;
      const m = v128.load(mean + o);
      const y0 = f64x2.mul(f64x2.sub(v128.load(x0 + o), m), scale);
      const y1 = f64x2.mul(f64x2.sub(v128.load(x1 + o), m), scale);
      const y2 = f64x2.mul(f64x2.sub(v128.load(x2 + o), m), scale);
      const y3 = f64x2.mul(f64x2.sub(v128.load(x3 + o), m), scale);
      const s = f64x2.add(f64x2.add(f64x2.mul(a0, y0), f64x2.mul(a1, y1)), f64x2.add(f64x2.mul(a2, y2), f64x2.mul(a3, y3)));
      const q = f64x2.add(
        f64x2.add(f64x2.mul(b0, f64x2.mul(y0, y0)), f64x2.mul(b1, f64x2.mul(y1, y1))),
        f64x2.add(f64x2.mul(b2, f64x2.mul(y2, y2)), f64x2.mul(b3, f64x2.mul(y3, y3))),
      );
      v128.store(shift + o, f64x2.add(v128.load(shift + o), s));
      v128.store(squares + o, f64x2.add(v128.load(squares + o), q));
    }
    if (j < n) {
      for (let r = 0; r < 4; r++) weightedSumsTail(x0 + <usize>r * stride, j, mean, c, load<f64>(a + ko + ((<usize>r) << 3)), load<f64>(b + ko + ((<usize>r) << 3)), shift, squares);
    }
  }
  for (; k < rows; k++) {
    const row = x + <usize>k * stride;
    const ak = load<f64>(a + ((<usize>k) << 3));
    const bk = load<f64>(b + ((<usize>k) << 3));
    for (let j = 0; j < n; j++) weightedSumsTail(row, j, mean, c, ak, bk, shift, squares);
  }
}

@inline
function weightedSumsTail(row: usize, j: i32, mean: usize, c: f64, ak: f64, bk: f64, shift: usize, squares: usize): void {
  const o = (<usize>j) << 3;
  const y = (load<f64>(row + o) - load<f64>(mean + o)) * c;
  store<f64>(shift + o, load<f64>(shift + o) + ak * y);
  store<f64>(squares + o, load<f64>(squares + o) + bk * y * y);
}

/**
 * P ← G_{hi−1}ᵀ ⋯ G_loᵀ P for the Givens rotations (cos[k], sin[k]) of one QR step of the
 * symmetric eigensolver (engine/strategies/cma/eigen.ts), P n×n row-major: rotation k combines
 * rows k and k+1. Four rotations per pass carry the shared row in registers; the same products
 * in the same order as the scalar loop, two columns per instruction.
 */
export function rotateRows(n: i32, pm: usize, lo: i32, hi: i32, cos: usize, sin: usize): void {
  const stride = (<usize>n) << 3;
  let k = lo;
  for (; k + 3 < hi; k += 4) {
    const ko = (<usize>k) << 3;
    const c1 = f64x2.splat(load<f64>(cos + ko));
    const s1 = f64x2.splat(load<f64>(sin + ko));
    const c2 = f64x2.splat(load<f64>(cos + ko, 8));
    const s2 = f64x2.splat(load<f64>(sin + ko, 8));
    const c3 = f64x2.splat(load<f64>(cos + ko, 16));
    const s3 = f64x2.splat(load<f64>(sin + ko, 16));
    const c4 = f64x2.splat(load<f64>(cos + ko, 24));
    const s4 = f64x2.splat(load<f64>(sin + ko, 24));
    const r0 = pm + <usize>k * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    const r4 = r3 + stride;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = (<usize>j) << 3;
      let t = v128.load(r0 + o);
      let y = v128.load(r1 + o);
      v128.store(r0 + o, f64x2.sub(f64x2.mul(c1, t), f64x2.mul(s1, y)));
      t = f64x2.add(f64x2.mul(s1, t), f64x2.mul(c1, y));
      y = v128.load(r2 + o);
      v128.store(r1 + o, f64x2.sub(f64x2.mul(c2, t), f64x2.mul(s2, y)));
      t = f64x2.add(f64x2.mul(s2, t), f64x2.mul(c2, y));
      y = v128.load(r3 + o);
      v128.store(r2 + o, f64x2.sub(f64x2.mul(c3, t), f64x2.mul(s3, y)));
      t = f64x2.add(f64x2.mul(s3, t), f64x2.mul(c3, y));
      y = v128.load(r4 + o);
      v128.store(r3 + o, f64x2.sub(f64x2.mul(c4, t), f64x2.mul(s4, y)));
      v128.store(r4 + o, f64x2.add(f64x2.mul(s4, t), f64x2.mul(c4, y)));
    }
    if (j < n) {
      for (let q = 0; q < 4; q++) rotatePair(r0 + <usize>q * stride, stride, j, load<f64>(cos + ko + ((<usize>q) << 3)), load<f64>(sin + ko + ((<usize>q) << 3)));
    }
  }
  for (; k < hi; k++) {
    const ko = (<usize>k) << 3;
    const c = load<f64>(cos + ko);
    const s = load<f64>(sin + ko);
    const cv = f64x2.splat(c);
    const sv = f64x2.splat(s);
    const r0 = pm + <usize>k * stride;
    const r1 = r0 + stride;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = (<usize>j) << 3;
      const x = v128.load(r0 + o);
      const y = v128.load(r1 + o);
      v128.store(r0 + o, f64x2.sub(f64x2.mul(cv, x), f64x2.mul(sv, y)));
      v128.store(r1 + o, f64x2.add(f64x2.mul(sv, x), f64x2.mul(cv, y)));
    }
    if (j < n) rotatePair(r0, stride, j, c, s);
  }
}

/** Column j of rows r and r + 1 (at `row` and row + stride) rotated by (c, s). */
@inline
function rotatePair(row: usize, stride: usize, j: i32, c: f64, s: f64): void {
  const o = (<usize>j) << 3;
  const x = load<f64>(row + o);
  const y = load<f64>(row + stride + o);
  store<f64>(row + o, c * x - s * y);
  store<f64>(row + stride + o, s * x + c * y);
}

/**
 * P = Qᵀ = H_2 H_3 ⋯ H_{n−1} for the eigensolver's Householder reduction: the reflector u_i is
 * row i (columns 0..i−1) of `w`, a packed lower triangle (row i at entry i(i+1)/2), with
 * u_iᵀu_i/2 = norms[i] (0: no reflection). P is n×n, row-major, built by accumulateReflectorRows
 * in blocks of rows that stay in cache while every reflector is applied to them.
 */
export function accumulateReflectors(n: i32, w: usize, norms: usize, pm: usize): void {
  const stride = (<usize>n) << 3;
  const blockRows = reflectorBlockRows(n);
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    accumulateReflectorRows(n, w, norms, r0, min(n, r0 + blockRows), pm + <usize>r0 * stride);
  }
}

/** Rows of P per block of accumulateReflectors (about 256 KB). */
function reflectorBlockRows(n: i32): i32 {
  return max(8, 32768 / max(1, n));
}

/**
 * Rows r0 … r1 − 1 of P (see accumulateReflectors) into `out`, (r1 − r0)×n row-major: row r of P
 * is e_r·H_{r+1}⋯H_{n−1}, so a block of rows needs every reflector but no other row.
 */
function accumulateReflectorRows(n: i32, w: usize, norms: usize, r0: i32, r1: i32, out: usize): void {
  startReflectorRows(n, r0, r1, out);
  applyReflectorRows(n, w, 0, max(2, r0 + 1), n, norms, r0, r1, out);
}

/** Rows r0 … r1 − 1 of the identity into `out`, (r1 − r0)×n row-major: P's rows before any reflector. */
export function startReflectorRows(n: i32, r0: i32, r1: i32, out: usize): void {
  const stride = (<usize>n) << 3;
  memory.fill(out, 0, <usize>(r1 - r0) * stride);
  for (let r = r0; r < r1; r++) store<f64>(out + <usize>(r - r0) * stride + ((<usize>r) << 3), 1.0);
}

/**
 * Applies the reflectors i0 … i1 − 1 (in that order) to rows r0 … r1 − 1 of P in `out`: each row
 * p ← p − (p·u_i / h_i) u_i. `w` holds the packed rows from `first` on (u_i at entry
 * i(i+1)/2 − first(first+1)/2), so the reflectors can come a chunk at a time; applying them in
 * chunks gives the same doubles as all at once. Two rows per pass.
 */
export function applyReflectorRows(
  n: i32,
  w: usize,
  first: i32,
  i0: i32,
  i1: i32,
  norms: usize,
  r0: i32,
  r1: i32,
  out: usize,
): void {
  const stride = (<usize>n) << 3;
  const base = w - ((((<usize>first) * (<usize>first + 1)) >> 1) << 3);
  for (let i = i0; i < i1; i++) {
    const h = load<f64>(norms + ((<usize>i) << 3));
    if (h == 0) continue;
    const u = base + (((<usize>i * (<usize>i + 1)) >> 1) << 3);
    const rEnd = min(r1, i);
    let r = r0;
    for (; r + 1 < rEnd; r += 2) {
      const p0 = out + <usize>(r - r0) * stride;
      const p1 = p0 + stride;
      let d0 = f64x2.splat(0);
      let d1 = f64x2.splat(0);
      let k = 0;
      for (; k + 1 < i; k += 2) {
        const o = (<usize>k) << 3;
        const uk = v128.load(u + o);
        d0 = f64x2.add(d0, f64x2.mul(v128.load(p0 + o), uk));
        d1 = f64x2.add(d1, f64x2.mul(v128.load(p1 + o), uk));
      }
      let dot0 = f64x2.extract_lane(d0, 0) + f64x2.extract_lane(d0, 1);
      let dot1 = f64x2.extract_lane(d1, 0) + f64x2.extract_lane(d1, 1);
      if (k < i) {
        const o = (<usize>k) << 3;
        dot0 += load<f64>(p0 + o) * load<f64>(u + o);
        dot1 += load<f64>(p1 + o) * load<f64>(u + o);
      }
      const t0 = f64x2.splat(dot0 / h);
      const t1 = f64x2.splat(dot1 / h);
      k = 0;
      for (; k + 1 < i; k += 2) {
        const o = (<usize>k) << 3;
        const uk = v128.load(u + o);
        v128.store(p0 + o, f64x2.sub(v128.load(p0 + o), f64x2.mul(t0, uk)));
        v128.store(p1 + o, f64x2.sub(v128.load(p1 + o), f64x2.mul(t1, uk)));
      }
      if (k < i) {
        const o = (<usize>k) << 3;
        store<f64>(p0 + o, load<f64>(p0 + o) - (dot0 / h) * load<f64>(u + o));
        store<f64>(p1 + o, load<f64>(p1 + o) - (dot1 / h) * load<f64>(u + o));
      }
    }
    if (r < rEnd) {
      const p0 = out + <usize>(r - r0) * stride;
      const dot0 = dot(p0, u, i);
      const t0 = dot0 / h;
      for (let k = 0; k < i; k++) {
        const o = (<usize>k) << 3;
        store<f64>(p0 + o, load<f64>(p0 + o) - t0 * load<f64>(u + o));
      }
    }
  }
}
