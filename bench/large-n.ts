/**
 * Large n end to end (issue 17): each case a child process (bench/large-n-child.ts) bounded in
 * time, so its memory and its start-up are its own.
 * - sep-CMA-ES, n = 10 000, a cheap module objective (Σ x²): generations/s from startRun()
 *   to the end, and journal bytes per evaluation with parameters as params.f64 rows vs the
 *   plain JSON journal of the same run (a shorter run of it).
 * - CMA-ES, n = 2 000, built-in sphere: the share of the run spent writing checkpoints
 *   (their own measured cost, as checkpoint.json records it), the evaluation rate against the
 *   same run with no checkpoint before the end, and peak memory: the child's peak RSS minus
 *   its RSS just before the run started (after loading the engine and a warm-up run), as a
 *   multiple of the covariance matrix's size (n² float64s = 32 MB), also for a run that
 *   decomposes C every 10 generations, so that a decomposition's memory is in the window.
 * Sizes stay the same with --quick; the run times halve.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/benchmark';
import { formatCount, formatMegabytes, formatRatio } from './lib/format';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';
import { cmaDimension, sepDimension } from './large-n-child';

const childScript = fileURLToPath(new URL('./large-n-child.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const targets = { generationsPerSecond: 20, checkpointShare: 0.05, memoryRatio: 4 };

interface ChildReport {
  result: { evaluations: number; stopReason: string; error?: string };
  generations: number;
  runMs: number;
  baselineRss: number;
  maxRss: number;
  /** RSS when the run is over: what a decomposition's memory left behind. */
  endRss: number;
  peaks: { heapUsed: number; arrayBuffers: number; external: number };
  journalBytes: number;
  paramsBytes: number;
  checkpointCost: { writes: number; totalMs: number; lastMs: number } | null;
  checkpointVersion: number;
  checkpointBytes: number;
}

function runChild(
  mode: 'sep' | 'cma',
  dir: string,
  seconds: number,
  variant?: 'plain' | 'never' | 'vector' | 'vector-inline' | 'decompose',
) {
  return new Promise<ChildReport>((resolve, reject) => {
    const args = [
      '--expose-gc',
      '--import',
      tsx,
      childScript,
      mode,
      join(dir, `${mode}-${variant ?? 'default'}`),
    ];
    const child = spawn(process.execPath, [...args, String(seconds), ...(variant ? [variant] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    // A bound on the bound: the run's own time budget plus start-up and the final checkpoint.
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 45) * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('{"type":"done"'));
      if (code !== 0 || !line)
        reject(
          new Error(
            `large-n child (${mode} ${variant ?? ''}) ended with ${signal ?? code}: ${stderr.trim()}`,
          ),
        );
      else resolve(JSON.parse(line) as ChildReport);
    });
  });
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const kilobytes = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

