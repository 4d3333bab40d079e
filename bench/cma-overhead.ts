/**
 * Strategy overhead of CMA-ES and sep-CMA-ES: microseconds per generation for ask + sphere
 * evaluation + tell at the default population size, the quantity pycma's reference table
 * reports (see ../shared/reference/pycma-4.4.0.md). Prints wall-clock and CPU time per
 * generation, each the median of three repetitions (CPU time is the steadier one on a busy
 * machine); for CMA-ES the eigendecomposition is charged at its amortised rate (see Timing).
 * Run: npx tsx bench/cma-overhead.ts [--quick]
 */
import { createRng } from '../engine/core/rng';
import type { Strategy } from '../engine/core/strategy';
import { builtinFunctions } from '../engine/objectives/builtin';
import { cmaEs } from '../engine/strategies/cma-es';
import { sepCmaEs } from '../engine/strategies/sep-cma-es';
import { defaultPopulationSize } from '../engine/strategies/cma/parameters';
import { symmetricEigenOfPacked } from '../engine/strategies/cma/eigen';

export interface Case {
  label: string;
  strategy: Strategy;
  dimension: number;
  /** Generations timed per repetition. */
  generations: number;
  /** pycma 4.4.0 on this machine kind (reference table), µs per generation. */
  pycma: number;
}

const quick = process.argv.includes('--quick');
export const cases: Case[] = [
  { label: 'full CMA', strategy: cmaEs as Strategy, dimension: 10, generations: 6000, pycma: 328.5 },
  { label: 'full CMA', strategy: cmaEs as Strategy, dimension: 100, generations: 2000, pycma: 1065.8 },
  { label: 'full CMA', strategy: cmaEs as Strategy, dimension: 1000, generations: 120, pycma: 33412.7 },
  { label: 'sep-CMA', strategy: sepCmaEs as Strategy, dimension: 1000, generations: 1200, pycma: 1644.1 },
  { label: 'sep-CMA', strategy: sepCmaEs as Strategy, dimension: 10000, generations: 150, pycma: 15970.9 },
];

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

export interface Timing {
  wall: number;
  cpu: number;
  ask: number;
  evaluate: number;
  tell: number;
  /**
   * CMA-ES only: CPU µs of one eigendecomposition and the generations between two. wall, cpu and
   * tell include its amortised share (eigen / interval) rather than the decompositions that
   * happened to fall into the timed window: at n = 1000 the interval (~800 generations) is
   * longer than the window, which would otherwise never pay for one.
   */
  eigen?: number;
  eigenInterval?: number;
}

interface LazyEigenState {
  dimension: number;
  generation: number;
  eigenGeneration: number;
  eigenInterval: number;
  /** C, packed lower triangle (engine/strategies/cma/packed.ts). */
  covariance: Float64Array;
}

function isLazyEigenState(state: unknown): state is LazyEigenState {
  return typeof state === 'object' && state !== null && 'eigenInterval' in state && 'covariance' in state;
}

/** Wall-clock and CPU ms of one eigendecomposition of this state's C (medians of a few). */
function timeEigen(state: LazyEigenState): { wall: number; cpu: number } {
  const n = state.dimension;
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  const times = Array.from({ length: n >= 500 ? 1 : 5 }, () => {
    const wall0 = performance.now();
    const cpu0 = cpuMs();
    symmetricEigenOfPacked(state.covariance, n, values, vectors);
    return { wall: performance.now() - wall0, cpu: cpuMs() - cpu0 };
  });
  return { wall: median(times.map((t) => t.wall)), cpu: median(times.map((t) => t.cpu)) };
}

/**
 * Times `generations` generations on the sphere; re-initialises (outside the wall-clock timing,
 * inside the CPU time) whenever the strategy stops.
 */
