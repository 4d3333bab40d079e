/**
 * Where full CMA-ES's O(n²)-per-candidate arithmetic runs: WebAssembly SIMD kernels
 * (engine/wasm/kernels.ts) over named regions of the module's memory, plus the JavaScript
 * scratch vectors `tell` reuses. cma-es.ts keeps the equations; this module keeps the
 * plumbing and the only mutable module state: which state array a region already holds a copy
 * of. B changes only at an eigendecomposition and C is read back from the memory after each
 * tell, so most generations need not copy n² numbers in (8 MB at n = 1000). State arrays are
 * never mutated, so an array's identity and the region's place identify the contents.
 *
 * Above `tiling.maxDoubles` numbers (B beyond n = 1 024, the packed C beyond n = 1 447) a
 * matrix no longer gets a region of its own: it passes through blocks of about
 * `tiling.blockDoubles` numbers (rows of B, or of C's packed triangle), copied in and out around
 * each kernel call. The state's arrays are the only whole copies then, which bounds the memory
 * at n = 2 000 (C twice, packed, and B once: 2× the size of a full C) at the cost of copying B
 * in once per generation (C is copied out per generation anyway). An eigendecomposition adds only the
 * new B, written into the one the previous decomposition left behind (`recycleBasis`): cma/eigen.ts
 * reduces the triangle and builds the eigenvectors in that array itself.
 */
import type { Rng } from '../../core/rng';
import { wasmKernels } from '../../wasm/kernels';
import { packedLength, packedRow } from './packed';
import { regionCache } from './region-cache';
import { scratchArena } from './scratch';
import { copyRows } from './vectors';

/**
 * The largest matrix kept whole in a region (8 MB), and the block size beyond it (1 MB), in
 * doubles; tests lower them to exercise the blocks.
 */
export const tiling = { maxDoubles: 1 << 20, blockDoubles: 1 << 17 };

/** Rows of an n×n B per block: all n when B fits in one region. */
function basisBlockRows(n: number): number {
  if (n * n <= tiling.maxDoubles) return n;
  return Math.min(n, Math.max(2, Math.floor(tiling.blockDoubles / n)));
}

/** The row ranges of C's packed lower triangle, each at most `tiling.blockDoubles` entries (one row at least). */
function covarianceBlocks(n: number): number[] {
  const limit = Math.max(tiling.blockDoubles, n);
  const starts = [0];
  let first = 0;
  for (let row = 1; row <= n; row++) {
    if (packedRow(row) - packedRow(first) > limit) {
      first = row - 1;
      starts.push(first);
    }
  }
  starts.push(n);
  return starts;
}

interface Resident {
  source: Float64Array | null;
  offset: number;
}
const residentBasis: Resident = { source: null, offset: -1 };
/**
 * C's one region, updated in place (the kernel reads each entry just before it writes it):
 * after a tell it holds the new C, which the next tell reads. Two regions that each tell read
 * one of and wrote the other cost another n² doubles (32 MB at n = 2 000) for nothing.
 */
const residentCovariance: Resident = { source: null, offset: -1 };

const scratchBuffer = scratchArena();

const samplingRegions = regionCache((n, lambda, blockRows) => ({
  cmaBasis: blockRows * n,
  cmaNoise: lambda * n,
  cmaScaled: lambda * n,
  cmaSamples: lambda * n,
  cmaMean: n,
  cmaScales: n,
}));

const updateRegions = regionCache((n, terms, blockLength) => ({
  cmaCovariance: blockLength,
  cmaLeft: terms * n,
  cmaRight: terms * n,
}));

/** Copies `source` into `view` unless the resident record says it is already there. */
function keepResident(resident: Resident, source: Float64Array, view: Float64Array): void {
  if (resident.source === source && resident.offset === view.byteOffset) return;
  view.set(source);
  resident.source = source;
  resident.offset = view.byteOffset;
}

export interface SamplingModel {
  dimension: number;
  mean: Float64Array;
  stepSize: number;
  /** B, row-major n×n. */
  basis: Float64Array;
  /** D, the square roots of C's eigenvalues. */
  scales: Float64Array;
}

/**
 * λ candidates x_k = m + σ·B·D·z_k with z_k ~ N(0, I), and the z_k behind them (λ×n, a
 * fresh array the state may keep). `spare` vectors are refilled when they fit.
 */
export function sampleCandidates(
  rng: Rng,
  model: SamplingModel,
  lambda: number,
  spare?: readonly Float64Array[],
): { candidates: Float64Array[]; noise: Float64Array } {
  const n = model.dimension;
  const blockRows = basisBlockRows(n);
  const { views: memory, at } = samplingRegions(n, lambda, blockRows);
  if (blockRows === n) keepResident(residentBasis, model.basis, memory.cmaBasis);
  memory.cmaMean.set(model.mean);
  memory.cmaScales.set(model.scales);
  const noise = takeRecycledNoise(lambda * n);
  noise.set(rng.gaussianLanes(memory.cmaNoise));
  const kernels = wasmKernels();
  kernels.scaleRows(at.cmaNoise, lambda, n, at.cmaScales, at.cmaScaled);
  const samples = memory.cmaSamples;
  if (blockRows === n) {
    kernels.sampleFromBasis(
      n,
      n,
      at.cmaBasis,
      at.cmaScaled,
      lambda,
      at.cmaMean,
      model.stepSize,
      at.cmaSamples,
    );
  } else {
    residentBasis.source = null;
    for (let first = 0; first < n; first += blockRows) {
      const rows = Math.min(blockRows, n - first);
      memory.cmaBasis.set(model.basis.subarray(first * n, (first + rows) * n));
      const skip = 8 * first;
      kernels.sampleFromBasis(
        n,
        rows,
        at.cmaBasis,
        at.cmaScaled,
        lambda,
        at.cmaMean + skip,
        model.stepSize,
        at.cmaSamples + skip,
      );
    }
  }
  return { candidates: copyRows(samples, lambda, n, spare), noise };
}

