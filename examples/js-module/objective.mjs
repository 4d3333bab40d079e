// A JavaScript objective: evobox imports this module once per worker thread and calls
// `evaluate(params, context)` for every evaluation. Return a number, or an object with a
// numeric `fitness` (minimised) whose other fields are recorded as extras — or a Promise
// of either. A throw or a non-finite value fails just that evaluation.

const angle = Math.PI / 6;
const cos = Math.cos(angle);
const sin = Math.sin(angle);

/** A rotated, ill-conditioned bowl with its minimum 0 at (3, -1, 0.5). */
export function evaluate({ a, b, c }) {
  const u = cos * (a - 3) - sin * (b + 1);
  const v = sin * (a - 3) + cos * (b + 1);
  const fitness = u * u + 25 * v * v + 4 * (c - 0.5) ** 2;
  return { fitness, radius: Math.hypot(a - 3, b + 1, c - 0.5) };
}
