import type { Report } from './report';
import type { BenchSettings } from './settings';

/** One benchmark module's export: bench/index.ts lists them (the benchmarks never import the list). */
export interface Benchmark {
  name: string;
  description: string;
  run(settings: BenchSettings, report: Report): Promise<void>;
}
