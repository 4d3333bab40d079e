/**
 * Turns a program's output into a fitness. By default the last non-empty line of stdout
 * is either a plain number or a JSON object `{"fitness": number, …extras}`; alternatively a
 * regular expression with one capture group picks the number out of the text. Anything
 * else — no output, text, NaN, ±Infinity — is a failure with a short reason.
 */
export type ParsedResult = { fitness: number; extras?: Record<string, unknown> } | { error: string };

const decimalPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const nanPattern = /^[+-]?nan$/i;
const infinityPattern = /^[+-]?(?:inf|infinity)$/i;

function excerpt(text: string, limit = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > limit ? `${oneLine.slice(0, limit)}…` : oneLine);
}

export function parseNumber(text: string, what = 'output'): ParsedResult {
  const trimmed = text.trim();
  if (decimalPattern.test(trimmed)) {
    const value = Number(trimmed);
    // Overflowing literals such as 1e999 parse to Infinity.
    if (Number.isFinite(value)) return { fitness: value };
    return { error: `${what} is not finite: ${excerpt(trimmed)}` };
  }
  if (nanPattern.test(trimmed)) return { error: `${what} is NaN` };
  if (infinityPattern.test(trimmed)) return { error: `${what} is infinite: ${excerpt(trimmed)}` };
  return { error: `${what} is not a number: ${excerpt(trimmed)}` };
}

/** A number, or a JSON object with a numeric `fitness` (other fields become extras). */
export function parseResultLine(line: string, what = 'output'): ParsedResult {
  const trimmed = line.trim();
  if (trimmed.startsWith('[')) return parseVectorLine(trimmed, what);
  if (!trimmed.startsWith('{')) return parseNumber(trimmed, what);
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    // Python's json.dumps writes NaN/Infinity, which are not JSON.
    if (/:\s*-?(?:NaN|Infinity)\b/.test(trimmed))
      return { error: `${what} has a non-finite fitness: ${excerpt(trimmed)}` };
    return { error: `${what} is not valid JSON: ${excerpt(trimmed)}` };
  }
  return parseResultObject(value, what);
}

/** `{fitness, error?, …extras}` from a JSON reply or a JS objective's return value. */
export function parseResultObject(value: unknown, what = 'result'): ParsedResult {
  const vector = vectorAnswer(value, what);
  if (vector) return vector;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { fitness: value } : { error: `${what} is ${value}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      error: `${what} must be a number or an object with a numeric "fitness" (got ${excerpt(String(value))})`,
    };
  }
  const record = value as Record<string, unknown>;
  const { fitness, error } = record;
  if (typeof error === 'string' && error !== '') return { error: `${what} reports an error: ${error}` };
  if (typeof fitness !== 'number') {
    return {
      error: `${what} has no numeric "fitness" field (got ${excerpt(JSON.stringify(fitness) ?? 'undefined')})`,
    };
  }
  if (!Number.isFinite(fitness)) return { error: `${what} fitness is ${fitness}` };
  // Extras are everything but fitness, error and id; the common reply has none, so no copy is made.
  let extras: Record<string, unknown> | undefined;
  for (const key in record) {
    if (key === 'fitness' || key === 'error' || key === 'id' || !Object.hasOwn(record, key)) continue;
    (extras ??= {})[key] = record[key];
  }
  return extras ? { fitness, extras } : { fitness };
}

/**
 * A black box for `evobox train` answers a vector y, not a fitness: `{"y": [..]}` or a bare
 * JSON array. It comes back as extras `{ y }` with fitness NaN, which an optimisation run
 * counts as failed (a vector has no order), and which engine/node/train reads.
 */
function vectorAnswer(value: unknown, what: string): ParsedResult | undefined {
  let y: unknown;
  if (Array.isArray(value)) y = value;
  else if (value !== null && typeof value === 'object' && !('fitness' in value) && 'y' in value) {
    const record = value as Record<string, unknown>;
    if (typeof record.error === 'string' && record.error !== '') return undefined;
    y = record.y;
  } else return undefined;
  // A batched answer (rows per item, a failed item as null or {"error"}): engine/node/train checks each row.
  if (Array.isArray(y) && y.some((row) => Array.isArray(row) || row === null || typeof row === 'object'))
    return { fitness: Number.NaN, extras: { y } };
  if (!Array.isArray(y) || !y.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return { error: `${what} "y" must be an array of finite numbers (got ${excerpt(JSON.stringify(y))})` };
  return { fitness: Number.NaN, extras: { y } };
}

function parseVectorLine(trimmed: string, what: string): ParsedResult {
  try {
    return parseResultObject(JSON.parse(trimmed), what);
  } catch {
    return { error: `${what} is not a valid JSON array: ${excerpt(trimmed)}` };
  }
}

/** The last non-empty line of a text, or undefined. */
export function lastNonEmptyLine(text: string): string | undefined {
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    if (line.trim() !== '') return line;
    end = start - 1;
  }
  return undefined;
}

/** Compiles a result regex; it must have at least one capture group. */
export function compileResultRegex(source: string): RegExp {
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'gm');
  } catch (error) {
    throw new Error(`objective.result.regex is not a valid regular expression: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  if (groups < 1)
    throw new Error(`objective.result.regex must have one capture group (got ${JSON.stringify(source)})`);
  return regex;
}

/** The fitness from a whole output text, by regex (last match wins) or by its last non-empty line. */
export function parseOutput(text: string, regex: RegExp | undefined, what = 'stdout'): ParsedResult {
  if (regex) {
    let last: RegExpExecArray | undefined;
    for (const match of text.matchAll(regex)) last = match;
    if (!last) return { error: `result.regex ${regex.source} did not match ${what}` };
    const captured = last.slice(1).find((group) => group !== undefined);
    if (captured === undefined)
      return { error: `result.regex ${regex.source} matched ${what} but captured nothing` };
    return parseNumber(captured, `value captured from ${what}`);
  }
  const line = lastNonEmptyLine(text);
  if (line === undefined)
    return { error: `no output on ${what} (expected a number or a JSON object on the last line)` };
  return parseResultLine(line, `last line of ${what}`);
}
