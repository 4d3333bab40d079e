/**
 * JSON encoding for plain-data strategy state. Float64Arrays and non-finite numbers do not
 * survive `JSON.stringify` as themselves, so they are tagged: `{"$f64": [...]}` and
 * `{"$num": "Infinity"}`. Decoding restores the exact values (doubles print round-trip
 * exactly in JS), so a resumed run continues bit-for-bit.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function encodeNumber(value: number): Json {
  return Number.isFinite(value) ? value : { $num: String(value) };
}

export function encodeState(value: unknown): Json {
  if (typeof value === 'number') return encodeNumber(value);
  if (value instanceof Float64Array) {
    let finite = true;
    for (const v of value) if (!Number.isFinite(v)) finite = false;
    return { $f64: finite ? Array.from(value) : Array.from(value, encodeNumber) };
  }
  if (Array.isArray(value)) return value.map(encodeState);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, entry] of Object.entries(value)) if (entry !== undefined) out[key] = encodeState(entry);
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

export function decodeState<T = unknown>(value: unknown): T {
  if (Array.isArray(value)) return value.map((entry) => decodeState(entry)) as T;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('$f64' in record && Object.keys(record).length === 1) {
      return Float64Array.from(record.$f64 as unknown[], decodeNumber) as T;
    }
    if ('$num' in record && Object.keys(record).length === 1) return decodeNumber(record) as T;
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(record)) out[key] = decodeState(entry);
    return out as T;
  }
  return value as T;
}

/** Deep copy through the codec: what a checkpoint write + read would give. */
export function roundTrip<T>(value: T): T {
  return decodeState<T>(JSON.parse(JSON.stringify(encodeState(value))));
}
