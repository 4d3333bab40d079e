/**
 * Eigendecomposition of a real symmetric matrix, A = B·diag(λ)·Bᵀ, written for CMA-ES.
 *
 * Two classical stages (Golub & Van Loan, "Matrix Computations", 4th ed., §8.3):
 * 1. Householder reduction to tridiagonal form T = Qᵀ A Q (reflectors built from the last row
 *    upwards, applied to the lower triangle only: a symmetric mat-vec and a rank-2 update per
 *    step, 2n³/3 multiply-adds), then Q accumulated from the reflectors (another 2n³/3). The
 *    triangle is worked on packed (cma/packed.ts), as C is stored: copying C in is one memcpy,
 *    and the work matrix is n(n+1)/2 numbers instead of n². Above n = 1 024 it is reduced in the
 *    caller's array for the eigenvectors, outside the WebAssembly memory (see `rowsOutside`).
 * 2. Implicit symmetric QR steps on T (GVL Algorithm 8.3.2): a Givens rotation chases the bulge
 *    down the band, and the bottom off-diagonal is deflated once it is negligible.
 *
 * Speed, which matters because CMA-ES pays this O(n³) every few generations:
 * - The eigenvectors are accumulated as the *rows* of a row-major matrix P (P = Qᵀ, then
 *   P ← Gᵀ P per rotation), so each rotation combines two contiguous rows; the rotations of one
 *   QR step act on consecutive row pairs and are applied four at a time, keeping the shared row
 *   in a register (≈ 40 % fewer loads and stores).
 * - "Perfect shifts" (Parlett, "The Symmetric Eigenvalue Problem", §8.14): the eigenvalues
 *   are first found with the same QR iteration on a copy of T without vectors (O(n²)); then
 *   each vector-carrying QR step is shifted by an eigenvalue itself, which normally deflates it
 *   in one step. That halves the O(n³) rotation work compared with Wilkinson shifts (about
 *   n²/2 rotations instead of 1.1·n²). When rounding prevents the deflation, the step is
 *   repeated with the Wilkinson shift, so correctness never depends on it.
 * - The two O(n³) loops over P (applying the rotations, accumulating the reflectors) are
 *   WebAssembly SIMD kernels (engine/wasm/kernels.ts), about twice the speed of the JavaScript
 *   loops they replaced; the reduction itself stays here.
 * Scratch buffers are reused between calls of the same size; the functions are synchronous
 * and JavaScript is single-threaded, so sharing them is safe.
 */
import { wasmKernels } from '../../wasm/kernels';
import { regionCache, type Regions } from './region-cache';
import { packedLength, packedRow } from './packed';
import { tiling } from './wasm-backend';

/**
 * An off-diagonal entry e_k is dropped once |e_k| ≤ tol·(|d_k| + |d_k+1|). 16ε perturbs T by
 * far less than the O(n·ε·‖A‖) the Householder stage already commits, and it lets most
 * perfect-shift steps deflate at once: their residual is typically a few ε (with tol = ε
 * about 45 % of them needed a second, full-length QR step).
 */
const DEFLATION_TOLERANCE = 16 * 2 ** -52;

interface Scratch {
  n: number;
  /**
   * The packed lower triangle (cma/packed.ts) being reduced, then the Householder vectors; above
   * `tiling.maxDoubles`, a chunk of the reflectors for the kernel (see `rowsOutside`).
   */
  work: Float64Array;
  /** n×n: P, the eigenvectors as rows; above `tiling.maxDoubles`, a block of P's rows (see `rowsOutside`). */
  rows: Float64Array;
  diag: Float64Array;
  off: Float64Array;
  diagCopy: Float64Array;
  offCopy: Float64Array;
  reflectorNorms: Float64Array;
  vec: Float64Array;
  vecNext: Float64Array;
  cosines: Float64Array;
  sines: Float64Array;
  eigenvalues: Float64Array; // sorted, from the values-only pass
  used: Uint8Array;
  order: Int32Array;
  /** Byte offsets of work, rows, reflectorNorms, cosines and sines for the kernels. */
  at: Regions<EigenRegion>['at'];
}

type EigenRegion = 'eigenWork' | 'eigenRows' | 'eigenNorms' | 'eigenCosines' | 'eigenSines';