export const largeN: Benchmark = {
  name: 'large-n',
  description:
    'sep-CMA-ES n = 10 000 and CMA-ES n = 2 000 end to end: generations/s, journal bytes, checkpoint share, memory',
  async run(settings: BenchSettings, report: Report) {
    const scale = settings.quick ? 0.5 : 1;
    const dir = mkdtempSync(join(tmpdir(), 'evobox-bench-large-n-'));
    try {
      const sep = await runChild('sep', dir, 20 * scale);
      const sepPlain = await runChild('sep', dir, 6 * scale, 'plain');
      const sepVector = await runChild('sep', dir, 10 * scale, 'vector');
      const sepVectorInline = await runChild('sep', dir, 10 * scale, 'vector-inline');
      const cma = await runChild('cma', dir, 30 * scale);
      const cmaNever = await runChild('cma', dir, 30 * scale, 'never');
      const cmaDecompose = await runChild('cma', dir, 20 * scale, 'decompose');

      const perSecond = (r: ChildReport) => r.generations / (r.runMs / 1000);
      const generationsPerSecond = perSecond(sep);
      const perEvaluation = (r: ChildReport) => (r.journalBytes + r.paramsBytes) / r.result.evaluations;
      const covarianceBytes = cmaDimension * cmaDimension * 8;
      const periodicMs = cma.checkpointCost?.totalMs ?? 0;
      const share = periodicMs / cma.runMs;
      // The final checkpoint (at the end of every run) is not in checkpoint.json's own
      // account; counted here at the cost of the last periodic one.
      const shareWithFinal = (periodicMs + (cma.checkpointCost?.lastMs ?? 0)) / cma.runMs;
      const rate = (r: ChildReport) => r.result.evaluations / (r.runMs / 1000);
      const memoryRatio = (r: ChildReport) => (r.maxRss - r.baselineRss) / covarianceBytes;

      report.text(
        `sep-CMA-ES n = ${formatCount(sepDimension)} with a module objective (bench/fixtures/sum-of-squares.mjs), 1 worker; ` +
          `CMA-ES n = ${formatCount(cmaDimension)} on the built-in sphere, 1 worker. Each case in its own process, ` +
          'timed from startRun() to the end of the run (journal, generation log, best.json and checkpoints included).',
      );
      report.text();
      report.table(
        [
          'case',
          'time',
          'generations',
          'evaluations',
          'generations/s',
          'journal + params.f64 per evaluation',
        ],
        (
          [
            [sep, 'params.f64'],
            [
              sepVector,
              'params.f64, the module taking a vector (`input: "vector"`, sum-of-squares-vector.mjs)',
            ],
            [sepVectorInline, 'params.f64, the module taking a vector, `inline` (on the run’s thread)'],
            [sepPlain, 'plain JSON journal'],
          ] as const
        ).map(([r, label]) => [
          `sep-CMA-ES n = ${formatCount(sepDimension)}, ${label}`,
          `${(r.runMs / 1000).toFixed(1)} s`,
          r.generations,
          r.result.evaluations,
          perSecond(r).toFixed(2),
          kilobytes(perEvaluation(r)),
        ]),
      );
      report.table(
        [
          'CMA-ES n = 2 000',
          'evaluations/s',
          'checkpoints written',
          'their time',
          'share of the run',
          'checkpoint size',
          'peak RSS − baseline',
          '× covariance (32 MB)',
          'RSS at the end − baseline',
          'peak JS heap / ArrayBuffers / external',
        ],
        (
          [
            [cma, 'default (adaptive interval)'],
            [cmaNever, 'no checkpoint before the end'],
            [cmaDecompose, 'an eigendecomposition every 10 generations (`eigenInterval: 10`)'],
          ] as const
        ).map(([r, label]) => [
          label,
          rate(r).toFixed(1),
          r.checkpointCost?.writes ?? 0,
          `${((r.checkpointCost?.totalMs ?? 0) / 1000).toFixed(2)} s`,
          percent((r.checkpointCost?.totalMs ?? 0) / r.runMs),
          formatMegabytes(r.checkpointBytes),
          formatMegabytes(r.maxRss - r.baselineRss),
          memoryRatio(r).toFixed(1),
          formatMegabytes(r.endRss - r.baselineRss),
          `${formatMegabytes(r.peaks.heapUsed)} / ${formatMegabytes(r.peaks.arrayBuffers)} / ${formatMegabytes(r.peaks.external)}`,
        ]),
      );

      report.text(
        'Memory columns: peak RSS − baseline is what the run added to the process; of the peaks sampled after each ' +
          'generation, ArrayBuffers are the Float64Arrays (CMA-ES keeps C and B, and recycles a spare state), and external ' +
          'minus ArrayBuffers is mostly the WebAssembly memory (at n = 2 000 only the 1 MB blocks B and C pass ' +
          'through). Checkpoint time is what checkpoint.json records (journal fsync, encoding, side file, JSON). ' +
          'By default an eigendecomposition of C comes every few thousand generations at n = 2 000, so none falls ' +
          'in the first two rows; the third forces them so that their memory is measured: the new B beside the ' +
          'old one, in which the decomposition also reduces the triangle and builds the eigenvectors.',
      );
      report.text();
      report.check(
        `sep-CMA-ES n = 10 000 ≥ ${targets.generationsPerSecond} generations/s end to end (module objective)`,
        `${generationsPerSecond.toFixed(2)} generations/s`,
        generationsPerSecond >= targets.generationsPerSecond,
        `${generationsPerSecond.toFixed(2)} generations/s (${sep.generations} in ${(sep.runMs / 1000).toFixed(1)} s): each candidate becomes a 10 000-key params object`,
      );
      report.check(
        `sep-CMA-ES n = 10 000 ≥ ${targets.generationsPerSecond} generations/s end to end (module objective taking a vector, inline)`,
        `${perSecond(sepVectorInline).toFixed(2)} generations/s (in a worker thread: ${perSecond(sepVector).toFixed(2)})`,
        perSecond(sepVectorInline) >= targets.generationsPerSecond,
        `${perSecond(sepVectorInline).toFixed(2)} generations/s`,
      );
      const bytesRatio = perEvaluation(sep) / perEvaluation(sepPlain);
      report.check(
        'journal bytes per evaluation at n = 10 000 well below the plain JSON journal (≤ 0.35×)',
        `${kilobytes(perEvaluation(sep))} vs ${kilobytes(perEvaluation(sepPlain))} (${formatRatio(bytesRatio)})`,
        bytesRatio <= 0.35,
        `${formatRatio(bytesRatio)} of the plain journal's bytes`,
      );
      report.check(
        `CMA-ES n = 2 000: checkpoints, the final one included, ≤ ${percent(targets.checkpointShare)} of the run time`,
        `${percent(shareWithFinal)} (${percent(share)} without the final one); rate ${formatRatio(rate(cma) / rate(cmaNever))} of no checkpoints`,
        shareWithFinal <= targets.checkpointShare,
        `${(periodicMs / 1000).toFixed(2)} s of ${(cma.runMs / 1000).toFixed(1)} s in ${cma.checkpointCost?.writes ?? 0} checkpoints`,
      );
      // The peak of a run is the larger of the two: between decompositions and during one.
      const peak = memoryRatio(cmaDecompose) > memoryRatio(cma) ? cmaDecompose : cma;
      report.check(
        `CMA-ES n = 2 000: peak memory ≤ ${targets.memoryRatio}× the covariance (peak RSS − baseline RSS)`,
        `${memoryRatio(peak).toFixed(1)}× (${formatMegabytes(peak.maxRss - peak.baselineRss)}; ` +
          `${memoryRatio(cma).toFixed(1)}× between decompositions, ${memoryRatio(cmaDecompose).toFixed(1)}× with them)`,
        memoryRatio(peak) <= targets.memoryRatio,
        `${formatMegabytes(peak.maxRss - peak.baselineRss)} above the baseline, covariance ${formatMegabytes(covarianceBytes)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
