/**
 * COCO BBOB f1–f24 against pycma's published run (shared/reference/bbob/results_pycma.json):
 * CMA-ES with IPOP restarts through the `line` protocol's black box (`bbob_line F DIM INST`,
 * built here from shared/reference/bbob with the C compiler), on the same set-up as pycma's
 * run: bounds [-5, 5]^n, x0 ~ U[-4, 4]^n, σ0 = 2 (0.2 of the range), budget 2000·n
 * evaluations over all restarts, instances 1–5, one run each, stop at f − f_opt ≤ 1e-8.
 *
 * ERT(t) = evaluations summed over all runs (a run that hit t counts up to its first hit,
 * one that did not its whole budget) / runs that hit t. A function counts for the ERT
 * verdict when either side solves it (some run reaches 1e-8).
 *
 * With PYCMA_PATH set, pycma also runs in this bench (bench/python/pycma_driver.py, mode
 * `bbob`, the same set-up with its own seeds and EVOBOX_BBOB_RUNS runs per instance): a second
 * ERT column measured in the same run, and how often pycma's re-run is itself ≤ its published
 * ERT — the share a method exactly as good as pycma gets against the published 5-run sample.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Optimizer } from '../engine/core/optimizer';
import { createRng } from '../engine/core/rng';
import { SearchSpace, type BoundaryMap } from '../engine/core/search-space';
import { getStrategy } from '../engine/strategies/registry';
import type { Benchmark } from './index';
import { formatCount, formatRatio } from './lib/format';
import { checkPycma, runPycmaDriver } from './lib/pycma';
import { RawLineChild } from './lib/raw-line-child';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';

const targets = [1e-2, 1e-5, 1e-8] as const;

/**
 * Bench-only knobs for A/B runs: EVOBOX_BBOB_DIMS=2,5 (dimensions), EVOBOX_BBOB_FUNCTIONS=21,22,
 * EVOBOX_BBOB_RUNS=3 (runs per instance on evobox's side, for a less noisy ERT),
 * EVOBOX_BBOB_BOUNDARY=reflect, EVOBOX_BBOB_PYCMA_DIMS=2,5 (where pycma re-runs beside, when
 * PYCMA_PATH is set; default 2, 5: pycma in-process needs 2 and 7 min there on a loaded 2-core
 * machine, over 20 min at n = 10), EVOBOX_BBOB_TRACE=1 (one stderr line per local run: λ, its
 * evaluations, why it ended, its best f − f_opt).
 */
function boundaryOverride(): BoundaryMap | undefined {
  const value = process.env.EVOBOX_BBOB_BOUNDARY;
  return value === 'reflect' || value === 'linquad' ? value : undefined;
}
const instances = [1, 2, 3, 4, 5];
const budgetFactor = 2000;

interface PycmaRow {
  f: number;
  name: string;
  dim: number;
  runs: number;
  solved: number;
  'ERT_1e-08': number | null;
}

export interface RunTally {
  used: number;
  /** Evaluations up to the first hit of each target, or null. */
  first: (number | null)[];
  best: number;
  restarts: number;
  /** Per local run: population, evaluations, how it ended, best f − f_opt. */
  locals: { lambda: number; evaluations: number; reason: string; best: number }[];
}

const kitDir = resolve(fileURLToPath(new URL('../../shared/reference/bbob/', import.meta.url)));

/** Builds bbob_line once; null with the reason when the kit or a C compiler is missing. */
function buildBlackBox(): { path: string } | { reason: string } {
  if (!existsSync(join(kitDir, 'build.sh'))) return { reason: `no BBOB kit at ${kitDir}` };
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
  } catch {
    return { reason: 'no C compiler (cc) to build bbob_line' };
  }
  const out = mkdtempSync(join(tmpdir(), 'evobox-bbob-'));
  execFileSync('sh', [join(kitDir, 'build.sh'), out], { stdio: 'ignore' });
  return { path: join(out, 'bbob_line') };
}

export function ert(tallies: RunTally[], t: number): number | null {
  const hits = tallies.filter((r) => r.first[t] !== null).length;
  if (hits === 0) return null;
  return tallies.reduce((sum, r) => sum + (r.first[t] ?? r.used), 0) / hits;
}

