/**
 * The strategy contract (after evosax): four verbs over plain, structured-cloneable state.
 * A strategy works in the search space's internal coordinates (see search-space.ts),
 * minimises, never sees workers, files or parameter names, and draws randomness only from
 * the generator it is handed.
 */
import type { Rng } from './rng';

export type OptionValue = number | boolean | string;

export interface OptionSpec {
  /** Default value; for dimension-dependent defaults see `dimensionDefault`. */
  default: OptionValue;
  /** Default as a function of the problem dimension n (e.g. population 4 + ⌊3 ln n⌋). */
  dimensionDefault?: (dimension: number) => OptionValue;
  /** How the dimension-dependent default is computed, for listings ("4 + floor(3 ln n)"). */
  defaultText?: string;
  min?: number;
  max?: number;
  integer?: boolean;
  choices?: readonly string[];
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type ResolvedOptions<S extends OptionSpecs> = {
  [K in keyof S]: S[K]['default'] extends number
    ? number
    : S[K]['default'] extends boolean
      ? boolean
      : string;
};

/** Shared inputs every strategy's init receives besides its own options. */
export interface InitContext {
  /**
   * Lower bound on the sampling standard deviation per coordinate (internal units).
   * Non-zero for integer parameters so their rounded values keep moving.
   */
  stdDevFloor?: Float64Array;
  /**
   * Upper bound on the sampling standard deviation per coordinate (internal units, Infinity =
   * none): a third of the range for bounded parameters (pycma's `maxstd_boundrange`), beyond
   * which the boundary map folds most samples back into the box.
   */
  stdDevCeiling?: Float64Array;
}

export interface Distribution {
  mean: Float64Array;
  /** Full covariance, row-major n×n, already multiplied by stepSize². */
  covariance?: Float64Array;
  /** Per-coordinate standard deviations (stepSize included) when there is no full covariance. */
  stdDevs?: Float64Array;
  /** Global step size σ (1 for strategies without one). */
  stepSize: number;
  /**
   * Lengths of the principal axes, √eigenvalues of the covariance (σ included), when the
   * strategy has them at hand (CMA-ES's D from its last eigendecomposition); for the plots.
   */
  axisLengths?: Float64Array;
  /**
   * σ·p_c, the evolution path of the covariance scaled by the step size (CMA-ES family):
   * with the standard deviations it decides `tol-x` as pycma's tolx does.
   */
  scaledEvolutionPath?: Float64Array;
}

export type Metrics = Record<string, number>;

export interface AskResult<State> {
  candidates: Float64Array[];
  state: State;
}

export interface TellResult<State> {
  state: State;
  metrics: Metrics;
}

/** What a listing shows of an algorithm with options (a strategy, a trainer). */
export interface Catalogued {
  id: string;
  title: string;
  summary: string;
  /** Source paper / document, shown in listings. */
  reference?: string;
  options: OptionSpecs;
}

export interface Strategy<
  State = unknown,
  Options extends Record<string, OptionValue> = Record<string, OptionValue>,
> extends Catalogued {
  /** Name of the option holding the population size, if any: IPOP/BIPOP restarts scale it. */
  populationOption?: string;
  init(rng: Rng, start: Float64Array, options: Options, context?: InitContext): State;
  /**
   * The next generation's candidates. `spare`, when given, holds candidate vectors of an
   * earlier generation that the caller no longer reads (the optimizer passes the last told
   * generation's): a strategy may overwrite and return them instead of allocating new ones.
   * At n in the thousands, fresh memory costs more than the arithmetic that fills it.
   */
  ask(rng: Rng, state: State, spare?: readonly Float64Array[]): AskResult<State>;
  /**
   * `candidates` are the vectors the last ask returned, unmodified (strategies may keep what
   * they drew alongside them, as CMA-ES keeps z_k); `fitness[i]` belongs to `candidates[i]`,
   * always finite (the step wrapper replaces failures).
   * Returns a new state and leaves `state` as it was. `spare`, when given, is an earlier state
   * of the same run that the caller no longer reads (the optimizer passes the state its
   * previous tell was given): a strategy may write the new state into its arrays, as far as
   * they are not also arrays of `state`.
   */
  tell(state: State, candidates: Float64Array[], fitness: Float64Array, spare?: State): TellResult<State>;
  distribution(state: State): Distribution;
  /** Strategy-internal stop condition (e.g. numerical trouble), named like the run's stop reasons. */
  shouldStop?(state: State): string | undefined;
  /**
   * A state read back from a checkpoint in the form this version keeps (a checkpoint written by
   * an earlier version may hold a field in an older layout); the same state when it already is.
   */
  revive?(state: State): State;
}

/** Identity helper that keeps the literal types of a strategy definition. */
export function defineStrategy<State, Options extends Record<string, OptionValue>>(
  strategy: Strategy<State, Options>,
): Strategy<State, Options> {
  return strategy;
}

export function defaultOptions(specs: OptionSpecs, dimension: number): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = spec.dimensionDefault ? spec.dimensionDefault(dimension) : spec.default;
  }
  return out;
}

export class OptionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'OptionError';
  }
}

/**
 * Merges user options over the defaults for `dimension` and checks each against its spec.
 * Errors name the field, e.g. `strategy.options.populationSize must be ≥ 2 (got 1)`.
 */
export function resolveOptions(
  specs: OptionSpecs,
  dimension: number,
  given: Record<string, unknown> = {},
  fieldPrefix = 'strategy.options',
): Record<string, OptionValue> {
  const resolved = defaultOptions(specs, dimension);
  for (const [name, value] of Object.entries(given)) {
    const field = `${fieldPrefix}.${name}`;
    // Own keys only: `constructor` or `toString` must not find Object.prototype's.
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs).join(', ') || 'none';
      throw new OptionError(field, `is not an option of this strategy (unknown option; options: ${known})`);
    }
    const spec = specs[name];
    if (value === null || value === undefined) continue;
    const expected = typeof spec.default;
    if (typeof value !== expected) {
      throw new OptionError(field, `must be a ${expected} (got ${JSON.stringify(value)})`);
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new OptionError(field, `must be a finite number (got ${value})`);
      if (spec.integer && !Number.isInteger(value))
        throw new OptionError(field, `must be an integer (got ${value})`);
      if (spec.min !== undefined && value < spec.min)
        throw new OptionError(field, `must be ≥ ${spec.min} (got ${value})`);
      if (spec.max !== undefined && value > spec.max)
        throw new OptionError(field, `must be ≤ ${spec.max} (got ${value})`);
    }
    if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
      throw new OptionError(
        field,
        `must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`,
      );
    }
    resolved[name] = value as OptionValue;
  }
  return resolved;
}
