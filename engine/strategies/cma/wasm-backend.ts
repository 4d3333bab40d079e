/**
 * Where full CMA-ES's O(n²)-per-candidate arithmetic runs: WebAssembly SIMD kernels
 * (engine/wasm/kernels.ts) over named regions of the module's memory, plus the JavaScript
 * scratch vectors `tell` reuses. cma-es.ts keeps the equations; this module keeps the
 * plumbing and the only mutable module state: which state array a region already holds a copy
 * of. B changes only at an eigendecomposition and C is read back from the memory after each
 * tell, so most generations need not copy n² numbers in (8 MB at n = 1000). State arrays are
 * never mutated, so an array's identity and the region's place identify the contents.
 */
import type { Rng } from '../../core/rng';
import { wasmKernels } from '../../wasm/kernels';
import { regionCache } from './region-cache';
import { scratchArena } from './scratch';
import { copyRows } from './vectors';

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

const samplingRegions = regionCache((n, lambda) => ({
  cmaBasis: n * n,
  cmaNoise: lambda * n,
  cmaScaled: lambda * n,
  cmaSamples: lambda * n,
  cmaMean: n,
  cmaScales: n,
}));

const updateRegions = regionCache((n, terms) => ({
  cmaCovariance: n * n,
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
  const { views: memory, at } = samplingRegions(n, lambda);
  keepResident(residentBasis, model.basis, memory.cmaBasis);
  memory.cmaMean.set(model.mean);
  memory.cmaScales.set(model.scales);
  const noise = takeRecycledNoise(lambda * n);
  noise.set(rng.gaussianLanes(memory.cmaNoise));
  const kernels = wasmKernels();
  kernels.scaleRows(at.cmaNoise, lambda, n, at.cmaScales, at.cmaScaled);
  const samples = memory.cmaSamples;
  kernels.sampleFromBasis(n, at.cmaBasis, at.cmaScaled, lambda, at.cmaMean, model.stepSize, at.cmaSamples);
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
 * The update C ← decay·C + Σ_k a_k·b_kᵀ (symmetrised), with its `terms` vector pairs filled
 * in by the caller: row k of `left` holds a_k (coefficient·vector), row k of `right` b_k.
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
  const { views: memory, at } = updateRegions(n, terms);
  return {
    left: memory.cmaLeft,
    right: memory.cmaRight,
    apply(decay, out, adjust) {
      // C usually stays in the memory from the last tell: copied in only when it is not.
      keepResident(residentCovariance, covariance, memory.cmaCovariance);
      wasmKernels().symmetricDecayAndOuterProducts(
        n,
        at.cmaCovariance,
        decay,
        at.cmaLeft,
        at.cmaRight,
        terms,
        at.cmaCovariance,
      );
      out.set(memory.cmaCovariance);
      // An adjustment changes the JS copy only: then the next tell copies C in again.
      residentCovariance.source = adjust(out) ? null : out;
      residentCovariance.offset = memory.cmaCovariance.byteOffset;
      return out;
    },
  };
}
