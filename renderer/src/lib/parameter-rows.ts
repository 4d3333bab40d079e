/**
 * The parameter table's view model: rows hold what the user typed (strings), and each row
 * is checked as it is edited so the message sits next to the field at fault. The rules are
 * those of the engine's problem schema and search space (engine/core/search-space.ts); the
 * whole table is finally checked by the search space itself so nothing slips through.
 */
import { SearchSpace, type ParameterSpec } from '../../../engine/core/search-space';
import type { ParameterRow } from '../../../electron/ipc-contract';
import { problemLimits, reservedNameMessage, reservedNames } from '../../../engine/problem/schema';

export interface ParameterRowText {
  name: string;
  lower: string;
  upper: string;
  init: string;
  log: boolean;
  integer: boolean;
  /** Kept from the file so a round trip does not lose it; not editable in the table. */
  fixed?: number;
}

export type RowField = 'name' | 'lower' | 'upper' | 'init';

export interface RowCheck {
  spec: ParameterRow | null;
  /** Message per field; empty when the row is valid. */
  errors: Partial<Record<RowField, string>>;
}

const NAME = new RegExp(problemLimits.parameterName.pattern);

export function rowFromSpec(spec: ParameterRow): ParameterRowText {
  const text = (value: number | undefined) => (value === undefined ? '' : String(value));
  return {
    name: spec.name,
    lower: text(spec.lower),
    upper: text(spec.upper),
    init: text(spec.init),
    log: spec.scale === 'log',
    integer: spec.type === 'integer',
    ...(spec.fixed !== undefined ? { fixed: spec.fixed } : {}),
  };
}

export function emptyRow(existing: readonly ParameterRowText[]): ParameterRowText {
  const names = new Set(existing.map((r) => r.name));
  let k = existing.length + 1;
  while (names.has(`x${k}`)) k++;
  return { name: `x${k}`, lower: '-1', upper: '1', init: '', log: false, integer: false };
}

/** Parses a number field: '' is absent, anything else must be a finite number. */
function parseNumber(text: string): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `expected a number (got ${JSON.stringify(trimmed)})` };
  return { value };
}

/** Checks one row on its own (duplicate names are checked across rows by `checkRows`). */
export function checkRow(row: ParameterRowText): RowCheck {
  const errors: RowCheck['errors'] = {};
  const name = row.name.trim();
  if (!name) errors.name = 'name is required';
  else if (!NAME.test(name)) errors.name = 'use letters, digits, _ . - (not starting with a digit)';
  else if (reservedNames.has(name)) errors.name = reservedNameMessage(name);

  const lower = parseNumber(row.lower);
  const upper = parseNumber(row.upper);
  const init = parseNumber(row.init);
  if (lower.error) errors.lower = lower.error;
  if (upper.error) errors.upper = upper.error;
  if (init.error) errors.init = init.error;

  if (!errors.lower && !errors.upper) {
    if ((lower.value === undefined) !== (upper.value === undefined)) {
      errors[lower.value === undefined ? 'lower' : 'upper'] = 'give both lower and upper, or neither';
    } else if (lower.value !== undefined && upper.value !== undefined && !(lower.value < upper.value)) {
      errors.lower = `lower must be < upper (got ${lower.value} ≥ ${upper.value})`;
    }
  }
  if (row.log && !errors.lower && lower.value !== undefined && lower.value <= 0) {
    errors.lower = `log scale needs lower > 0 (got ${lower.value})`;
  }
  if (row.log && !errors.upper && upper.value !== undefined && upper.value <= 0) {
    errors.upper = `log scale needs upper > 0 (got ${upper.value})`;
  }
  if (!errors.init && init.value !== undefined) {
    if (!errors.lower && !errors.upper && lower.value !== undefined && upper.value !== undefined) {
      if (init.value < lower.value || init.value > upper.value) {
        errors.init = `init must lie within [${lower.value}, ${upper.value}] (got ${init.value})`;
      }
    }
    if (!errors.init && row.log && init.value <= 0)
      errors.init = `log scale needs init > 0 (got ${init.value})`;
  }
  if (Object.keys(errors).length > 0) return { spec: null, errors };
  const spec: ParameterRow = { name };
  if (lower.value !== undefined) spec.lower = lower.value;
  if (upper.value !== undefined) spec.upper = upper.value;
  if (row.log) spec.scale = 'log';
  if (row.integer) spec.type = 'integer';
  if (init.value !== undefined) spec.init = init.value;
  if (row.fixed !== undefined) spec.fixed = row.fixed;
  return { spec, errors };
}

export interface TableCheck {
  rows: RowCheck[];
  /** The specs when every row is valid, else null. */
  specs: ParameterRow[] | null;
  /** Problems of the table as a whole (no rows, or the search space's own verdict). */
  tableError?: string;
  /** Number of rows with at least one message. */
  invalidRows: number;
}

export function checkRows(rows: readonly ParameterRowText[]): TableCheck {
  const checks = rows.map(checkRow);
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const name = row.name.trim();
    if (!name || checks[index].errors.name) return;
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, index);
      return;
    }
    checks[index] = {
      spec: null,
      errors: { ...checks[index].errors, name: `duplicate name (row ${first + 1})` },
    };
  });
  const invalidRows = checks.filter((c) => Object.keys(c.errors).length > 0).length;
  if (rows.length === 0)
    return { rows: checks, specs: null, tableError: 'add at least one parameter', invalidRows };
  if (invalidRows > 0) return { rows: checks, specs: null, invalidRows };
  const specs = checks.map((c) => c.spec!);
  try {
    new SearchSpace(specs as ParameterSpec[]);
  } catch (error) {
    return { rows: checks, specs: null, tableError: (error as Error).message, invalidRows };
  }
  return { rows: checks, specs, invalidRows };
}
