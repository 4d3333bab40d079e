/**
 * Small n against the native limit (issue 17): µs per generation of evobox's CMA-ES ask + sphere
 * + tell + stop test, in process, beside Hansen's c-cmaes (C, `cc -O2`, built at run time by
 * bench/c-cmaes-build.ts with our driver bench/c/c-cmaes-driver.c) doing SamplePopulation +
 * sphere + UpdateDistribution + TestForTermination, at n = 2, 5, 10, 20, 100.
 *
 * Same set-up on both sides: λ = 4 + ⌊3 ln n⌋ (both defaults), x0 ~ U[−3, 3]^n, σ0 = 2, and a
 * restart whenever the run stops, outside the timed segments. c-cmaes runs twice: with its own
 * eigendecomposition rule (every 1/(10·n·c_cov) generations — every generation at n ≤ 20 — but
 * at most 20 % of the CPU time, measured as it goes), and forced to evobox's interval. evobox
 * keeps its defaults (active CMA, which c-cmaes lacks). The three are timed case by case, in
 * rounds, so they share the machine's load; figures are medians of CPU time per generation.
 */
import { createRng } from '../engine/core/rng';
import type { Strategy } from '../engine/core/strategy';
import { cmaEs, type CmaEsState } from '../engine/strategies/cma-es';
import { cmaParameters, defaultPopulationSize } from '../engine/strategies/cma/parameters';
import type { Benchmark } from './lib/benchmark';
import { formatMicros, formatRatio, median } from './lib/format';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';
import { buildCCmaes, type CCmaesBuild } from './c-cmaes-build';

interface Case {
  dimension: number;
  /** Generations per timed repetition (a tenth with --quick). */
  generations: number;
}

const cases: Case[] = [
  { dimension: 2, generations: 40_000 },
  { dimension: 5, generations: 30_000 },
  { dimension: 10, generations: 20_000 },
  { dimension: 20, generations: 10_000 },
  { dimension: 100, generations: 1_500 },
];

const ROUNDS = 5;
/** The target at n = 10: evobox at most this many times c-cmaes's time per generation. */
const TARGET_RATIO = 1.5;

