/**
 * The limits the problem schema (schema.ts) enforces, as plain data: the renderer checks its
 * form fields against them and the backend publishes them (JSON-safe: patterns are
 * regular-expression sources). Kept apart from the schema so that what needs only these
 * numbers (the launcher's guess of a run's pool, node/cli/prestart.ts) loads no zod.
 */
export const problemLimits = {
  name: {
    pattern: '^[A-Za-z0-9_.-]+$',
    maxLength: 200,
    message: 'expected letters, digits, _ . - (it names the run folder)',
  },
  parameterName: {
    pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
    maxLength: 200,
    message: 'expected a name of letters, digits, _ . - (not starting with a digit)',
  },
  description: { maxLength: 10_000 },
  parameters: { max: 10_000 },
  seed: { integer: true, min: 0 },
  workers: { integer: true, min: 1, max: 256 },
  budgetEvaluations: { integer: true, exclusiveMin: 0 },
  budgetSeconds: { exclusiveMin: 0 },
} as const;

export type ProblemLimits = typeof problemLimits;

/** What a problem file that leaves these out gets. */
export const problemDefaults = { strategy: 'cma-es', seed: 1, workers: 1 } as const;
