/**
 * Maps between the strategies' internal coordinates and the user's parameters.
 *
 * Every free parameter is one internal coordinate x ∈ ℝ:
 * - bounded (lower and upper given): u = boundary(x) ∈ [0, 1]. The parameter is
 *   lower + u·(upper − lower), or for `scale: "log"` 10^(log lower + u·(log upper − log lower)).
 *   One internal unit spans the whole range, so a step size of 0.2 means "20 % of the range"
 *   for every parameter whatever its units. Two boundary maps, both the identity inside the
 *   box away from its faces and both landing a sample that leaves the box inside it instead
 *   of clipping it onto the face:
 *   - `linquad` (default; pycma's BoxConstraintsLinQuadTransformation, Hansen): the identity
 *     on [a, 1 − a], quadratic on the margins of width a = 0.02 next to each face, and
 *     periodic with mirror symmetry beyond. It is smooth (C¹) everywhere, so an optimum on a
 *     face (BBOB f5, the linear slope) looks like a quadratic bowl to the strategy.
 *   - `reflect`: folds the real line onto [0, 1] like a mirror (x mod 2, and 2 − that above
 *     1): the identity on all of [0, 1], but with a kink at each face.
 * - unbounded: the parameter is x itself (log scale: 10^x).
 * - `type: "integer"`: the mapped value is rounded (and kept within bounds). Integer
 *   coordinates get a sampling standard-deviation floor (a third of one integer step in
 *   internal units) so the strategy cannot shrink below the rounding grid and freeze them.
 * - `fixed`: not a coordinate at all; always passed with its fixed value.
 * Refused rather than mapped: a range wider than the largest double (upper − lower = ∞, as
 * with ±1.7e308: every point would map to ±∞ or NaN) and an integer range holding no integer.
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

export const boundaryMaps = ['linquad', 'reflect'] as const;

export type BoundaryMap = (typeof boundaryMaps)[number];

/**
 * Width of the quadratic margin of `linquad`, in units of the range. pycma's default margin
 * is (1 + |bound|)/20 in the parameter's units, 3 % of the range on BBOB's [−5, 5]. The mean
 * drifts through mirrored copies of the box, and at each copy's face the map is flat: with
 * margins of 5 % CMA-ES needed 1.25–1.9× pycma's evaluations on BBOB f8–f11 at n = 20, with
 * 2 % 0.74–1.24× (and f5, the optimum on a face, still 1.02×).
 */
export const linQuadMargin = 0.02;

/**
 * Largest sampling standard deviation of a bounded coordinate, in units of its range (pycma's
 * `maxstd_boundrange`, 1/3). A wider distribution lands most samples outside the box, where the
 * boundary map folds them back: f then looks like noise along that coordinate, and a step-size
 * rule can keep growing σ while the mean drifts through mirrored copies of the box. Measured
 * (CMA-ES, shifted sphere in [−5, 5]², σ0 = 0.2, 300 seeds, evaluations to 1e-8): mean 262 →
 * 255 (pycma 4.4.0 itself 254), the slowest run 690 → 414 (pycma 354).
 */
export const BOUNDED_STD_DEV_CEILING = 1 / 3;

/** Where x lies in the fold's period [0, 2): [0, 1] maps onto the box forwards, (1, 2) backwards. */
function foldPhase(x: number): number {
  const y = x % 2;
  return y < 0 ? y + 2 : y;
}

/** `reflect`: folds the real line onto [0, 1] like a mirror. */
export function reflectUnit(x: number): number {
  const y = foldPhase(x);
  return y > 1 ? 2 - y : y;
}

/**
 * `linquad` before its quadratic pieces: x shifted by the period 2(1 + 2a) into
 * [−0.5 − 2a, 1.5 + 2a), then mirrored into [−a, 1 + a] (`mirrored` when that flipped it).
 */
function linQuadPhase(x: number, a: number): { y: number; mirrored: boolean } {
  const y = linQuadShift(x, a);
  if (y > 1 + a) return { y: 2 * (1 + a) - y, mirrored: true };
  if (y < -a) return { y: -2 * a - y, mirrored: true };
  return { y, mirrored: false };
}

/** linQuadPhase's shift by whole periods (alone: `linQuadUnit` runs per coordinate and evaluation). */
function linQuadShift(x: number, a: number): number {
  const period = 2 * (1 + 2 * a);
  return x - period * Math.floor((x + 0.5 + 2 * a) / period);
}