function run(c: Case, seed: number): Timing {
  const n = c.dimension;
  const sphere = builtinFunctions.sphere.create(n);
  const rng = createRng(seed);
  const start = Float64Array.from({ length: n }, () => -3 + 6 * rng.uniform());
  const options = {
    populationSize: defaultPopulationSize(n),
    stepSize: 2,
    activeCma: true,
    eigenInterval: 0,
  };
  let state = c.strategy.init(rng, start, options);
  let ask = 0;
  let evaluate = 0;
  let tell = 0;
  let decompositions = 0;
  const cpu0 = cpuMs();
  const generations = quick ? Math.ceil(c.generations / 10) : c.generations;
  let spare: Float64Array[] | undefined;
  let spareState: unknown;
  for (let g = 0; g < generations; g++) {
    const t0 = performance.now();
    // As the optimizer does: the last generation's vectors are handed back once told.
    const asked = c.strategy.ask(rng, state, spare);
    const t1 = performance.now();
    const fitness = Float64Array.from(asked.candidates, (x) => sphere(x));
    const t2 = performance.now();
    state = c.strategy.tell(asked.state, asked.candidates, fitness, spareState).state;
    spare = asked.candidates;
    spareState = asked.state;
    const t3 = performance.now();
    ask += t1 - t0;
    evaluate += t2 - t1;
    tell += t3 - t2;
    if (isLazyEigenState(state) && state.eigenGeneration === state.generation) decompositions++;
    // Keep timing a working strategy: far beyond 1e-8 the sphere run only measures denormals.
    if (c.strategy.shouldStop?.(state) || fitness[0] < 1e-100) state = c.strategy.init(rng, start, options);
  }
  const cpu = cpuMs() - cpu0;
  const perGeneration = (ms: number) => (ms * 1000) / generations;
  let wallCorrection = 0;
  let cpuCorrection = 0;
  let eigen: number | undefined;
  let eigenInterval: number | undefined;
  if (isLazyEigenState(state)) {
    const eigenTime = timeEigen(state);
    eigen = eigenTime.cpu;
    eigenInterval = state.eigenInterval;
    const missing = generations / eigenInterval - decompositions;
    wallCorrection = missing * eigenTime.wall;
    cpuCorrection = missing * eigenTime.cpu;
  }
  return {
    wall: perGeneration(ask + evaluate + tell + wallCorrection),
    cpu: perGeneration(cpu + cpuCorrection),
    ask: perGeneration(ask),
    evaluate: perGeneration(evaluate),
    tell: perGeneration(tell + wallCorrection),
    eigen: eigen === undefined ? undefined : eigen * 1000,
    eigenInterval,
  };
}

/** Median of three timed repetitions after a short warm-up (bench/engine-overhead.ts uses this too). */
export function measure(c: Case): Timing {
  run({ ...c, generations: Math.ceil(c.generations / 20) }, 99); // warm-up: let the JIT settle
  const timings = [1, 2, 3].map((seed) => run(c, seed));
  const pick = (key: 'wall' | 'cpu' | 'ask' | 'evaluate' | 'tell') => median(timings.map((t) => t[key]));
  const eigen = timings[0].eigen === undefined ? undefined : median(timings.map((t) => t.eigen!));
  return {
    wall: pick('wall'),
    cpu: pick('cpu'),
    ask: pick('ask'),
    evaluate: pick('evaluate'),
    tell: pick('tell'),
    eigen,
    eigenInterval: timings[0].eigenInterval,
  };
}

const format = (us: number) => (us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`);

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    '| variant | n | λ | µs/generation (wall) | cpu | ask | eval | tell | eigen (every k gen.) | pycma | speed-up |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    const t = measure(c);
    console.log(
      `| ${c.label} | ${c.dimension} | ${defaultPopulationSize(c.dimension)} | ${format(t.wall)} | ${format(t.cpu)} | ` +
        `${format(t.ask)} | ${format(t.evaluate)} | ${format(t.tell)} | ` +
        `${t.eigen === undefined ? '–' : `${format(t.eigen)} (${t.eigenInterval})`} | ${format(c.pycma)} | ` +
        `${(c.pycma / t.wall).toFixed(1)}× |`,
    );
  }
}
