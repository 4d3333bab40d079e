/**
 * JSON encoding for plain-data strategy state. Float64Arrays and non-finite numbers do not
 * survive `JSON.stringify` as themselves, so they are tagged: `{"$f64": [...]}` and
 * `{"$num": "Infinity"}`. Decoding restores the exact values (doubles print round-trip
 * exactly in JS), so a resumed run continues bit-for-bit.
 *
 * Large arrays (a covariance matrix: n² numbers) can instead go to a binary side file: given
 * a `BinarySink`, an array of at least `minLength` numbers is appended to it and encoded as
 * `{"$f64at": [offset, length]}` (in float64s from the start of the side file). That is no
 * copy and no decimal printing (a 2 000-D CMA-ES state: ≈ 100 MB of bytes instead of a
 * 193 MB JSON string), and exact by construction.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Collects the large arrays of an encoding, in side-file order. */
export class BinarySink {
  readonly arrays: Float64Array[] = [];
  /** float64s so far: the next array's offset. */
  length = 0;

  constructor(readonly minLength = 1024) {}

  add(values: Float64Array): Json {
    const offset = this.length;
    this.arrays.push(values);
    this.length += values.length;
    return { $f64at: [offset, values.length] };
  }
}

/** Gives the side file's float64s [offset, offset + length) as a new array (decoding $f64at). */
export type BinarySource = (offset: number, length: number) => Float64Array;

function encodeNumber(value: number): Json {
  return Number.isFinite(value) ? value : { $num: String(value) };
}

export function encodeState(value: unknown, sink?: BinarySink): Json {
  if (typeof value === 'number') return encodeNumber(value);
  if (value instanceof Float64Array) {
    if (sink && value.length >= sink.minLength) return sink.add(value);
    let finite = true;
    for (const v of value) if (!Number.isFinite(v)) finite = false;
    return { $f64: finite ? Array.from(value) : Array.from(value, encodeNumber) };
  }
  if (Array.isArray(value)) return value.map((entry) => encodeState(entry, sink));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, entry] of Object.entries(value))
      if (entry !== undefined) out[key] = encodeState(entry, sink);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  throw new TypeError(`cannot encode ${typeof value} in strategy state`);
}

function decodeNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value !== null && typeof value === 'object' && '$num' in value)
    return Number((value as { $num: string }).$num);
  throw new TypeError(`expected a number in encoded state, got ${JSON.stringify(value)}`);
}

export function decodeState<T = unknown>(value: unknown, source?: BinarySource): T {
  if (Array.isArray(value)) return value.map((entry) => decodeState(entry, source)) as T;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('$f64' in record && Object.keys(record).length === 1) {
      return Float64Array.from(record.$f64 as unknown[], decodeNumber) as T;
    }
    if ('$f64at' in record && Object.keys(record).length === 1) {
      const at = record.$f64at;
      if (!Array.isArray(at) || at.length !== 2 || !at.every((v) => Number.isInteger(v) && v >= 0))
        throw new TypeError(`expected $f64at: [offset, length], got ${JSON.stringify(at)}`);
      if (!source)
        throw new TypeError('encoded state refers to a binary side file ($f64at) but none was given');
      return source(at[0] as number, at[1] as number) as T;
    }
    if ('$num' in record && Object.keys(record).length === 1) return decodeNumber(record) as T;
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(record)) out[key] = decodeState(entry, source);
    return out as T;
  }
  return value as T;
}

/** Deep copy through the codec: what a checkpoint write + read would give. */
export function roundTrip<T>(value: T): T {
  return decodeState<T>(JSON.parse(JSON.stringify(encodeState(value))));
}