/**
 * `linquad`, pycma's BoxConstraintsLinQuadTransformation on [0, 1] with margins a: periodic and
 * mirrored into [−a, 1 + a] (see linQuadPhase), then quadratic within a of either face and the
 * identity between.
 */
export function linQuadUnit(x: number, a = linQuadMargin): number {
  // linQuadPhase's mirroring inline: no object per call on this hot path.
  let y = linQuadShift(x, a);
  if (y > 1 + a) y = 2 * (1 + a) - y;
  else if (y < -a) y = -2 * a - y;
  if (y < a) return ((y + a) * (y + a)) / (4 * a);
  if (y <= 1 - a) return y;
  return 1 - ((y - 1 - a) * (y - 1 - a)) / (4 * a);
}

/** The inverse of `linQuadUnit` on [0, 1], onto [−a, 1 + a]. */
export function linQuadUnitInverse(u: number, a = linQuadMargin): number {
  if (u < a) return -a + 2 * Math.sqrt(a * Math.max(0, u));
  if (u <= 1 - a) return u;
  return 1 + a - 2 * Math.sqrt(a * Math.max(0, 1 - u));
}

/** The boundary transform of a bounded coordinate: internal x ↦ u ∈ [0, 1] (see the header). */
export function toUnitInterval(x: number, boundary: BoundaryMap = 'linquad'): number {
  return boundary === 'reflect' ? reflectUnit(x) : linQuadUnit(x);
}

/**
 * Whether the boundary transform runs backwards at x (its slope is negative there): a
 * distribution drawn inside the box is mirrored on that axis. The renderer draws with
 * `toUnitInterval` and this, so a change of the transform changes both and the plots follow.
 */
export function unitIntervalMirrored(x: number, boundary: BoundaryMap = 'linquad'): boolean {
  return boundary === 'reflect' ? foldPhase(x) > 1 : linQuadPhase(x, linQuadMargin).mirrored;
}

export interface SearchSpaceOptions {
  /** How internal coordinates map onto a bounded range. Default `linquad`. */
  boundary?: BoundaryMap;
}

export class SearchSpace {
  readonly parameters: readonly ParameterSpec[];
  readonly boundary: BoundaryMap;
  private readonly coordinates: Coordinate[];
  /** The free parameters' names, in coordinate order. */
  private readonly coordinateNames: string[];
  /**
   * Every parameter name in declaration order, fixed ones holding their value: `toParams`
   * copies it and fills in the free values. An object built key by key with this many keys
   * becomes a dictionary in V8 (slow to fill, read and JSON.stringify); a copy of one parsed
   * from JSON keeps fast properties. Null where that does not hold (see paramsTemplate).
   */
  private readonly template: ParamValues | null;
  /** When every parameter is a bounded linear real one under `linquad` (the common large-n case): its numbers flat. */
  private readonly linearBoxes: {
    low: Float64Array;
    width: Float64Array;
    lower: Float64Array;
    upper: Float64Array;
  } | null;

