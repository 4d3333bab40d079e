/**
 * `npm run bench [-- <name>…] [--quick] [--save] [--seeds=N]`: benchmark tables with ratios
 * against references measured in the same run, each target marked met or not. Each benchmark
 * is a module in this folder registered below; `evobox bench` calls `runBenchmarks` too.
 * Settings: see lib/settings.ts (PYCMA_PATH adds pycma side by side).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachine, loadAverage } from './lib/machine';
import type { Benchmark } from './lib/benchmark';
import { Report, type TargetVerdict } from './lib/report';
import { parseSettings, splitArguments, type BenchSettings } from './lib/settings';

export type { Benchmark } from './lib/benchmark';

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  'engine-overhead': async () => (await import('./engine-overhead')).engineOverhead,
  'search-quality': async () => (await import('./search-quality')).searchQuality,
  'executable-throughput': async () => (await import('./executable-throughput')).executableThroughput,
  'parallel-speedup': async () => (await import('./parallel-speedup')).parallelSpeedup,
  'scale-memory': async () => (await import('./scale-memory')).scaleMemory,
  'large-n': async () => (await import('./large-n')).largeN,
  'ui-under-load': async () => (await import('./ui-under-load')).uiUnderLoad,
  strategies: async () => (await import('./strategies')).strategiesBench,
  bbob: async () => (await import('./bbob')).bbob,
  'c-cmaes': async () => (await import('./c-cmaes')).cCmaes,
  distributed: async () => (await import('./distributed')).distributedBench,
  train: async () => (await import('./train')).trainBench,
  'train-batch': async () => (await import('./train-batch')).trainBatchBench,
  'end-to-end': async () => (await import('./end-to-end')).endToEnd,
  // The evaluation engineer's table of every objective kind; run by name only.
  protocols: async () => ({
    name: 'protocols',
    description: 'evaluations/s of every objective kind on a trivial function (bench/protocol-throughput.ts)',
    async run() {
      await import('./protocol-throughput');
    },
  }),
};

/** What `npm run bench` runs without names: the issue's six benchmarks, in order. */
const defaultSet = [
  'engine-overhead',
  'search-quality',
  'executable-throughput',
  'parallel-speedup',
  'scale-memory',
  'ui-under-load',
];

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** Runs the named benchmarks (all of the default set when none); arguments starting with `--` are settings. */
export async function runBenchmarks(args: string[]): Promise<number> {
  const { names, flags } = splitArguments(args);
  let settings: BenchSettings;
  try {
    settings = parseSettings(flags);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const selected = names.length ? names : defaultSet;
  const unknown = selected.filter((name) => !benchmarks[name]);
  if (unknown.length) {
    process.stderr.write(
      `unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(benchmarks).join(', ')}\n`,
    );
    return 2;
  }
  const summary: { bench: string; verdict: TargetVerdict }[] = [];
  let exitCode = 0;
  for (const name of selected) {
    const bench = await benchmarks[name]();
    const machine = describeMachine();
    const started = performance.now();
    process.stdout.write(`\n## ${bench.name} — ${bench.description}\n\n`);
    const report = new Report();
    try {
      await bench.run(settings, report);
    } catch (error) {
      exitCode = 1;
      report.text(`**failed:** ${(error as Error).stack ?? String(error)}`);
    }
    report.printTargets();
    const seconds = (performance.now() - started) / 1000;
    report.text(
      `(${bench.name}: ${seconds.toFixed(0)} s; load average at the end ${loadAverage()}${settings.quick ? '; --quick' : ''})`,
    );
    for (const verdict of report.targets) summary.push({ bench: bench.name, verdict });
    if (settings.save) {
      mkdirSync(resultsDir, { recursive: true });
      const path = `${resultsDir}${bench.name}.md`;
      writeFileSync(path, `# ${bench.name} — ${bench.description}\n\n${machine}\n\n${report.markdown()}`);
      process.stdout.write(`(saved ${path})\n`);
    }
  }
  if (summary.length > 1) {
    const count = (status: string) => summary.filter((s) => s.verdict.status === status).length;
    process.stdout.write(
      `\n## Summary\n\n${count('met')} met, ${count('not met')} not met, ${count('skipped')} skipped, ${count('not checked')} not checked\n\n`,
    );
    for (const { bench, verdict } of summary) {
      if (verdict.status === 'met') continue;
      process.stdout.write(
        `- ${bench}: ${verdict.target} — ${verdict.status}${verdict.reason ? `: ${verdict.reason}` : ''}\n`,
      );
    }
  }
  return exitCode;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runBenchmarks(process.argv.slice(2));
}