interface PycmaRun {
  f: number;
  used: number;
  first: number | null;
  restarts: number;
}

/** pycma's runs at dimension n in this bench, per function: ERT to 1e-8 (null: none solved) and solved runs. */
async function pycmaRuns(
  pycmaPath: string,
  n: number,
  functions: number[],
  repeats: number,
): Promise<Map<number, { ert: number | null; solved: number }>> {
  const runs: PycmaRun[] = [];
  await runPycmaDriver<PycmaRun>(
    pycmaPath,
    {
      mode: 'bbob',
      dimension: n,
      functions,
      instances,
      repeats,
      budget_factor: budgetFactor,
      target: targets[targets.length - 1],
      seed: 7_000_000,
    },
    (run) => runs.push(run),
  );
  const out = new Map<number, { ert: number | null; solved: number }>();
  for (const f of functions) {
    const own = runs.filter((r) => r.f === f);
    const hits = own.filter((r) => r.first !== null).length;
    out.set(f, {
      ert: hits ? own.reduce((sum, r) => sum + (r.first ?? r.used), 0) / hits : null,
      solved: hits / repeats,
    });
  }
  return out;
}

/** Whether ERT `ours` is ≤ `theirs` (null = unsolved), and the ratio cell. */
export function compareErt(
  ours: number | null,
  theirs: number | null,
): { counted: boolean; notWorse: boolean; cell: string } {
  if (ours === null && theirs === null) return { counted: false, notWorse: false, cell: '–' };
  const notWorse = ours !== null && (theirs === null || ours <= theirs);
  const cell =
    ours !== null && theirs !== null
      ? formatRatio(ours / theirs)
      : ours === null
        ? 'pycma only'
        : 'evobox only';
  return { counted: true, notWorse, cell };
}

const formatSolved = (solved: number) => (Number.isInteger(solved) ? String(solved) : solved.toFixed(1));

async function runOne(binary: string, f: number, n: number, instance: number, repeat = 0): Promise<RunTally> {
  const child = new RawLineChild(binary, [String(f), String(n), String(instance)]);
  const names = Array.from({ length: n }, (_, i) => `x${i}`);
  const space = new SearchSpace(
    names.map((name) => ({ name, lower: -5, upper: 5 })),
    { boundary: boundaryOverride() },
  );
  const seed = 1_000_000 + f * 10_000 + n * 100 + instance + 1_000_000 * repeat;
  const startRng = createRng(`bbob-start:${seed}`);
  const start = Float64Array.from({ length: n }, () => 0.1 + 0.8 * startRng.uniform());
  const budget = budgetFactor * n;
  const optimizer = Optimizer.create({
    strategy: getStrategy('cma-es'),
    options: { stepSize: 0.2 },
    space,
    seed,
    start,
    stop: { maxEvaluations: budget, target: targets[targets.length - 1] },
    restarts: { mode: 'ipop', maxRestarts: 1000 },
  });
  const tally: RunTally = {
    used: 0,
    first: targets.map(() => null),
    best: Number.POSITIVE_INFINITY,
    restarts: 0,
    locals: [],
  };
  let localStart = 0;
  let localBest = Number.POSITIVE_INFINITY;
  try {
    while (!optimizer.stopReason) {
      const candidates = optimizer.ask();
      if (candidates.length === 0) break;
      const replies = await child.exchange(
        candidates.map((c) => JSON.stringify({ id: c.index, params: c.params })),
      );
      const outcomes = replies.map((line) => {
        const value = (JSON.parse(line) as { fitness: number }).fitness;
        tally.used++;
        if (value < tally.best) tally.best = value;
        targets.forEach((t, k) => {
          if (tally.first[k] === null && value <= t) tally.first[k] = tally.used;
        });
        return { fitness: value };
      });
      for (const o of outcomes) if (o.fitness < localBest) localBest = o.fitness;
      const summary = optimizer.tell(outcomes);
      const ended = summary.restartedBecause ?? summary.stopReason;
      if (ended) {
        tally.locals.push({
          lambda: candidates.length,
          evaluations: tally.used - localStart,
          reason: ended,
          best: localBest,
        });
        localStart = tally.used;
        localBest = Number.POSITIVE_INFINITY;
      }
    }
    if (process.env.EVOBOX_BBOB_TRACE)
      process.stderr.write(
        `f${f} n=${n} i${instance}.${repeat}: ` +
          tally.locals
            .map((l) => `λ${l.lambda} ${l.evaluations} ${l.reason} ${l.best.toExponential(1)}`)
            .join(' | ') +
          '\n',
      );
  } finally {
    await child.close();
  }
  tally.restarts = optimizer.restartCount;
  return tally;
}