export interface EvoboxTiming {
  cpuMicros: number;
  wallMicros: number;
  eigenInterval: number;
  restarts: number;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** evobox's CMA-ES on the sphere, timed like the C driver: restarts fall outside the timing. */
export function timeEvobox(
  dimension: number,
  generations: number,
  seed: number,
  eigenInterval = 0,
): EvoboxTiming {
  const strategy = cmaEs as Strategy<CmaEsState>;
  const n = dimension;
  const rng = createRng(seed);
  const options = {
    populationSize: defaultPopulationSize(n),
    stepSize: 2,
    activeCma: true,
    eigenInterval,
  };
  const fresh = () =>
    strategy.init(
      rng,
      Float64Array.from({ length: n }, () => -3 + 6 * rng.uniform()),
      options,
    );
  let state = fresh();
  const interval = state.eigenInterval;
  const fitness = new Float64Array(options.populationSize);
  let spare: Float64Array[] | undefined;
  let spareState: CmaEsState | undefined;
  let cpu = 0;
  let wall = 0;
  let restarts = 0;
  let cpu0 = cpuMicros();
  let wall0 = performance.now();
  for (let g = 0; g < generations; g++) {
    // As the optimizer does: the last generation's candidates and state are handed back.
    const asked = strategy.ask(rng, state, spare);
    const candidates = asked.candidates;
    for (let k = 0; k < candidates.length; k++) {
      const x = candidates[k];
      let sum = 0;
      for (let j = 0; j < n; j++) sum += x[j] * x[j];
      fitness[k] = sum;
    }
    state = strategy.tell(asked.state, candidates, fitness, spareState).state;
    spare = candidates;
    spareState = asked.state;
    // Far below 1e-100 the sphere only measures denormals (c-cmaes stops long before).
    if (strategy.shouldStop!(state) || fitness[0] < 1e-100) {
      cpu += cpuMicros() - cpu0;
      wall += performance.now() - wall0;
      state = fresh();
      spare = undefined;
      spareState = undefined;
      restarts++;
      cpu0 = cpuMicros();
      wall0 = performance.now();
    }
  }
  cpu += cpuMicros() - cpu0;
  wall += performance.now() - wall0;
  return {
    cpuMicros: cpu / generations,
    wallMicros: (1000 * wall) / generations,
    eigenInterval: interval,
    restarts,
  };
}

/**
 * The automatic interval before issue 17's small-n gap: ⌈max(0.5/n, 0.02)/(c1+cμ)⌉ (see
 * LAZY_GAP_FACTOR in engine/strategies/cma-es.ts), timed in the same rounds as "before".
 */
function previousEigenInterval(n: number): number {
  const p = cmaParameters(n, defaultPopulationSize(n), { active: true, covarianceRateScale: 1 });
  return Math.max(1, Math.ceil(Math.max(0.5 / n, 0.02) / (p.c1 + p.cMu)));
}

interface Row {
  dimension: number;
  lambda: number;
  eigenInterval: number;
  previousInterval: number;
  /** evobox at the previous automatic interval. */
  before: number;
  evobox: number;
  evoboxWall: number;
  cDefault: number;
  cDefaultUpdatecov: number;
  cSame: number;
}

function measureCase(c: Case, build: CCmaesBuild, quick: boolean): Row {
  const generations = quick ? Math.ceil(c.generations / 10) : c.generations;
  timeEvobox(c.dimension, Math.ceil(generations / 10), 99); // warm-up: let the JIT settle
  const ours: EvoboxTiming[] = [];
  const before: number[] = [];
  const previousInterval = previousEigenInterval(c.dimension);
  const theirs: number[] = [];
  const same: number[] = [];
  let updatecov = Number.NaN;
  for (let round = 1; round <= ROUNDS; round++) {
    const timing = timeEvobox(c.dimension, generations, round);
    ours.push(timing);
    before.push(timeEvobox(c.dimension, generations, round, previousInterval).cpuMicros);
    const own = build.time(c.dimension, generations, 0, round);
    updatecov = own.updatecov;
    theirs.push(own.cpuMicros);
    same.push(build.time(c.dimension, generations, timing.eigenInterval, round).cpuMicros);
  }
  return {
    dimension: c.dimension,
    lambda: defaultPopulationSize(c.dimension),
    eigenInterval: ours[0].eigenInterval,
    previousInterval,
    before: median(before),
    evobox: median(ours.map((t) => t.cpuMicros)),
    evoboxWall: median(ours.map((t) => t.wallMicros)),
    cDefault: median(theirs),
    cDefaultUpdatecov: updatecov,
    cSame: median(same),
  };
}

export const cCmaes: Benchmark = {
  name: 'c-cmaes',
  description: "CMA-ES µs per generation at small n, evobox vs Hansen's c-cmaes (C, cc -O2), same run",
  async run(settings: BenchSettings, report: Report) {
    const availability = buildCCmaes();
    if (!availability.ok) {
      report.text(`c-cmaes not run: ${availability.reason}.`);
      report.target({
        target: `n = 10: ≤ ${TARGET_RATIO}× c-cmaes's time per generation`,
        measured: '–',
        status: 'skipped',
        reason: availability.reason,
      });
      return;
    }
    const { build } = availability;
    try {
      report.text(`c-cmaes from ${build.source}, built with ${build.compiler} and bench/c/c-cmaes-driver.c.`);
      report.text(
        `Sphere, λ = 4 + ⌊3 ln n⌋, x0 ~ U[−3, 3]^n, σ0 = 2, restarts outside the timing; each figure the median CPU time per generation of ${ROUNDS} rounds ` +
          '(evobox, evobox at its interval before issue 17’s small-n gap, c-cmaes, c-cmaes at evobox’s interval, one after the other). ' +
          'A generation: ask + evaluation + tell + stop test. Ratio = evobox / c-cmaes (below 1: evobox faster).',
      );
      report.text();
      const rows: Row[] = [];
      for (const c of cases) rows.push(measureCase(c, build, settings.quick));
      report.table(
        [
          'n',
          'λ',
          'evobox cpu/gen',
          'evobox wall/gen',
          'eigen every (evobox)',
          'c-cmaes cpu/gen (own rule)',
          'c-cmaes updatecov',
          'ratio',
          'c-cmaes cpu/gen (evobox’s interval)',
          'ratio, same interval',
          'before: eigen every',
          'before: evobox cpu/gen',
          'before: ratio',
        ],
        rows.map((r) => [
          r.dimension,
          r.lambda,
          formatMicros(r.evobox),
          formatMicros(r.evoboxWall),
          r.eigenInterval,
          formatMicros(r.cDefault),
          r.cDefaultUpdatecov.toFixed(2),
          formatRatio(r.evobox / r.cDefault),
          formatMicros(r.cSame),
          formatRatio(r.evobox / r.cSame),
          r.previousInterval,
          formatMicros(r.before),
          formatRatio(r.before / r.cDefault),
        ]),
      );
      const at10 = rows.find((r) => r.dimension === 10)!;
      report.check(
        `n = 10: ≤ ${TARGET_RATIO}× c-cmaes's time per generation (its own eigendecomposition rule)`,
        `${formatRatio(at10.evobox / at10.cDefault)} (${formatMicros(at10.evobox)} vs ${formatMicros(at10.cDefault)})`,
        at10.evobox <= TARGET_RATIO * at10.cDefault,
        `evobox takes ${formatMicros(at10.evobox)} per generation, c-cmaes ${formatMicros(at10.cDefault)}`,
      );
      report.check(
        `n = 10: ≤ ${TARGET_RATIO}× c-cmaes at evobox's eigendecomposition interval (${at10.eigenInterval})`,
        `${formatRatio(at10.evobox / at10.cSame)} (${formatMicros(at10.evobox)} vs ${formatMicros(at10.cSame)})`,
        at10.evobox <= TARGET_RATIO * at10.cSame,
        `evobox takes ${formatMicros(at10.evobox)} per generation, c-cmaes ${formatMicros(at10.cSame)}`,
      );
      const at100 = rows.find((r) => r.dimension === 100)!;
      report.check(
        'n = 100: not slower than c-cmaes',
        `${formatRatio(at100.evobox / at100.cDefault)} (${formatMicros(at100.evobox)} vs ${formatMicros(at100.cDefault)})`,
        at100.evobox <= at100.cDefault,
        `evobox takes ${formatMicros(at100.evobox)} per generation, c-cmaes ${formatMicros(at100.cDefault)}`,
      );
    } finally {
      build.dispose();
    }
  },
};
