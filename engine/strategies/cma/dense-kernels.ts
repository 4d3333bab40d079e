/**
 * The O(n²)-per-candidate loops of full-covariance CMA-ES, on row-major Float64Arrays.
 * Written for V8, which neither vectorises nor removes bounds checks: the loops are blocked so
 * that every value loaded feeds several multiply-adds (3×4 register tiles for the sampling
 * product, 2×4 for the covariance update), which gives them two to four times the throughput of
 * the textbook loops.
 */

/**
 * out_k = mean + σ · B · s_k for the `count` vectors s_k stored one after another in `scaled`
 * (n each). With s_k = D∘z_k this is x_k = m + σ·B·D·z_k.
 */
export function sampleFromBasis(
  n: number,
  basis: Float64Array,
  scaled: Float64Array,
  count: number,
  mean: Float64Array,
  sigma: number,
  out: Float64Array[],
): void {
  let k = 0;
  // Four vectors at a time, three rows of B per pass: 12 sums in registers, 7 loads per 12 multiply-adds.
  for (; k + 3 < count; k += 4) {
    const z0 = k * n;
    const z1 = z0 + n;
    const z2 = z1 + n;
    const z3 = z2 + n;
    const x0 = out[k];
    const x1 = out[k + 1];
    const x2 = out[k + 2];
    const x3 = out[k + 3];
    let i = 0;
    for (; i + 2 < n; i += 3) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let j = 0; j < n; j++) {
        const p = basis[r0 + j];
        const q = basis[r1 + j];
        const t = basis[r2 + j];
        const s0 = scaled[z0 + j];
        const s1 = scaled[z1 + j];
        const s2 = scaled[z2 + j];
        const s3 = scaled[z3 + j];
        a0 += p * s0;
        a1 += p * s1;
        a2 += p * s2;
        a3 += p * s3;
        b0 += q * s0;
        b1 += q * s1;
        b2 += q * s2;
        b3 += q * s3;
        c0 += t * s0;
        c1 += t * s1;
        c2 += t * s2;
        c3 += t * s3;
      }
      const m0 = mean[i];
      const m1 = mean[i + 1];
      const m2 = mean[i + 2];
      x0[i] = m0 + sigma * a0;
      x1[i] = m0 + sigma * a1;
      x2[i] = m0 + sigma * a2;
      x3[i] = m0 + sigma * a3;
      x0[i + 1] = m1 + sigma * b0;
      x1[i + 1] = m1 + sigma * b1;
      x2[i + 1] = m1 + sigma * b2;
      x3[i + 1] = m1 + sigma * b3;
      x0[i + 2] = m2 + sigma * c0;
      x1[i + 2] = m2 + sigma * c1;
      x2[i + 2] = m2 + sigma * c2;
      x3[i + 2] = m2 + sigma * c3;
    }
    for (; i < n; i++) {
      const r0 = i * n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let j = 0; j < n; j++) {
        const p = basis[r0 + j];
        a0 += p * scaled[z0 + j];
        a1 += p * scaled[z1 + j];
        a2 += p * scaled[z2 + j];
        a3 += p * scaled[z3 + j];
      }
      x0[i] = mean[i] + sigma * a0;
      x1[i] = mean[i] + sigma * a1;
      x2[i] = mean[i] + sigma * a2;
      x3[i] = mean[i] + sigma * a3;
    }
  }
  // The last one to three vectors: four rows at a time, so the sums still run side by side.
  for (; k < count; k++) {
    const z0 = k * n;
    const x0 = out[k];
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let j = 0; j < n; j++) {
        const s = scaled[z0 + j];
        a0 += basis[r0 + j] * s;
        a1 += basis[r1 + j] * s;
        a2 += basis[r2 + j] * s;
        a3 += basis[r3 + j] * s;
      }
      x0[i] = mean[i] + sigma * a0;
      x0[i + 1] = mean[i + 1] + sigma * a1;
      x0[i + 2] = mean[i + 2] + sigma * a2;
      x0[i + 3] = mean[i + 3] + sigma * a3;
    }
    for (; i < n; i++) {
      const r0 = i * n;
      let a0 = 0;
      for (let j = 0; j < n; j++) a0 += basis[r0 + j] * scaled[z0 + j];
      x0[i] = mean[i] + sigma * a0;
    }
  }
}

