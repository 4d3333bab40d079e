/**
 * `npm run bench [-- <name>…]`: benchmark tables with ratios against references measured in
 * the same run. Each benchmark is a module in this folder registered below.
 */
export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

const benchmarks: Record<string, () => Promise<Benchmark>> = {};

export async function runBenchmarks(names: string[]): Promise<number> {
  const selected = names.length ? names : Object.keys(benchmarks);
  for (const name of selected) {
    const load = benchmarks[name];
    if (!load) {
      process.stderr.write(
        `unknown benchmark ${name}; available: ${Object.keys(benchmarks).join(', ') || 'none yet'}\n`,
      );
      return 2;
    }
    const bench = await load();
    process.stdout.write(`\n## ${bench.name} — ${bench.description}\n\n`);
    await bench.run();
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runBenchmarks(process.argv.slice(2));
}
