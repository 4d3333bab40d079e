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

export const contractSettings: Record<string, ContractSettings> = {};