/**
 * Above `tiling.maxDoubles` (n > 1 024) the whole decomposition happens in the caller's `vectors`
 * array, which then becomes the eigenvectors in place, instead of in an n×n region and an
 * n(n+1)/2 one: the WebAssembly memory never shrinks, so those regions (48 MB at n = 2 000)
 * would stay for the rest of the run, and during a decomposition they would sit beside the new
 * B and the old one.
 * - The triangle is reduced in the tail of `vectors` (from entry n(n−1)/2 on: see `tailStart`).
 * - P is built in its head: the kernel accumulates a block of P's rows at a time, the reflectors
 *   copied to it a chunk at a time, and each finished block is copied out. Row r of P needs only
 *   the reflectors of rows r+1 … n−1, and rows 0 … r of P end at or before the start of packed
 *   row r+1 in the tail ((r+1)·n ≤ n(n−1)/2 + (r+1)(r+2)/2 for every r < n), so a block never
 *   overwrites a reflector a later block needs.
 * - The QR rotations, O(n²) per step on rows outside the memory, run in JavaScript.
 * Same operations in the same order as the in-memory path, so the same doubles.
 */
function rowsOutside(n: number): boolean {
  return n * n > tiling.maxDoubles;
}

/** Where the triangle being reduced starts in `vectors` when the decomposition works there. */
function tailStart(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Numbers per chunk of reflectors copied to the kernel (one row at least). */
function reflectorChunk(n: number): number {
  return Math.max(tiling.blockDoubles, n);
}

/** Rows of P per block when P is built outside the WebAssembly memory (≈ tiling.blockDoubles numbers). */
function blockRows(n: number): number {
  return Math.min(n, Math.max(8, Math.floor(tiling.blockDoubles / n)));
}

// What the WebAssembly kernels read and write lives in their memory; the views are renewed
// whenever a regions() call elsewhere has moved a region or grown (and so detached) the memory.
const eigenRegions = regionCache<EigenRegion>((n) => {
  const m = Math.max(1, n);
  return {
    eigenWork: rowsOutside(n) ? reflectorChunk(n) : Math.max(1, packedLength(n)),
    eigenRows: rowsOutside(n) ? blockRows(n) * n : n * n,
    eigenNorms: m,
    eigenCosines: m,
    eigenSines: m,
  };
});

let scratch: Scratch | null = null;

function getScratch(n: number): Scratch {
  const m = Math.max(1, n);
  const { views: memory, at } = eigenRegions(n, 0);
  if (!scratch || scratch.n !== n) {
    scratch = {
      n,
      work: memory.eigenWork,
      rows: memory.eigenRows,
      reflectorNorms: memory.eigenNorms,
      cosines: memory.eigenCosines,
      sines: memory.eigenSines,
      diag: new Float64Array(m),
      off: new Float64Array(m),
      diagCopy: new Float64Array(m),
      offCopy: new Float64Array(m),
      vec: new Float64Array(m),
      vecNext: new Float64Array(m),
      eigenvalues: new Float64Array(m),
      used: new Uint8Array(m),
      order: new Int32Array(m),
      at,
    };
  } else if (scratch.at !== at) {
    scratch.work = memory.eigenWork;
    scratch.rows = memory.eigenRows;
    scratch.reflectorNorms = memory.eigenNorms;
    scratch.cosines = memory.eigenCosines;
    scratch.sines = memory.eigenSines;
    scratch.at = at;
  }
  return scratch;
}

/**
 * Householder vector for row i: x = row i, columns 0..i−1, becomes u = x − g·e_{i−1} (scaled
 * by Σ|x|, which keeps Σx² clear of overflow and underflow) in place, so that H_i x = g·e_{i−1}
 * with H_i = I − u uᵀ/h. Stores the sub-diagonal entry and returns h = uᵀu/2 (0: no reflection).
 */
function formReflector(w: Float64Array, i: number, s: Scratch): number {
  const row = packedRow(i);
  let scale = 0;
  for (let k = 0; k < i; k++) scale += Math.abs(w[row + k]);
  s.reflectorNorms[i] = 0;
  if (scale === 0) {
    s.off[i - 1] = 0;
    return 0;
  }
  let sigma = 0;
  for (let k = 0; k < i; k++) {
    const v = w[row + k] / scale;
    w[row + k] = v;
    sigma += v * v;
  }
  const f = w[row + i - 1];
  const g = f >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
  s.off[i - 1] = scale * g;
  const h = sigma - f * g;
  w[row + i - 1] = f - g;
  s.reflectorNorms[i] = h;
  return h;
}

/**
 * p = A u / h for the leading i×i block of the lower triangle of `w`, u = row i of `w`.
 * Two rows per pass, so each u_k and p_k loaded serves four multiply-adds.
 */
function symmetricMatVec(w: Float64Array, i: number, h: number, p: Float64Array): void {
  const row = packedRow(i);
  p.fill(0, 0, i);
  let j = 0;
  for (; j + 1 < i; j += 2) {
    const r0 = packedRow(j);
    const r1 = r0 + j + 1;
    const u0 = w[row + j];
    const u1 = w[row + j + 1];
    let dot0 = 0;
    let dot1 = 0;
    for (let k = 0; k < j; k++) {
      const a0 = w[r0 + k];
      const a1 = w[r1 + k];
      const uk = w[row + k];
      dot0 += a0 * uk;
      dot1 += a1 * uk;
      p[k] += a0 * u0 + a1 * u1;
    }
    const a10 = w[r1 + j];
    p[j] += dot0 + w[r0 + j] * u0 + a10 * u1;
    p[j + 1] += dot1 + a10 * u0 + w[r1 + j + 1] * u1;
  }
  if (j < i) matVecRow(w, row, j, p);
  for (let k = 0; k < i; k++) p[k] /= h;
}

/**
 * Row j's share of p = A v for the lower triangle of `w`, v = the row of `w` starting at
 * `vector`: p_k += a_jk·v_j for k < j (the mirrored upper entries) and p_j += Σ_{k≤j} a_jk·v_k.
 */
function matVecRow(w: Float64Array, vector: number, j: number, p: Float64Array): void {
  const r0 = packedRow(j);
  const v0 = w[vector + j];
  let dot0 = 0;
  for (let k = 0; k < j; k++) {
    const a0 = w[r0 + k];
    dot0 += a0 * w[vector + k];
    p[k] += a0 * v0;
  }
  p[j] += dot0 + w[r0 + j] * v0;
}

/** Row j, columns 0..j, of A ← A − u qᵀ − q uᵀ (u = row i of `w`). */
function rank2UpdateRow(w: Float64Array, i: number, q: Float64Array, j: number): void {
  const row = packedRow(i);
  const rj = packedRow(j);
  const uj = w[row + j];
  const qj = q[j];
  for (let k = 0; k <= j; k++) w[rj + k] -= uj * q[k] + qj * w[row + k];
}

/** A ← A − u qᵀ − q uᵀ on rows 0..rows−1 of the lower triangle (u = row i of `w`). */
function symmetricRank2Update(w: Float64Array, i: number, q: Float64Array, rows: number): void {
  const row = packedRow(i);
  let j = 0;
  for (; j + 1 < rows; j += 2) {
    const r0 = packedRow(j);
    const r1 = r0 + j + 1;
    const u0 = w[row + j];
    const u1 = w[row + j + 1];
    const q0 = q[j];
    const q1 = q[j + 1];
    for (let k = 0; k <= j; k++) {
      const uk = w[row + k];
      const qk = q[k];
      w[r0 + k] -= u0 * qk + q0 * uk;
      w[r1 + k] -= u1 * qk + q1 * uk;
    }
    w[r1 + j + 1] -= 2 * u1 * q1;
  }
  if (j < rows) rank2UpdateRow(w, i, q, j);
}

/**
 * The rank-2 update of step i on rows 0..m−1 (m = i−1) fused with the next step's mat-vec
 * p' = A' u' / h' (u' = row m, already formed): one pass over the matrix instead of two,
 * which matters once the matrix no longer fits in cache.
 */
function rank2UpdateThenMatVec(
  w: Float64Array,
  i: number,
  q: Float64Array,
  h: number,
  p: Float64Array,
): void {
  const row = packedRow(i);
  const m = i - 1;
  const next = packedRow(m);
  p.fill(0, 0, m);
  let j = 0;
  for (; j + 1 < m; j += 2) {
    const r0 = packedRow(j);
    const r1 = r0 + j + 1;
    const u0 = w[row + j];
    const u1 = w[row + j + 1];
    const q0 = q[j];
    const q1 = q[j + 1];
    const v0 = w[next + j];
    const v1 = w[next + j + 1];
    let dot0 = 0;
    let dot1 = 0;
    for (let k = 0; k < j; k++) {
      const uk = w[row + k];
      const qk = q[k];
      const vk = w[next + k];
      const a0 = w[r0 + k] - (u0 * qk + q0 * uk);
      const a1 = w[r1 + k] - (u1 * qk + q1 * uk);
      w[r0 + k] = a0;
      w[r1 + k] = a1;
      dot0 += a0 * vk;
      dot1 += a1 * vk;
      p[k] += a0 * v0 + a1 * v1;
    }
    const a00 = w[r0 + j] - 2 * u0 * q0;
    const a10 = w[r1 + j] - (u1 * q0 + q1 * u0);
    const a11 = w[r1 + j + 1] - 2 * u1 * q1;
    w[r0 + j] = a00;
    w[r1 + j] = a10;
    w[r1 + j + 1] = a11;
    p[j] += dot0 + a00 * v0 + a10 * v1;
    p[j + 1] += dot1 + a10 * v0 + a11 * v1;
  }
  if (j < m) {
    rank2UpdateRow(w, i, q, j);
    matVecRow(w, next, j, p);
  }
  for (let k = 0; k < m; k++) p[k] /= h;
}

/**
 * Householder tridiagonalisation of the symmetric matrix held (lower triangle) in `w`.
 * Leaves the diagonal in `diag`, the sub-diagonal in `off` (off[i] couples i and i+1), the
 * reflectors in the rows of `w`, and P = Qᵀ in `pm` (`s.rows`, or outside the memory), where
 * T = Qᵀ A Q.
 */
function tridiagonalize(n: number, w: Float64Array, s: Scratch, pm: Float64Array): void {
  let p = s.vec;
  let pNext = s.vecNext;
  s.reflectorNorms.fill(0);
  let h = n > 2 ? formReflector(w, n - 1, s) : 0;
  if (h !== 0) symmetricMatVec(w, n - 1, h, p);
  for (let i = n - 1; i >= 2; i--) {
    const row = packedRow(i);
    let hNext = 0;
    if (h !== 0) {
      // A' = H A H = A − u qᵀ − q uᵀ with q = p − (uᵀp / 2h) u.
      let up = 0;
      for (let k = 0; k < i; k++) up += w[row + k] * p[k];
      const kappa = up / (2 * h);
      for (let k = 0; k < i; k++) p[k] -= kappa * w[row + k];
      rank2UpdateRow(w, i, p, i - 1);
      if (i - 1 >= 2) hNext = formReflector(w, i - 1, s);
      if (hNext !== 0) rank2UpdateThenMatVec(w, i, p, hNext, pNext);
      else symmetricRank2Update(w, i, p, i - 1);
    } else {
      if (i - 1 >= 2) hNext = formReflector(w, i - 1, s);
      if (hNext !== 0) symmetricMatVec(w, i - 1, hNext, pNext);
    }
    const swap = p;
    p = pNext;
    pNext = swap;
    h = hNext;
  }
  for (let i = 0; i < n; i++) s.diag[i] = w[packedRow(i) + i];
  if (n > 1) s.off[0] = w[1];
  // P = Qᵀ = H_2 H_3 ⋯ H_{n−1}, built from the reflectors in the rows of w (a kernel).
  const kernels = wasmKernels();
  if (pm === s.rows) {
    kernels.accumulateReflectors(n, s.at.eigenWork, s.at.eigenNorms, s.at.eigenRows);
    return;
  }
  const rows = blockRows(n);
  const chunk = reflectorChunk(n);
  for (let r0 = 0; r0 < n; r0 += rows) {
    const r1 = Math.min(n, r0 + rows);
    kernels.startReflectorRows(n, r0, r1, s.at.eigenRows);
    for (let i0 = Math.max(2, r0 + 1); i0 < n;) {
      let i1 = i0 + 1;
      while (i1 < n && packedRow(i1 + 1) - packedRow(i0) <= chunk) i1++;
      s.work.set(w.subarray(packedRow(i0), packedRow(i1)));
      kernels.applyReflectorRows(n, s.at.eigenWork, i0, i0, i1, s.at.eigenNorms, r0, r1, s.at.eigenRows);
      i0 = i1;
    }
    pm.set(s.rows.subarray(0, (r1 - r0) * n), r0 * n);
  }
}

/**
 * P ← G_{hi−1}ᵀ ⋯ G_loᵀ P on P outside the WebAssembly memory: what the rotateRows kernel does,
 * with the same products in the same order (so the same doubles).
 */
function rotateRows(
  n: number,
  pm: Float64Array,
  lo: number,
  hi: number,
  cosines: Float64Array,
  sines: Float64Array,
): void {
  let k = lo;
  // Four rotations per pass over the columns, the shared row carried in `t` (as the kernel does):
  // a fifth of the loads and stores of one rotation at a time.
  for (; k + 3 < hi; k += 4) {
    const [c1, c2, c3, c4] = [cosines[k], cosines[k + 1], cosines[k + 2], cosines[k + 3]];
    const [s1, s2, s3, s4] = [sines[k], sines[k + 1], sines[k + 2], sines[k + 3]];
    const r0 = k * n;
    for (let j = r0; j < r0 + n; j++) {
      let t = pm[j];
      let y = pm[j + n];
      pm[j] = c1 * t - s1 * y;
      t = s1 * t + c1 * y;
      y = pm[j + 2 * n];
      pm[j + n] = c2 * t - s2 * y;
      t = s2 * t + c2 * y;
      y = pm[j + 3 * n];
      pm[j + 2 * n] = c3 * t - s3 * y;
      t = s3 * t + c3 * y;
      y = pm[j + 4 * n];
      pm[j + 3 * n] = c4 * t - s4 * y;
      pm[j + 4 * n] = s4 * t + c4 * y;
    }
  }
  for (; k < hi; k++) {
    const c = cosines[k];
    const s = sines[k];
    const r0 = k * n;
    for (let j = r0; j < r0 + n; j++) {
      const x = pm[j];
      const y = pm[j + n];
      pm[j] = c * x - s * y;
      pm[j + n] = s * x + c * y;
    }
  }
}

function negligible(off: Float64Array, diag: Float64Array, k: number): boolean {
  const e = off[k];
  return e === 0 || Math.abs(e) <= DEFLATION_TOLERANCE * (Math.abs(diag[k]) + Math.abs(diag[k + 1]));
}

/** Eigenvalue of the trailing 2×2 block of [lo, hi] closer to its last diagonal entry. */
function wilkinsonShift(diag: Float64Array, off: Float64Array, hi: number): number {
  const e = off[hi - 1];
  const delta = (diag[hi - 1] - diag[hi]) / 2;
  const root = Math.sqrt(delta * delta + e * e);
  return diag[hi] - (e * e) / (delta + (delta >= 0 ? root : -root));
}

/**
 * One implicit QR step with `shift` on the unreduced block [lo, hi]; the rotations are written
 * to cosines/sines[lo..hi−1] when those are given.
 */
function qrStep(
  diag: Float64Array,
  off: Float64Array,
  lo: number,
  hi: number,
  shift: number,
  cosines: Float64Array | null,
  sines: Float64Array | null,
): void {
  let x = diag[lo] - shift;
  let z = off[lo];
  for (let k = lo; k < hi; k++) {
    // Rotation in the (k, k+1) plane with s·x + c·z = 0: it starts the step (k = lo) or
    // annihilates the bulge z at (k−1, k+1).
    const r = Math.sqrt(x * x + z * z);
    let c = 1;
    let s = 0;
    if (r !== 0) {
      c = x / r;
      s = -z / r;
    }
    if (k > lo) off[k - 1] = r;
    const a = diag[k];
    const b = off[k];
    const f = diag[k + 1];
    const cc = c * c;
    const ss = s * s;
    const csb = 2 * c * s * b;
    diag[k] = cc * a - csb + ss * f;
    diag[k + 1] = ss * a + csb + cc * f;
    const bk = c * s * (a - f) + (cc - ss) * b;
    off[k] = bk;
    if (k + 1 < hi) {
      const next = off[k + 1];
      z = -s * next;
      off[k + 1] = c * next;
      x = bk;
    }
    if (cosines && sines) {
      cosines[k] = c;
      sines[k] = s;
    }
  }
}

/** Bottom of the unreduced block ending at hi (zeroing the negligible coupling above it). */
function blockStart(diag: Float64Array, off: Float64Array, hi: number): number {
  let lo = hi - 1;
  while (lo > 0 && !negligible(off, diag, lo - 1)) lo--;
  if (lo > 0) off[lo - 1] = 0;
  return lo;
}

/** Eigenvalues only (O(n²)): Wilkinson-shifted QR on the given copies. False if no convergence. */
function tridiagonalEigenvalues(n: number, diag: Float64Array, off: Float64Array): boolean {
  let steps = 0;
  let hi = n - 1;
  while (hi > 0) {
    if (negligible(off, diag, hi - 1)) {
      off[hi - 1] = 0;
      hi--;
      continue;
    }
    if (++steps > 30 * n) return false;
    const lo = blockStart(diag, off, hi);
    qrStep(diag, off, lo, hi, wilkinsonShift(diag, off, hi), null, null);
  }
  return true;
}

/** Index of the unused precomputed eigenvalue nearest to `target`, or −1 if none is left. */
function nearestUnused(values: Float64Array, used: Uint8Array, n: number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  let left = lo - 1;
  let right = lo;
  while (left >= 0 && used[left]) left--;
  while (right < n && used[right]) right++;
  if (left < 0) return right < n ? right : -1;
  if (right >= n) return left;
  return target - values[left] <= values[right] - target ? left : right;
}

/**
 * Diagonalises the tridiagonal (diag, off), applying every rotation to the rows of P (`pm`).
 * Returns false if the iteration fails to converge (not observed for finite input).
 */
function tridiagonalQr(n: number, s: Scratch, pm: Float64Array): boolean {
  const { diag, off, diagCopy, offCopy, eigenvalues, used, cosines, sines } = s;
  diagCopy.set(diag);
  offCopy.set(off);
  if (!tridiagonalEigenvalues(n, diagCopy, offCopy)) return false;
  eigenvalues.set(diagCopy);
  eigenvalues.subarray(0, n).sort();
  used.fill(0);
  const kernels = wasmKernels();
  let steps = 0;
  let attempts = 0;
  let hi = n - 1;
  while (hi > 0) {
    if (negligible(off, diag, hi - 1)) {
      off[hi - 1] = 0;
      const found = nearestUnused(eigenvalues, used, n, diag[hi]);
      if (found >= 0) used[found] = 1;
      hi--;
      attempts = 0;
      continue;
    }
    if (++steps > 30 * n) return false;
    const lo = blockStart(diag, off, hi);
    const wilkinson = wilkinsonShift(diag, off, hi);
    let shift = wilkinson;
    if (attempts++ === 0) {
      const perfect = nearestUnused(eigenvalues, used, n, wilkinson);
      if (perfect >= 0) shift = eigenvalues[perfect];
    }
    qrStep(diag, off, lo, hi, shift, cosines, sines);
    // P ← G_{hi−1}ᵀ ⋯ G_loᵀ P (a kernel while P is in its memory).
    if (pm === s.rows) kernels.rotateRows(n, s.at.eigenRows, lo, hi, s.at.eigenCosines, s.at.eigenSines);
    else rotateRows(n, pm, lo, hi, cosines, sines);
  }
  return true;
}

/**
 * order[0..n−1] = the indices of values[0..n−1] in ascending order of value, equal values in
 * index order: what a stable sort with the comparator values[i] − values[j] gives (V8's sort is
 * stable). Insertion sort below 33 entries, where a comparator sort costs more than the QR
 * steps at n ≈ 10; with a NaN (a broken C) the comparator sort, whose order it then defines.
 */
function sortIndicesByValue(order: Int32Array, values: Float64Array, n: number): void {
  let hasNaN = false;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (values[i] !== values[i]) hasNaN = true;
  }
  if (n > 32 || hasNaN) {
    order.subarray(0, n).sort((i, j) => values[i] - values[j]);
    return;
  }
  for (let i = 1; i < n; i++) {
    const index = order[i];
    const value = values[index];
    let j = i - 1;
    while (j >= 0 && values[order[j]] - value > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = index;
  }
}

/**
 * Eigendecomposition of the symmetric n×n matrix `a` (row-major; only the lower triangle is
 * read, `a` is not modified; `vectors` must not share its storage). Writes the eigenvalues in
 * ascending order to `values` and the matching orthonormal eigenvectors as the *columns* of the
 * row-major `vectors`, so that a = vectors·diag(values)·vectorsᵀ. Returns false if the QR
 * iteration did not converge (outputs are then unspecified).
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  values: Float64Array,
  vectors: Float64Array,
): boolean {
  const s = getScratch(n);
  const w = workTriangle(n, s, vectors);
  for (let i = 0; i < n; i++) w.set(a.subarray(i * n, i * n + i + 1), packedRow(i));
  return decomposeWork(n, s, w, values, vectors);
}

/** symmetricEigen of the matrix whose packed lower triangle is `packed` (cma/packed.ts). */
export function symmetricEigenOfPacked(
  packed: Float64Array,
  n: number,
  values: Float64Array,
  vectors: Float64Array,
): boolean {
  const s = getScratch(n);
  const w = workTriangle(n, s, vectors);
  w.set(packed.subarray(0, packedLength(n)));
  return decomposeWork(n, s, w, values, vectors);
}

/** Where the packed triangle is reduced: the WebAssembly region, or the tail of `vectors`. */
function workTriangle(n: number, s: Scratch, vectors: Float64Array): Float64Array {
  return rowsOutside(n) ? vectors.subarray(tailStart(n), n * n) : s.work;
}

/** The decomposition of the packed triangle in `w` (overwritten). */
function decomposeWork(
  n: number,
  s: Scratch,
  w: Float64Array,
  values: Float64Array,
  vectors: Float64Array,
): boolean {
  const pm = rowsOutside(n) ? vectors : s.rows;
  tridiagonalize(n, w, s, pm);
  const ok = n < 2 || tridiagonalQr(n, s, pm);
  const { order, diag } = s;
  sortIndicesByValue(order, diag, n);
  for (let i = 0; i < n; i++) values[i] = diag[order[i]];
  if (pm === vectors) {
    permuteRows(vectors, n, order, s.used);
    transposeInPlace(vectors, n);
    return ok;
  }
  // vectors[r][c] = P[order[c]][r]: a transpose, in blocks so both sides stay in cache.
  const block = 32;
  for (let c0 = 0; c0 < n; c0 += block) {
    const c1 = Math.min(n, c0 + block);
    for (let r0 = 0; r0 < n; r0 += block) {
      const r1 = Math.min(n, r0 + block);
      for (let c = c0; c < c1; c++) {
        const src = order[c] * n;
        for (let r = r0; r < r1; r++) vectors[r * n + c] = pm[src + r];
      }
    }
  }
  return ok;
}

/** Row c of the n×n `a` becomes its row order[c], following each cycle with one row in hand. */
function permuteRows(a: Float64Array, n: number, order: Int32Array, done: Uint8Array): void {
  done.fill(0, 0, n);
  const held = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (done[c] || order[c] === c) continue;
    held.set(a.subarray(c * n, (c + 1) * n));
    let d = c;
    for (;;) {
      done[d] = 1;
      const from = order[d];
      if (from === c) {
        a.set(held, d * n);
        break;
      }
      a.copyWithin(d * n, from * n, (from + 1) * n);
      d = from;
    }
  }
}

/** a ← aᵀ for the n×n row-major `a`, in blocks so both sides stay in cache. */
function transposeInPlace(a: Float64Array, n: number): void {
  const block = 32;
  for (let i0 = 0; i0 < n; i0 += block) {
    for (let j0 = i0; j0 < n; j0 += block) {
      const i1 = Math.min(n, i0 + block);
      const j1 = Math.min(n, j0 + block);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const t = a[i * n + j];
          a[i * n + j] = a[j * n + i];
          a[j * n + i] = t;
        }
      }
    }
  }
}