/**
 * The z_k array of a state its caller has given up (tell's `spare`), for the next ask to refill
 * instead of allocating a new one. Taken at most once; any run's next ask may take it, which is
 * safe because nobody reads the spare state any more.
 */
let recycledNoise: Float64Array | null = null;

export function recycleNoise(noise: Float64Array | null): void {
  recycledNoise = noise;
}

function takeRecycledNoise(length: number): Float64Array {
  const noise = recycledNoise;
  recycledNoise = null;
  return noise && noise.length === length ? noise : new Float64Array(length);
}

/**
 * The B of a spare state that no newer state shares (the one left behind by the last
 * eigendecomposition), for the next decomposition to write into: at n = 2 000 a B is 32 MB, and
 * one allocated per decomposition stays until a major garbage collection, which a small JS heap
 * rarely runs (two or three of them were alive at once). Only for a B that passes through the
 * kernels in blocks: a resident one is recognised by its identity (`keepResident`), which reused
 * storage would fool. Taken at most once, like the recycled z_k.
 */
let recycledBasis: Float64Array | null = null;

export function recycleBasis(basis: Float64Array, n: number): void {
  if (basisBlockRows(n) < n) recycledBasis = basis;
}

/** The recycled B for a decomposition to overwrite (all of it), or null. */
export function takeRecycledBasis(n: number): Float64Array | null {
  const basis = recycledBasis;
  recycledBasis = null;
  return basis && basis.length === n * n && basisBlockRows(n) < n ? basis : null;
}

/** Zeroed ⟨y⟩_w and ⟨z⟩_w accumulators and a vector for C^{-1/2}⟨y⟩_w, valid until the next call. */
export function meanShiftScratch(n: number): {
  meanShift: Float64Array;
  meanNoise: Float64Array;
  whitened: Float64Array;
} {
  const buffer = scratchBuffer(3 * n);
  // Three subarray views per tell cost more than the loops they serve at n ≈ 10: keep them.
  if (meanShiftViews?.buffer !== buffer || meanShiftViews.n !== n) {
    meanShiftViews = {
      buffer,
      n,
      meanShift: buffer.subarray(0, n),
      meanNoise: buffer.subarray(n, 2 * n),
      whitened: buffer.subarray(2 * n, 3 * n),
    };
  }
  buffer.fill(0, 0, 2 * n);
  return meanShiftViews;
}

let meanShiftViews: {
  buffer: Float64Array;
  n: number;
  meanShift: Float64Array;
  meanNoise: Float64Array;
  whitened: Float64Array;
} | null = null;

/**
 * The update C ← decay·C + Σ_k a_k·b_kᵀ on the packed lower triangle of C (cma/packed.ts), with
 * its `terms` vector pairs filled in by the caller: row k of `left` holds a_k
 * (coefficient·vector), row k of `right` b_k.
 */
export interface CovarianceUpdate {
  readonly left: Float64Array;
  readonly right: Float64Array;
  /**
   * Runs the update and writes the new C into `out`; `adjust` may then change `out` (the
   * variance floor) and says whether it did, so the resident copy is known to be stale.
   */
  apply(decay: number, out: Float64Array, adjust: (covariance: Float64Array) => boolean): Float64Array;
}

export function covarianceUpdate(n: number, covariance: Float64Array, terms: number): CovarianceUpdate {
  const total = packedLength(n);
  const blocks = total > tiling.maxDoubles ? covarianceBlocks(n) : [0, n];
  const blockLength = blocks.length === 2 ? total : Math.max(tiling.blockDoubles, n);
  const { views: memory, at } = updateRegions(n, terms, blockLength);
  const kernels = wasmKernels();
  return {
    left: memory.cmaLeft,
    right: memory.cmaRight,
    apply(decay, out, adjust) {
      const { cmaCovariance: c, cmaLeft: a, cmaRight: b } = at;
      if (blocks.length === 2) {
        // C usually stays in the memory from the last tell: copied in only when it is not.
        keepResident(residentCovariance, covariance, memory.cmaCovariance);
        kernels.packedDecayAndOuterProducts(n, 0, n, c, decay, a, b, terms, c);
        out.set(memory.cmaCovariance);
        // An adjustment changes the JS copy only: then the next tell copies C in again.
        residentCovariance.source = adjust(out) ? null : out;
        residentCovariance.offset = memory.cmaCovariance.byteOffset;
        return out;
      }
      residentCovariance.source = null;
      for (let k = 0; k + 1 < blocks.length; k++) {
        const [first, end] = [blocks[k], blocks[k + 1]];
        const [from, to] = [packedRow(first), packedRow(end)];
        const block = memory.cmaCovariance.subarray(0, to - from);
        block.set(covariance.subarray(from, to));
        kernels.packedDecayAndOuterProducts(n, first, end - first, c, decay, a, b, terms, c);
        out.set(block, from);
      }
      adjust(out);
      return out;
    },
  };
}
