/**
 * The hot loops of CMA-ES and sep-CMA-ES as WebAssembly with 128-bit SIMD (two doubles or four
 * 32-bit integers per instruction). This file is AssemblyScript, not TypeScript: it is compiled
 * by `npm run build:wasm` into engine/wasm/kernels-binary.ts, which the engine loads through
 * engine/wasm/kernels.ts. test/engine/wasm/kernels.test.ts checks each against the textbook loop.
 *
 * Every argument that names memory is a byte offset into this module's memory; the TypeScript
 * side lays the buffers out and copies data in and out. Nothing here allocates.
 */

/**
 * The fast path of the ziggurat method (see engine/core/rng.ts) on four xoshiro128** generators
 * at once, one per 32-bit lane: normal i comes from lane i mod 4. For each draw, the low 8 bits
 * pick a layer and the upper 24 bits, as a signed integer a, give the point; it is accepted when
 * |a| < threshold[layer] (an integer form of |u| < x_{i+1}/x_i) and written as a·edge[layer]
 * (edge = x_i·2⁻³¹). A draw that fails lands on the reject list as (index, raw bits) for the
 * caller to finish on the slow path, and its slot is left as written.
 *
 * `tables`: 256 i32 thresholds, then 256 f64 scaled edges. `lanes`: the four states as four
 * i32x4 words s0..s3, updated in place. `count` must be a multiple of 4. Stops early, before a
 * group of four could overflow the list of `maxRejects` entries; returns the normals written and
 * stores the number of rejects at `lanes + 64`.
 */
export function zigguratNormals(
  tables: usize,
  lanes: usize,
  out: usize,
  count: i32,
  rejects: usize,
  maxRejects: i32,
): i32 {
  let s0 = v128.load(lanes);
  let s1 = v128.load(lanes, 16);
  let s2 = v128.load(lanes, 32);
  let s3 = v128.load(lanes, 48);
  const five = i32x4.splat(5);
  const nine = i32x4.splat(9);
  const layerMask = i32x4.splat(255);
  const valueMask = i32x4.splat(~255);
  const edges = tables + 1024;
  let rejected = 0;
  let i = 0;
  for (; i < count && rejected <= maxRejects - 4; i += 4) {
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
    const p = out + ((<usize>i) << 3);
    v128.store(p, f64x2.mul(f64x2.convert_low_i32x4_s(value), edge01));
    v128.store(p, f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(value, value, 2, 3, 0, 1)), edge23), 16);

    const mask = i32x4.bitmask(accepted);
    if (mask != 15) {
      rejected = reject(rejects, rejected, mask, 0, i, i32x4.extract_lane(bits, 0));
      rejected = reject(rejects, rejected, mask, 1, i + 1, i32x4.extract_lane(bits, 1));
      rejected = reject(rejects, rejected, mask, 2, i + 2, i32x4.extract_lane(bits, 2));
      rejected = reject(rejects, rejected, mask, 3, i + 3, i32x4.extract_lane(bits, 3));
    }
  }
  v128.store(lanes, s0);
  v128.store(lanes, s1, 16);
  v128.store(lanes, s2, 32);
  v128.store(lanes, s3, 48);
  store<i32>(lanes, rejected, 64);
  return i;
}

/** Appends (index, bits) to the reject list when `lane` failed; returns the new list length. */
@inline
function reject(rejects: usize, rejected: i32, mask: i32, lane: i32, index: i32, bits: i32): i32 {
  if ((mask >> lane) & 1) return rejected;
  const entry = rejects + ((<usize>rejected) << 3);
  store<i32>(entry, index);
  store<i32>(entry, bits, 4);
  return rejected + 1;
}

/** z_k ← mean + scales∘z_k for `rows` vectors of length n stored one after another, in place. */
export function scaleAndShiftRows(z: usize, rows: i32, n: i32, mean: usize, scales: usize): void {
  for (let k = 0; k < rows; k++) {
    const row = z + ((<usize>k * <usize>n) << 3);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(row + o, f64x2.add(v128.load(mean + o), f64x2.mul(v128.load(scales + o), v128.load(row + o))));
    }
    if (j < n) {
      const o = (<usize>j) << 3;
      store<f64>(row + o, load<f64>(mean + o) + load<f64>(scales + o) * load<f64>(row + o));
    }
  }
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
 * out_k = mean + σ·B·s_k for `count` vectors s_k of length n stored one after another; B is
 * n×n row-major. Two rows of B against four vectors per pass: eight f64x2 sums in registers,
 * six loads per eight multiply-adds of two lanes each.
 */
export function sampleFromBasis(
  n: i32,
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
    for (; i + 1 < n; i += 2) {
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
    if (i < n) {
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
    for (let i = 0; i < n; i++) {
      const oi = (<usize>i) << 3;
      store<f64>(x + oi, load<f64>(mean + oi) + sigma * dot(basis + <usize>i * stride, v, n));
    }
  }
}

/**
 * out = decay·C + Σ_k a_k b_kᵀ, where every term is symmetric; `a` and `b` hold `count` vectors
 * of length n one after another, `out` must not alias `c`. Computed on and below the diagonal
 * in tiles of two rows by four columns (four f64x2 sums over all k in registers), then the
 * lower triangle is mirrored onto the upper one, so the result is exactly symmetric.
 */
export function symmetricDecayAndOuterProducts(
  n: i32,
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
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = <usize>i * stride;
    const r1 = r0 + stride;
    const oi = (<usize>i) << 3;
    let j = 0;
    for (; j <= i && j + 3 < n; j += 4) {
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
    // Columns left over at the diagonal (j ≤ i + 1) when n is not a multiple of four.
    for (; j <= i + 1; j++) {
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
  }
  if (i < n) {
    const r0 = <usize>i * stride;
    const oi = (<usize>i) << 3;
    for (let j = 0; j <= i; j++) {
      const oj = (<usize>j) << 3;
      let s = 0.0;
      for (let o: usize = 0; o < end; o += stride) s += load<f64>(a + o + oi) * load<f64>(b + o + oj);
      store<f64>(out + r0 + oj, decay * load<f64>(c + r0 + oj) + s);
    }
  }
  for (let r = 1; r < n; r++) {
    const row = <usize>r * stride;
    for (let col = 0; col < r; col++) store<f64>(out + (<usize>col) * stride + ((<usize>r) << 3), load<f64>(out + row + ((<usize>col) << 3)));
  }
}
