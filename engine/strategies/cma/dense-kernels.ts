/**
 * The O(n²)-per-candidate loops of full-covariance CMA-ES, on row-major Float64Arrays.
 * Written for V8, which neither vectorises nor removes bounds checks: the loops are blocked so
 * that every value loaded feeds several multiply-adds (a 2×4 register block for the sampling
 * product, four rank-one terms per pass for the covariance update), which about doubles their
 * throughput compared with the textbook loops.
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
    for (; i + 1 < n; i += 2) {
      const r0 = i * n;
      const r1 = r0 + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let j = 0; j < n; j++) {
        const p = basis[r0 + j];
        const q = basis[r1 + j];
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
      }
      const m0 = mean[i];
      const m1 = mean[i + 1];
      x0[i] = m0 + sigma * a0;
      x1[i] = m0 + sigma * a1;
      x2[i] = m0 + sigma * a2;
      x3[i] = m0 + sigma * a3;
      x0[i + 1] = m1 + sigma * b0;
      x1[i + 1] = m1 + sigma * b1;
      x2[i + 1] = m1 + sigma * b2;
      x3[i + 1] = m1 + sigma * b3;
    }
    if (i < n) {
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
  for (; k < count; k++) {
    const z0 = k * n;
    const x0 = out[k];
    for (let i = 0; i < n; i++) {
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
 * and b_k = y_k). Only the lower triangle is computed and then mirrored, so the result is
 * exactly symmetric. `a` and `b` hold `count` vectors of length n one after another; `out`
 * must not alias `c`.
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
  for (let i = 0; i < n * n; i++) out[i] = decay * c[i];
  // Rows i and i+1 together: each b_k[j] loaded serves both rows.
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    let k = 0;
    for (; k + 3 < count; k += 4) {
      const o0 = k * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      const f0 = a[o0 + i];
      const f1 = a[o1 + i];
      const f2 = a[o2 + i];
      const f3 = a[o3 + i];
      const g0 = a[o0 + i + 1];
      const g1 = a[o1 + i + 1];
      const g2 = a[o2 + i + 1];
      const g3 = a[o3 + i + 1];
      for (let j = 0; j <= i; j++) {
        const b0 = b[o0 + j];
        const b1 = b[o1 + j];
        const b2 = b[o2 + j];
        const b3 = b[o3 + j];
        out[r0 + j] += f0 * b0 + f1 * b1 + f2 * b2 + f3 * b3;
        out[r1 + j] += g0 * b0 + g1 * b1 + g2 * b2 + g3 * b3;
      }
      const j = i + 1;
      out[r1 + j] += g0 * b[o0 + j] + g1 * b[o1 + j] + g2 * b[o2 + j] + g3 * b[o3 + j];
    }
    for (; k < count; k++) {
      const o0 = k * n;
      const f0 = a[o0 + i];
      const g0 = a[o0 + i + 1];
      for (let j = 0; j <= i; j++) {
        const b0 = b[o0 + j];
        out[r0 + j] += f0 * b0;
        out[r1 + j] += g0 * b0;
      }
      out[r1 + i + 1] += g0 * b[o0 + i + 1];
    }
  }
  if (i < n) {
    const r0 = i * n;
    for (let k = 0; k < count; k++) {
      const o0 = k * n;
      const f0 = a[o0 + i];
      for (let j = 0; j <= i; j++) out[r0 + j] += f0 * b[o0 + j];
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
