/**
 * Item 1 — engine overhead: µs per generation of ask + sphere evaluation + tell at the default
 * population size, CMA-ES at n = 10, 100, 1000 and sep-CMA-ES at n = 1000, 10 000, measured by
 * bench/cma-overhead.ts (the CMA engineer's timing loop) and, when PYCMA_PATH is set, pycma
 * timed the same way in the same run (bench/python/pycma_driver.py), one case after the other
 * so both see the same machine load.
 *
 * The verdicts use CPU time per generation: on a shared 2-core machine wall time swings with
 * other processes, CPU time much less. Node's CPU time also counts its GC and compiler
 * threads, so this favours pycma if anything. Wall-clock figures are printed beside it.
 */
import type { Benchmark } from './lib/benchmark';
import { cases, measure, type Case, type Timing } from './cma-overhead';
import { defaultPopulationSize } from '../engine/strategies/cma/parameters';
import { formatMicros, formatRatio } from './lib/format';
import { checkPycma, runPycmaDriver } from './lib/pycma';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';

interface PycmaTiming extends Timing {
  popsize: number;
}

/**
 * Fastest other implementation per case in /work/shared/reference/peers.md (measured on
 * this machine kind on 2026-11-23, not in this run): for orientation only.
 */
const fastestPeer: Record<string, { name: string; us: number }> = {
  'full CMA 10': { name: 'DEAP', us: 161 },
  'full CMA 100': { name: 'pycma', us: 1138 },
  'full CMA 1000': { name: 'pycma', us: 34_700 },
  'sep-CMA 1000': { name: 'cmaes', us: 690 },
  'sep-CMA 10000': { name: 'cmaes', us: 6900 },
};

/** cma-overhead.ts divides the generations by 10 itself when `--quick` is on the command line. */
function generationsFor(c: Case, settings: BenchSettings): number {
  const quickFromArgv = process.argv.includes('--quick');
  return settings.quick && !quickFromArgv ? Math.ceil(c.generations / 10) : c.generations;
}

async function timePycma(pycmaPath: string, c: Case, generations: number): Promise<PycmaTiming> {
  let result: PycmaTiming | null = null;
  await runPycmaDriver<PycmaTiming>(
    pycmaPath,
    {
      mode: 'overhead',
      dimension: c.dimension,
      diagonal: c.label !== 'full CMA',
      generations,
      repetitions: 3,
    },
    (record) => (result = record),
  );
  if (!result) throw new Error('the pycma driver printed no timing');
  return result;
}

export const engineOverhead: Benchmark = {
  name: 'engine-overhead',
  description: 'CMA-ES / sep-CMA-ES µs per generation (ask + sphere + tell), evobox vs pycma',
  async run(settings: BenchSettings, report: Report) {
    const pycma = await checkPycma(settings);
    report.text(
      pycma.ok
        ? `pycma ${pycma.versions.pycma} (numpy ${pycma.versions.numpy}, Python ${pycma.versions.python}, one BLAS thread) timed in this run, case by case after evobox.`
        : `pycma not run (${pycma.reason}): evobox figures only; the pycma column is the reference figure from shared/reference/pycma-4.4.0.md (other run, same machine kind).`,
    );
    report.text(
      'Each figure: median of 3 repetitions after a warm-up; sphere, default population, x0 ~ U[-3,3]^n, σ0 = 2, restarted when the strategy stops. ' +
        'Speed-up = pycma / evobox; verdicts on CPU time (steadier on a shared machine; wall time beside it).',
    );
    report.text();
    const rows: (string | number)[][] = [];
    const measured: { c: Case; ours: Timing; theirs: PycmaTiming | null }[] = [];
    for (const c of cases) {
      const generations = generationsFor(c, settings);
      const ours = measure({ ...c, generations });
      const theirs = pycma.ok ? await timePycma(settings.pycmaPath!, c, generations) : null;
      measured.push({ c, ours, theirs });
      const peer = fastestPeer[`${c.label} ${c.dimension}`];
      const referenceCpu = theirs ? theirs.cpu : c.pycma;
      rows.push([
        c.label,
        c.dimension,
        defaultPopulationSize(c.dimension),
        formatMicros(ours.cpu),
        formatMicros(ours.wall),
        `${formatMicros(ours.ask)} / ${formatMicros(ours.evaluate)} / ${formatMicros(ours.tell)}` +
          (ours.eigen !== undefined && ours.eigenInterval !== undefined
            ? ` (eigen ${formatMicros(ours.eigen)} every ${ours.eigenInterval} gen., amortised)`
            : ''),
        theirs ? formatMicros(theirs.cpu) : `(${formatMicros(c.pycma)} ref.)`,
        theirs ? formatMicros(theirs.wall) : '–',
        theirs
          ? `${formatMicros(theirs.ask)} / ${formatMicros(theirs.evaluate)} / ${formatMicros(theirs.tell)}`
          : '–',
        theirs ? formatRatio(theirs.cpu / ours.cpu) : `(${formatRatio(referenceCpu / ours.cpu)} vs ref.)`,
        theirs ? formatRatio(theirs.wall / ours.wall) : '–',
        peer ? `${peer.name} ${formatMicros(peer.us)} (${formatRatio(peer.us / ours.cpu)})` : '–',
      ]);
    }
    report.table(
      [
        'variant',
        'n',
        'λ',
        'evobox cpu/gen',
        'evobox wall/gen',
        'evobox ask / eval / tell (wall)',
        'pycma cpu/gen',
        'pycma wall/gen',
        'pycma ask / eval / tell (wall)',
        'speed-up (cpu)',
        'speed-up (wall)',
        'fastest other, peers.md (our speed-up)',
      ],
      rows,
    );

    for (const { c, ours, theirs } of measured) {
      const label = `${c.label} n=${c.dimension}`;
      if (c.label === 'full CMA') {
        const goal = c.dimension <= 100 ? 5 : 1;
        const target =
          goal > 1
            ? `${label}: ≥ ${goal}× faster than pycma per generation`
            : `${label}: not slower than pycma`;
        if (!theirs) {
          report.target({
            target,
            measured: `${formatMicros(ours.cpu)} (ref. pycma ${formatMicros(c.pycma)}: ${formatRatio(c.pycma / ours.cpu)})`,
            status: 'not checked',
            reason: pycma.ok ? 'pycma failed' : pycma.reason,
          });
          continue;
        }
        const ratio = theirs.cpu / ours.cpu;
        report.check(
          target,
          `${formatRatio(ratio)} (${formatMicros(ours.cpu)} vs ${formatMicros(theirs.cpu)})`,
          ratio >= goal,
          `evobox takes ${formatMicros(ours.cpu)} per generation (ask ${formatMicros(ours.ask)}, tell ${formatMicros(ours.tell)} wall), only ${formatRatio(ratio)} pycma's speed`,
        );
      }
      if (c.label === 'sep-CMA' && c.dimension === 10_000) {
        report.check(
          `${label}: under 2 ms per generation`,
          `${formatMicros(ours.cpu)} cpu, ${formatMicros(ours.wall)} wall`,
          ours.cpu < 2000,
          `${formatMicros(ours.cpu)} per generation (ask ${formatMicros(ours.ask)}, eval ${formatMicros(ours.evaluate)}, tell ${formatMicros(ours.tell)} wall)`,
        );
      }
    }
  },
};