  constructor(parameters: readonly ParameterSpec[], options: SearchSpaceOptions = {}) {
    this.parameters = parameters;
    this.boundary = options.boundary ?? 'linquad';
    if (!(boundaryMaps as readonly string[]).includes(this.boundary)) {
      throw new Error(
        `boundary must be one of ${boundaryMaps.join(', ')} (got ${JSON.stringify(this.boundary)})`,
      );
    }
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
      const bounded = spec.lower !== undefined && spec.upper !== undefined;
      if (bounded && spec.type === 'integer' && Math.ceil(spec.lower!) > Math.floor(spec.upper!)) {
        throw new Error(
          `${where} is an integer parameter, but [${spec.lower}, ${spec.upper}] holds no integer`,
        );
      }
      if (spec.fixed !== undefined) return;
      const low = bounded ? (log ? Math.log10(spec.lower!) : spec.lower!) : 0;
      const high = bounded ? (log ? Math.log10(spec.upper!) : spec.upper!) : 1;
      // Two finite bounds can still be further apart than the largest double (±1.7e308):
      // the map lower + u·(upper − lower) would then give ±Infinity or NaN for every u.
      if (!Number.isFinite(high - low)) {
        throw new Error(
          `${where}.upper − lower must be a finite number (got ${spec.upper} − ${spec.lower} = ${high - low}): ` +
            'narrow the range, or give neither bound for an unbounded parameter',
        );
      }
      this.coordinates.push({ spec, bounded, log, integer: spec.type === 'integer', low, width: high - low });
    });
    if (this.coordinates.length === 0)
      throw new Error('parameters must contain at least one non-fixed parameter');
    this.coordinateNames = this.coordinates.map((c) => c.spec.name);
    this.template = fixedParamsTemplate(parameters);
    const linear =
      this.boundary === 'linquad' &&
      this.coordinates.length === parameters.length &&
      this.coordinates.every((c) => c.bounded && !c.log && !c.integer);
    this.linearBoxes = linear
      ? {
          low: Float64Array.from(this.coordinates, (c) => c.low),
          width: Float64Array.from(this.coordinates, (c) => c.width),
          lower: Float64Array.from(this.coordinates, (c) => c.spec.lower!),
          upper: Float64Array.from(this.coordinates, (c) => c.spec.upper!),
        }
      : null;
  }

  /** Number of internal coordinates (free parameters). */
  get dimension(): number {
    return this.coordinates.length;
  }

  get freeNames(): string[] {
    return [...this.coordinateNames];
  }

  /** True for coordinates whose parameter has both bounds. */
  get boundedMask(): boolean[] {
    return this.coordinates.map((c) => c.bounded);
  }

  /** True for integer coordinates. */
  get integerMask(): boolean[] {
    return this.coordinates.map((c) => c.integer);
  }

  /**
   * Parameter units per internal unit inside the box, per coordinate (log10 units for log
   * scale; 1 when unbounded): what turns an internal step into the parameter's own units, as
   * pycma's tolx reads them.
   */
  coordinateScales(): Float64Array {
    return Float64Array.from(this.coordinates, (c) => (c.bounded ? c.width : 1));
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

  /**
   * Standard-deviation ceiling per coordinate: a third of the range (one internal unit) for
   * bounded parameters, as pycma's default `maxstd_boundrange`; Infinity for unbounded ones.
   */
  stdDevCeiling(): Float64Array | undefined {
    if (!this.coordinates.some((c) => c.bounded)) return undefined;
    return Float64Array.from(this.coordinates, (c) => (c.bounded ? BOUNDED_STD_DEV_CEILING : Infinity));
  }

  private toInternalValue(c: Coordinate, value: number): number {
    const t = c.log ? Math.log10(value) : value;
    return c.bounded ? this.fromUnitInterval((t - c.low) / c.width) : t;
  }

  /** Position u ∈ [0, 1] across a bounded range → internal coordinate. */
  private fromUnitInterval(u: number): number {
    return this.boundary === 'reflect' ? u : linQuadUnitInverse(u);
  }

  private toUserValue(c: Coordinate, x: number): number {
    const t = c.bounded ? c.low + toUnitInterval(x, this.boundary) * c.width : x;
    let value = c.log ? 10 ** t : t;
    if (c.bounded) value = Math.min(c.spec.upper!, Math.max(c.spec.lower!, value));
    if (c.integer) {
      value = Math.round(value);
      if (c.bounded) value = Math.min(Math.floor(c.spec.upper!), Math.max(Math.ceil(c.spec.lower!), value));
    }
    return value;
  }

  /**
   * Internal point → every parameter's user value in declaration order (fixed ones included):
   * what `toParams` names, without building an object. At large n the run loop and the
   * evaluators need only these numbers (binary journal rows, packed module chunks, built-ins),
   * so a params object is built only where something reads it (`paramsOf`). `into`: an array
   * of the parameters' length to fill instead of a new one.
   */
  toValues(x: ArrayLike<number>, into?: Float64Array): Float64Array {
    const values = into ?? new Float64Array(this.parameters.length);
    const linear = this.linearBoxes;
    if (linear) {
      // toUserValue's arithmetic for bounded linear real parameters, from flat arrays: half the
      // time at n = 10 000 (2 ms a generation of 31 instead of 4), the same doubles.
      // Inside the margins linQuadUnit is the identity (its shift is 0): skipped there.
      const { low, width, lower, upper } = linear;
      const inner = 1 - linQuadMargin;
      for (let k = 0; k < values.length; k++) {
        const xk = x[k];
        const u = xk >= linQuadMargin && xk <= inner ? xk : linQuadUnit(xk);
        values[k] = Math.min(upper[k], Math.max(lower[k], low[k] + u * width[k]));
      }
      return values;
    }
    let k = 0;
    for (let i = 0; i < this.parameters.length; i++) {
      const fixed = this.parameters[i].fixed;
      values[i] = fixed !== undefined ? fixed : this.toUserValue(this.coordinates[k], x[k++]);
    }
    return values;
  }

  /** `toValues`' numbers as named parameters: the same object `toParams` builds from that point. */
  paramsOf(values: ArrayLike<number>): ParamValues {
    const parameters = this.parameters;
    if (this.template) {
      const out = { ...this.template };
      for (let i = 0; i < parameters.length; i++) out[parameters[i].name] = values[i];
      return out;
    }
    const out: ParamValues = {};
    for (let i = 0; i < parameters.length; i++) out[parameters[i].name] = values[i];
    return out;
  }

  /** Internal point → named user parameters (fixed ones included, in declaration order). */
  toParams(x: ArrayLike<number>): ParamValues {
    if (this.template) {
      const out = { ...this.template };
      const names = this.coordinateNames;
      for (let k = 0; k < names.length; k++) out[names[k]] = this.toUserValue(this.coordinates[k], x[k]);
      return out;
    }
    const out: ParamValues = {};
    let k = 0;
    for (const spec of this.parameters) {
      if (spec.fixed !== undefined) out[spec.name] = spec.fixed;
      else out[spec.name] = this.toUserValue(this.coordinates[k], x[k++]);
    }
    return out;
  }

  /** Internal point → the free parameters' user values, in coordinate order (`freeNames`). */
  toFreeValues(x: ArrayLike<number>): number[] {
    // A loop, not map: the array has the same elements kind in every tier (see Optimizer.tell).
    const values = new Array<number>(this.coordinates.length);
    for (let k = 0; k < values.length; k++) values[k] = this.toUserValue(this.coordinates[k], x[k]);
    return values;
  }

  /** User parameters → internal point (the inverse of toParams inside the box). */
  toInternal(params: ParamValues): Float64Array {
    return Float64Array.from(this.coordinates, (c) => {
      const value = params[c.spec.name];
      if (value === undefined) throw new Error(`missing value for parameter ${c.spec.name}`);
      return this.toInternalValue(c, value);
    });
  }

  /**
   * A restart point: uniform over the central 80 % of the range for bounded coordinates (as
   * pycma's BBOB set-up draws x0 ~ U[−4, 4] in [−5, 5]: a restart that starts on a face
   * wastes its first generations finding the way in), `fallback` for unbounded ones.
   */
  randomStart(uniform: () => number, fallback: Float64Array): Float64Array {
    return Float64Array.from(this.coordinates, (c, i) =>
      c.bounded ? this.fromUnitInterval(0.1 + 0.8 * uniform()) : fallback[i],
    );
  }
}

/** Up to this many parameters a copied template keeps fast properties (V8; measured 100 yes, 500 no). */
const maxTemplateParameters = 128;

/**
 * An object with every name (in this order) set to 0, for building params objects by copying
 * it and assigning the values; or null when a copy would not give the same object as assigning
 * key by key: too many keys, repeated names, names JavaScript orders or treats differently
 * (array indices come first, `__proto__` and other inherited names).
 */
export function paramsTemplate(names: readonly string[]): ParamValues | null {
  if (names.length > maxTemplateParameters) return null;
  const plain = (name: string) => /^[A-Za-z_$][\w$.-]*$/.test(name) && !(name in Object.prototype);
  if (new Set(names).size !== names.length || !names.every(plain)) return null;
  return JSON.parse(`{${names.map((name) => `${JSON.stringify(name)}:0`).join(',')}}`) as ParamValues;
}

/** `paramsTemplate` of the parameters with the fixed ones' values set on it (a store keeps the shape). */
function fixedParamsTemplate(parameters: readonly ParameterSpec[]): ParamValues | null {
  const template = paramsTemplate(parameters.map((p) => p.name));
  if (template) for (const p of parameters) if (p.fixed !== undefined) template[p.name] = p.fixed;
  return template;
}
