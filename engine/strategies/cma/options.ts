/**
 * Option specifications that the full and the diagonal CMA-ES share word for word (the
 * listings and the GUI form are generated from them).
 */
import type { OptionSpec } from '../../core/strategy';
import { defaultPopulationSize } from './parameters';

export const populationSizeOption = {
  default: 6,
  dimensionDefault: defaultPopulationSize,
  defaultText: '4 + floor(3 ln n)',
  integer: true,
  min: 2,
  description: 'candidates per generation λ; the best μ = ⌊λ/2⌋ are recombined into the new mean',
} satisfies OptionSpec;

export const stepSizeOption = {
  // A fifth of the range, as σ₀ = 2 on [−5, 5] in pycma's BBOB set-up (COCO f21 at n = 2 was
  // solved in 1 of 5 instances with 0.3, in 4 of 5 with 0.2).
  default: 0.2,
  min: 1e-12,
  description: "initial step size σ₀ in internal units (one unit spans a bounded parameter's whole range)",
} satisfies OptionSpec;