/** out = M·v for a row-major n×n matrix M. */
export function multiplyVector(n: number, matrix: Float64Array, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      s0 += matrix[r + j] * v[j];
      s1 += matrix[r + j + 1] * v[j + 1];
    }
    if (j < n) s0 += matrix[r + j] * v[j];
    out[i] = s0 + s1;
  }
}

/**
 * out = decay·C + Σ_k a_k b_kᵀ where every term is symmetric (the caller passes a_k = c_k·y_k
 * and b_k = y_k). `a` and `b` hold `count` vectors of length n one after another; `out` must
 * not alias `c`.
 *
 * Computed like a matrix product, in 2×4 tiles of `out` on and below the diagonal: each tile's
 * eight sums run over all k in registers, so every a_k[i] and b_k[j] loaded feeds four or two
 * multiply-adds and each entry of `out` is written once (the earlier row-by-row loop re-read
 * and re-wrote `out` for every block of four k, and was store-bound). The tiles that straddle
 * the diagonal also compute a few entries above it; the lower triangle is then mirrored onto
 * the upper one, so the result is exactly symmetric.
 */
export function symmetricDecayAndOuterProducts(
  n: number,
  c: Float64Array,
  decay: number,
  a: Float64Array,
  b: Float64Array,
  count: number,
  out: Float64Array,
): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    let j = 0;
    for (; j <= i && j + 3 < n; j += 4) {
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let o = 0; o < count * n; o += n) {
        const f = a[o + i];
        const g = a[o + i + 1];
        const b0 = b[o + j];
        const b1 = b[o + j + 1];
        const b2 = b[o + j + 2];
        const b3 = b[o + j + 3];
        s00 += f * b0;
        s01 += f * b1;
        s02 += f * b2;
        s03 += f * b3;
        s10 += g * b0;
        s11 += g * b1;
        s12 += g * b2;
        s13 += g * b3;
      }
      out[r0 + j] = decay * c[r0 + j] + s00;
      out[r0 + j + 1] = decay * c[r0 + j + 1] + s01;
      out[r0 + j + 2] = decay * c[r0 + j + 2] + s02;
      out[r0 + j + 3] = decay * c[r0 + j + 3] + s03;
      out[r1 + j] = decay * c[r1 + j] + s10;
      out[r1 + j + 1] = decay * c[r1 + j + 1] + s11;
      out[r1 + j + 2] = decay * c[r1 + j + 2] + s12;
      out[r1 + j + 3] = decay * c[r1 + j + 3] + s13;
    }
    // Columns left over at the diagonal (j ≤ i + 1) when n is not a multiple of four.
    for (; j <= i + 1; j++) {
      let s0 = 0;
      let s1 = 0;
      for (let o = 0; o < count * n; o += n) {
        const bj = b[o + j];
        s0 += a[o + i] * bj;
        s1 += a[o + i + 1] * bj;
      }
      out[r0 + j] = decay * c[r0 + j] + s0;
      out[r1 + j] = decay * c[r1 + j] + s1;
    }
  }
  if (i < n) {
    const r0 = i * n;
    for (let j = 0; j <= i; j++) {
      let s0 = 0;
      for (let o = 0; o < count * n; o += n) s0 += a[o + i] * b[o + j];
      out[r0 + j] = decay * c[r0 + j] + s0;
    }
  }
  mirrorLowerTriangle(n, out);
}

/** Copies the lower triangle onto the upper one, in tiles so both sides stay in cache. */
export function mirrorLowerTriangle(n: number, m: Float64Array): void {
  const tile = 32;
  for (let i0 = 0; i0 < n; i0 += tile) {
    const i1 = Math.min(n, i0 + tile);
    for (let j0 = 0; j0 <= i0; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let i = i0; i < i1; i++) {
        const r = i * n;
        const jEnd = Math.min(j1, i);
        for (let j = j0; j < jEnd; j++) m[j * n + i] = m[r + j];
      }
    }
  }
}
