/**
 * The WebAssembly SIMD kernels (source: wasm/kernels.ts, AssemblyScript) and the memory they
 * work in. The module is compiled on first use, not on import, so the renderer can import the
 * strategies (for their option lists) without a WebAssembly-capable CSP.
 *
 * Memory: a fixed header (the ziggurat tables and the lane generators' state),
 * then named regions. A strategy asks for all the regions one call needs at once with
 * `regions()`, copies its inputs in, runs kernels on their byte offsets and copies the results
 * out. A region keeps its place and contents until it is asked for with a larger length (then
 * it moves to the end), so data that does not change between calls (CMA's B) can stay
 * resident. Growing the memory detaches every earlier view: take views only from the latest
 * `regions()` call. JavaScript is single-threaded and the kernels are synchronous, so sharing
 * one module per thread is safe.
 */
import { kernelsWasmBase64 } from './kernels-binary';

export interface KernelExports {
  memory: WebAssembly.Memory;
  zigguratNormals(tables: number, lanes: number, out: number, count: number): void;
  zigguratSamples(
    tables: number,
    lanes: number,
    out: number,
    count: number,
    n: number,
    mean: number,
    scales: number,
  ): void;
  /** e^t for t ∈ [−6.7, 0] (the ziggurat's wedge test), relative error below 1e-14. */
  wedgeExp(t: number): number;
  scaleRows(z: number, rows: number, n: number, scales: number, out: number): void;
  sampleFromBasis(
    n: number,
    rows: number,
    basis: number,
    scaled: number,
    count: number,
    mean: number,
    sigma: number,
    out: number,
  ): void;
  packedDecayAndOuterProducts(
    n: number,
    firstRow: number,
    rows: number,
    c: number,
    decay: number,
    a: number,
    b: number,
    count: number,
    out: number,
  ): void;
  rotateRows(n: number, pm: number, lo: number, hi: number, cos: number, sin: number): void;
  accumulateReflectors(n: number, w: number, norms: number, pm: number): void;
  startReflectorRows(n: number, r0: number, r1: number, out: number): void;
  applyReflectorRows(
    n: number,
    w: number,
    first: number,
    i0: number,
    i1: number,
    norms: number,
    r0: number,
    r1: number,
    out: number,
  ): void;
  scaledSquaredNorms(x: number, rows: number, n: number, mean: number, scales: number, out: number): void;
  weightedSums(
    x: number,
    rows: number,
    n: number,
    mean: number,
    c: number,
    a: number,
    b: number,
    shift: number,
    squares: number,
  ): void;
}

/** Byte offsets of the fixed header. */
export const layout = {
  /** 256 i32 thresholds, 256 f64 edges, 257 f64 densities (see zigguratNormals in wasm/kernels.ts). */
  tables: 0,
  /** Four xoshiro128** states as four i32x4 words. */
  lanes: 5_376,
} as const;
const HEADER_BYTES = layout.lanes + 4 * 16;
const PAGE = 65_536;

interface Region {
  offset: number;
  capacity: number;
}

let kernels: KernelExports | null = null;
const named = new Map<string, Region>();
let end = HEADER_BYTES;
/** Bumped whenever a region moves or the memory grows (detaching every view): see layoutVersion(). */
let version = 0;

/**
 * Changes whenever views from earlier regions() calls may have become stale. Callers that
 * keep the views of one regions() call across calls (the small-n CMA-ES paths, where asking
 * for them again costs more than the arithmetic) reuse them while this is unchanged.
 */
export function layoutVersion(): number {
  return version;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The instantiated module (compiled on the first call). */
export function wasmKernels(): KernelExports {
  if (!kernels) {
    const module = new WebAssembly.Module(decode(kernelsWasmBase64));
    // exp and log for the ziggurat's slow path: the same functions gaussian() in rng.ts uses.
    const imports = { env: { exp: Math.exp, log: Math.log } };
    kernels = new WebAssembly.Instance(module, imports).exports as unknown as KernelExports;
    ensureBytes(HEADER_BYTES);
  }
  return kernels;
}

/** 32-bit WebAssembly addresses at most 4 GiB. */
const MAX_BYTES = 65_536 * PAGE;

function ensureBytes(bytes: number): void {
  const memory = kernels!.memory;
  const missing = bytes - memory.buffer.byteLength;
  if (missing <= 0) return;
  const tooLarge = () =>
    new Error(
      `the engine's WebAssembly memory cannot grow to ${Math.ceil(bytes / 2 ** 20)} MB (the limit is 4096 MB): ` +
        'full-covariance CMA-ES keeps several n×n matrices there; for this many parameters choose sep-CMA-ES',
    );
  if (bytes > MAX_BYTES) throw tooLarge();
  try {
    version++;
    memory.grow(Math.ceil(missing / PAGE));
  } catch {
    throw tooLarge();
  }
}

/**
 * Views of the named regions, `lengths[name]` doubles each (16-byte aligned), allocated or
 * moved as needed. The views of one call never overlap; views from an earlier call may be
 * detached.
 */
export function regions<K extends string>(lengths: Record<K, number>): Record<K, Float64Array> {
  const instance = wasmKernels();
  // Laid out first and kept only once the memory has grown to hold it.
  const moved = new Map<string, Region>();
  let newEnd = end;
  for (const name of Object.keys(lengths) as K[]) {
    const length = lengths[name];
    const region = named.get(name);
    if (!region || region.capacity < length) {
      // Geometric growth bounds the space left behind by moved regions.
      const capacity = Math.max(length, Math.ceil((region?.capacity ?? 0) * 1.5));
      moved.set(name, { offset: newEnd, capacity });
      newEnd += Math.ceil((8 * capacity) / 16) * 16;
    }
  }
  ensureBytes(newEnd);
  for (const [name, region] of moved) named.set(name, region);
  if (moved.size > 0) version++;
  end = newEnd;
  const buffer = instance.memory.buffer;
  const views = {} as Record<K, Float64Array>;
  for (const name of Object.keys(lengths) as K[]) {
    views[name] = new Float64Array(buffer, named.get(name)!.offset, lengths[name]);
  }
  return views;
}

/** The byte offset of a view returned by regions(), for passing to a kernel. */
export function address(view: Float64Array): number {
  if (view.buffer !== wasmKernels().memory.buffer) {
    throw new Error('internal: a kernel was given a buffer outside the WebAssembly memory');
  }
  return view.byteOffset;
}