export const bbob: Benchmark = {
  name: 'bbob',
  description: 'COCO BBOB f1–f24, CMA-ES + IPOP through the line black box, against pycma 4.4.0',
  async run(settings: BenchSettings, report: Report) {
    const built = buildBlackBox();
    if ('reason' in built) {
      report.text(`Skipped: ${built.reason}.`);
      report.target({
        target: 'BBOB solved ≥ pycma',
        measured: '–',
        status: 'skipped',
        reason: built.reason,
      });
      return;
    }
    const reference = JSON.parse(readFileSync(join(kitDir, 'results_pycma.json'), 'utf8')) as {
      table: PycmaRow[];
    };
    const dims = process.env.EVOBOX_BBOB_DIMS
      ? process.env.EVOBOX_BBOB_DIMS.split(',').map(Number)
      : settings.quick
        ? [2, 5]
        : [2, 5, 10, 20];
    const runsPerInstance = Number(process.env.EVOBOX_BBOB_RUNS ?? 1);
    const pycma = await checkPycma(settings);
    const pycmaDims = (process.env.EVOBOX_BBOB_PYCMA_DIMS ?? '2,5').split(',').map(Number);
    report.text(
      pycma.ok
        ? `pycma ${pycma.versions.pycma} (numpy ${pycma.versions.numpy}) also runs here: ${runsPerInstance} run(s) per instance, its own seeds, at n = ${pycmaDims.join(', ')}.`
        : `pycma does not run beside (${pycma.reason}); only its published run is compared.`,
    );
    report.text();
    const functions = process.env.EVOBOX_BBOB_FUNCTIONS
      ? process.env.EVOBOX_BBOB_FUNCTIONS.split(',').map(Number)
      : Array.from({ length: 24 }, (_, i) => i + 1);
    for (const n of dims) {
      const rows: (string | number)[][] = [];
      let solvedOurs = 0;
      let solvedTheirs = 0;
      let ertCompared = 0;
      let ertNotWorse = 0;
      let sameCompared = 0;
      let sameNotWorse = 0;
      let rerunCompared = 0;
      let rerunNotWorse = 0;
      let solvedRerun = 0;
      const started = performance.now();
      // pycma runs in its own process meanwhile (two cores: about half the wall time).
      const rerunning =
        pycma.ok && settings.pycmaPath && pycmaDims.includes(n)
          ? pycmaRuns(settings.pycmaPath, n, functions, runsPerInstance)
          : null;
      rerunning?.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
      const losses: string[] = [];
      const talliesOf = new Map<number, RunTally[]>();
      for (const f of functions) {
        const tallies: RunTally[] = [];
        for (let repeat = 0; repeat < runsPerInstance; repeat++)
          for (const instance of instances) tallies.push(await runOne(built.path, f, n, instance, repeat));
        talliesOf.set(f, tallies);
      }
      const rerun = rerunning ? await rerunning : null;
      for (const f of functions) {
        const theirs = reference.table.find((r) => r.f === f && r.dim === n);
        const tallies = talliesOf.get(f)!;
        const solved = tallies.filter((r) => r.first[2] !== null).length / runsPerInstance;
        solvedOurs += solved;
        solvedTheirs += theirs?.solved ?? 0;
        const ours = ert(tallies, 2);
        const pycmaErt = theirs?.['ERT_1e-08'] ?? null;
        const published = compareErt(ours, pycmaErt);
        if (published.counted) ertCompared++;
        if (published.notWorse) ertNotWorse++;
        const row: (string | number)[] = [
          f,
          theirs?.name ?? '',
          `${formatSolved(solved)}/${instances.length}`,
          `${theirs?.solved ?? '–'}/${theirs?.runs ?? instances.length}`,
          ours === null ? 'inf' : formatCount(ours),
          pycmaErt === null ? 'inf' : formatCount(pycmaErt),
          published.cell,
        ];
        const again = rerun?.get(f);
        if (again) {
          solvedRerun += again.solved;
          const same = compareErt(ours, again.ert);
          if (same.counted) sameCompared++;
          if (same.notWorse) sameNotWorse++;
          // pycma's re-run against its own published sample: the noise floor of the verdict above.
          const itself = compareErt(again.ert, pycmaErt);
          if (itself.counted) rerunCompared++;
          if (itself.notWorse) rerunNotWorse++;
          if (published.counted && !published.notWorse) {
            const lucky = again.ert === null || (pycmaErt !== null && again.ert > pycmaErt);
            losses.push(
              `f${f} (${published.cell}): ` +
                (lucky
                  ? `the published sample is better than pycma's own re-run (${again.ert === null ? 'unsolved' : formatRatio(again.ert / pycmaErt!)} of it)`
                  : same.notWorse
                    ? `≤ pycma's re-run (${same.cell})`
                    : `above pycma's re-run too (${same.cell})`),
            );
          }
          row.push(
            `${formatSolved(again.solved)}/${instances.length}`,
            again.ert === null ? 'inf' : formatCount(again.ert),
            same.cell,
          );
        }
        if (!again && published.counted && !published.notWorse) losses.push(`f${f} (${published.cell})`);
        row.push((tallies.reduce((s, r) => s + r.restarts, 0) / tallies.length).toFixed(1));
        rows.push(row);
      }
      const seconds = (performance.now() - started) / 1000;
      report.text(
        `### n = ${n} (budget ${formatCount(budgetFactor * n)} evaluations per run; ${seconds.toFixed(0)} s)`,
      );
      report.text();
      report.table(
        [
          'f',
          'name',
          'solved evobox',
          'solved pycma',
          'ERT 1e-8 evobox',
          'ERT 1e-8 pycma',
          'ratio',
          ...(rerun ? ['solved pycma here', 'ERT pycma here', 'ratio here'] : []),
          'mean restarts',
        ],
        rows,
      );
      const perInstance = runsPerInstance > 1 ? ` (mean of ${runsPerInstance} runs per instance)` : '';
      report.text(
        `Runs solved${perInstance}: evobox ${formatSolved(solvedOurs)}, pycma ${solvedTheirs} of ${functions.length * instances.length}; ` +
          `ERT ≤ pycma's on ${ertNotWorse} of the ${ertCompared} functions either solves.`,
      );
      if (rerun) {
        report.text();
        report.text(
          `Against pycma run here: solved ${formatSolved(solvedOurs)} vs ${formatSolved(solvedRerun)}; ERT ≤ pycma's on ` +
            `${sameNotWorse} of ${sameCompared}. pycma's re-run itself is ≤ its published ERT on ${rerunNotWorse} of ` +
            `${rerunCompared} functions (${((100 * rerunNotWorse) / Math.max(1, rerunCompared)).toFixed(0)} %).`,
        );
      }
      if (losses.length) {
        report.text();
        report.text(`Above pycma's published ERT: ${losses.join('; ')}.`);
      }
      report.text();
      report.check(
        `n = ${n}: runs solved ≥ pycma's`,
        `${formatSolved(solvedOurs)} vs ${solvedTheirs}`,
        solvedOurs >= solvedTheirs,
        `${solvedTheirs - solvedOurs} fewer`,
      );
      report.check(
        `n = ${n}: ERT ≤ pycma's on ≥ 75 % of the functions either solves`,
        `${ertNotWorse} of ${ertCompared} (${((100 * ertNotWorse) / Math.max(1, ertCompared)).toFixed(0)} %)`,
        ertNotWorse >= 0.75 * ertCompared,
        rerun
          ? `below 75 %; pycma's own re-run reaches ${rerunNotWorse} of ${rerunCompared} against the same published sample`
          : 'below 75 %',
      );
    }
  },
};
