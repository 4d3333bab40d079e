/**
 * Per-strategy settings for the registry-wide contract test: the options and evaluation
 * budget with which the strategy must take a seeded 10-D sphere (unbounded, started at 1 in
 * every coordinate) to f < 1e-8. Strategies not listed use the defaults below.
 * A strategy that needs a very large budget here is telling its users something: say so
 * in its summary.
 */
export interface ContractSettings {
  options?: Record<string, unknown>;
  budget: number;
}

export const defaultContractSettings: ContractSettings = { budget: 20_000 };

export const contractSettings: Record<string, ContractSettings> = {
  // Measured medians over seeds 1–5 with default options: 1780, 5430, 1760, 5840, 3540 evaluations.
  'openai-es': { budget: 3_000 },
  xnes: { budget: 8_000 },
  snes: { budget: 3_000 },
  'learned-sigma': { budget: 9_000 },
  reinforce: { budget: 5_500 },
};
