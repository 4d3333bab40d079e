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
  // Measured over seeds 1–5 (median, max): sa-sgd 2849, 3859; finite-difference 170, 170;
  // one-plus-one-es 729, 735; simulated-annealing 2124, 2184; lgso 310, 360.
  'sa-sgd': { budget: 7_000 },
  'finite-difference': { budget: 500 },
  // SPSA evaluates only θ ± c_k·Δ, never θ itself, so f < 1e-8 needs c_k·√n < 1e-4: a
  // perturbation far below the default (which suits noisy objectives). Median 2864, max 3442.
  spsa: { options: { perturbation: 1e-6 }, budget: 7_000 },
  'one-plus-one-es': { budget: 1_500 },
  'simulated-annealing': { budget: 4_000 },
  lgso: { budget: 1_000 },
};
