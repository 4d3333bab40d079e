/**
 * Settings shared by every benchmark, from the command line (`npm run bench -- --quick`) or
 * the environment (EVOBOX_BENCH_QUICK=1, for `evobox bench` whose argument parser knows no
 * such flags).
 *
 * - `--quick` / EVOBOX_BENCH_QUICK=1: smaller sizes and fewer repetitions, for a smoke run.
 *   Quick runs use fewer seeds than the targets ask for, so their quality verdicts are
 *   marked as such.
 * - `--save` / EVOBOX_BENCH_SAVE=1: also write bench/results/<name>.md (machine and date on top).
 * - `--seeds=N` / EVOBOX_BENCH_SEEDS=N: seeds per search-quality case (default 15).
 * - PYCMA_PATH: a pycma checkout; when set, pycma runs in the same bench for the ratios.
 */
export interface BenchSettings {
  quick: boolean;
  save: boolean;
  seeds: number;
  pycmaPath: string | null;
}

function flagValue(flags: string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return flags.find((f) => f.startsWith(prefix))?.slice(prefix.length);
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function parseSettings(flags: string[], env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = flags.includes('--quick') || truthy(env.EVOBOX_BENCH_QUICK);
  const seedsText = flagValue(flags, 'seeds') ?? env.EVOBOX_BENCH_SEEDS;
  const seeds = seedsText === undefined ? (quick ? 5 : 15) : Number(seedsText);
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw new Error(`--seeds (or EVOBOX_BENCH_SEEDS) must be a positive integer (got ${seedsText})`);
  }
  return {
    quick,
    save: flags.includes('--save') || truthy(env.EVOBOX_BENCH_SAVE),
    seeds,
    pycmaPath: env.PYCMA_PATH ? env.PYCMA_PATH : null,
  };
}

/** Flags are the arguments starting with `--`; the rest name benchmarks. */
export function splitArguments(args: string[]): { names: string[]; flags: string[] } {
  return {
    names: args.filter((a) => !a.startsWith('--')),
    flags: args.filter((a) => a.startsWith('--')),
  };
}
