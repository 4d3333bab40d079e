/**
 * Maps between the strategies' internal coordinates and the user's parameters.
 *
 * Every free parameter is one internal coordinate x ∈ ℝ:
 * - bounded (lower and upper given): u = reflect(x) ∈ [0, 1], where reflect folds the real
 *   line onto [0, 1] like a mirror (x mod 2, and 2 − that above 1). The parameter is
 *   lower + u·(upper − lower), or for `scale: "log"` 10^(log lower + u·(log upper − log lower)).
 *   One internal unit spans the whole range, so a step size of 0.3 means "30 % of the range"
 *   for every parameter whatever its units. Reflection keeps the map continuous and
 *   identity-like inside the box (no distortion near the optimum, unlike a sigmoid), and a
 *   sample that leaves the box lands inside, mirrored, instead of being clipped onto the
 *   boundary.
 * - unbounded: the parameter is x itself (log scale: 10^x).
 * - `type: "integer"`: the mapped value is rounded (and kept within bounds). Integer
 *   coordinates get a sampling standard-deviation floor (a third of one integer step in
 *   internal units) so the strategy cannot shrink below the rounding grid and freeze them.
 * - `fixed`: not a coordinate at all; always passed with its fixed value.
 */
import type { ParameterSpec } from '../problem/schema';

// One parameter as the problem file writes it: the shape is the problem model's
// (engine/problem/schema.ts); the rules between its fields are checked here.
export type { ParameterSpec };

export type ParamValues = Record<string, number>;

interface Coordinate {
  spec: ParameterSpec;
  bounded: boolean;
  log: boolean;
  integer: boolean;
  /** Range in transformed units (log10 for log scale). */
  low: number;
  width: number;
}

/** Where x lies in the fold's period [0, 2): [0, 1] maps onto the box forwards, (1, 2) backwards. */
function foldPhase(x: number): number {
  const y = x % 2;
  return y < 0 ? y + 2 : y;
}

/** The boundary transform of a bounded coordinate: internal x ↦ u ∈ [0, 1] (see the header). */
export function reflectUnit(x: number): number {
  const y = foldPhase(x);
  return y > 1 ? 2 - y : y;
}

/**
 * Whether `reflectUnit` runs backwards at x (its slope is negative there): a distribution
 * drawn inside the box is mirrored on that axis. The renderer draws with these two functions,
 * so a change of the boundary transform changes both here and the plots follow.
 */
export function reflectUnitMirrored(x: number): boolean {
  return foldPhase(x) > 1;
}

export class SearchSpace {
  readonly parameters: readonly ParameterSpec[];
  private readonly coordinates: Coordinate[];

  constructor(parameters: readonly ParameterSpec[]) {
    this.parameters = parameters;
    this.coordinates = [];
    parameters.forEach((spec, index) => {
      const where = `parameters[${index}] (${spec.name})`;
      const log = spec.scale === 'log';
      if (spec.lower !== undefined && spec.upper !== undefined && !(spec.lower < spec.upper)) {
        throw new Error(`${where}.lower must be < upper (got ${spec.lower} ≥ ${spec.upper})`);
      }
      if (
        log &&
        ((spec.lower !== undefined && spec.lower <= 0) || (spec.upper !== undefined && spec.upper <= 0))
      ) {
        throw new Error(`${where} has scale "log", so lower and upper must be > 0`);
      }
      if ((spec.lower === undefined) !== (spec.upper === undefined)) {
        throw new Error(`${where} needs both lower and upper, or neither`);
      }
      for (const key of ['init', 'fixed'] as const) {
        const value = spec[key];
        if (value === undefined) continue;
        if (
          (spec.lower !== undefined && value < spec.lower) ||
          (spec.upper !== undefined && value > spec.upper)
        ) {
          throw new Error(`${where}.${key} must lie within [lower, upper] (got ${value})`);
        }
        if (log && value <= 0) throw new Error(`${where}.${key} must be > 0 on a log scale (got ${value})`);
      }
      if (spec.fixed !== undefined) return;
      const bounded = spec.lower !== undefined && spec.upper !== undefined;
      const low = bounded ? (log ? Math.log10(spec.lower!) : spec.lower!) : 0;
      const high = bounded ? (log ? Math.log10(spec.upper!) : spec.upper!) : 1;
      this.coordinates.push({ spec, bounded, log, integer: spec.type === 'integer', low, width: high - low });
    });
    if (this.coordinates.length === 0)
      throw new Error('parameters must contain at least one non-fixed parameter');
  }

  /** Number of internal coordinates (free parameters). */
  get dimension(): number {
    return this.coordinates.length;
  }

  get freeNames(): string[] {
    return this.coordinates.map((c) => c.spec.name);
  }

  /** True for coordinates whose parameter has both bounds. */
  get boundedMask(): boolean[] {
    return this.coordinates.map((c) => c.bounded);
  }

  /** Internal start point: `init` where given, else the middle of the range (0 when unbounded). */
  start(): Float64Array {
    return Float64Array.from(this.coordinates, (c) =>
      c.spec.init !== undefined ? this.toInternalValue(c, c.spec.init) : c.bounded ? 0.5 : 0,
    );
  }

  /** Standard-deviation floor per coordinate: non-zero for integer parameters. */
  stdDevFloor(): Float64Array | undefined {
    if (!this.coordinates.some((c) => c.integer)) return undefined;
    return Float64Array.from(this.coordinates, (c) =>
      c.integer ? (c.bounded && !c.log ? 1 / (3 * (c.width + 1)) : 1 / 3) : 0,
    );
  }

  private toInternalValue(c: Coordinate, value: number): number {
    const t = c.log ? Math.log10(value) : value;
    return c.bounded ? (t - c.low) / c.width : t;
  }

  private toUserValue(c: Coordinate, x: number): number {
    const t = c.bounded ? c.low + reflectUnit(x) * c.width : x;
    let value = c.log ? 10 ** t : t;
    if (c.bounded) value = Math.min(c.spec.upper!, Math.max(c.spec.lower!, value));
    if (c.integer) {
      value = Math.round(value);
      if (c.bounded) value = Math.min(Math.floor(c.spec.upper!), Math.max(Math.ceil(c.spec.lower!), value));
    }
    return value;
  }

  /** Internal point → named user parameters (fixed ones included, in declaration order). */
  toParams(x: ArrayLike<number>): ParamValues {
    const out: ParamValues = {};
    let k = 0;
    for (const spec of this.parameters) {
      if (spec.fixed !== undefined) out[spec.name] = spec.fixed;
      else out[spec.name] = this.toUserValue(this.coordinates[k], x[k++]);
    }
    return out;
  }

  /** User parameters → internal point (the inverse of toParams inside the box). */
  toInternal(params: ParamValues): Float64Array {
    return Float64Array.from(this.coordinates, (c) => {
      const value = params[c.spec.name];
      if (value === undefined) throw new Error(`missing value for parameter ${c.spec.name}`);
      return this.toInternalValue(c, value);
    });
  }

  /** A uniformly random internal point: inside the box for bounded coordinates, `start` otherwise. */
  randomStart(uniform: () => number, fallback: Float64Array): Float64Array {
    return Float64Array.from(this.coordinates, (c, i) => (c.bounded ? uniform() : fallback[i]));
  }
}
