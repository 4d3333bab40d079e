/**
 * Seeded random numbers. Every random draw in the engine comes from one of these, so the
 * same seed gives the same run, and the generator state can be written to a checkpoint
 * and restored exactly (resume after kill -9).
 *
 * Uniforms come from seedrandom's Alea (fast, good statistical quality, serialisable
 * state); normals from the polar Box–Muller method, whose spare value is part of the state.
 */
import seedrandom from 'seedrandom';

export interface RngState {
  alea: object;
  spare: number | null;
}

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  gaussian(): number;
  /** Fills `out` with independent standard normals and returns it. */
  gaussians(out: Float64Array): Float64Array;
  /** Integer uniform in [0, n). */
  integer(n: number): number;
  state(): RngState;
}

interface AleaPrng {
  (): number;
  state(): object;
}

function wrap(prng: AleaPrng, spare: number | null): Rng {
  let cached = spare;
  const gaussian = (): number => {
    if (cached !== null) {
      const value = cached;
      cached = null;
      return value;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * prng() - 1;
      v = 2 * prng() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    cached = v * factor;
    return u * factor;
  };
  return {
    uniform: () => prng(),
    gaussian,
    gaussians(out) {
      for (let i = 0; i < out.length; i++) out[i] = gaussian();
      return out;
    },
    integer: (n) => Math.floor(prng() * n),
    state: () => ({ alea: prng.state(), spare: cached }),
  };
}

export function createRng(seed: number | string): Rng {
  return wrap(seedrandom.alea(String(seed), { state: true }) as unknown as AleaPrng, null);
}

export function restoreRng(state: RngState): Rng {
  return wrap(seedrandom.alea('', { state: state.alea as never }) as unknown as AleaPrng, state.spare);
}
