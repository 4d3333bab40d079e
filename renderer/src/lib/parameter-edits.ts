/**
 * Edits of the parameter table that touch more than one row or the objective: renaming a
 * parameter together with its `{placeholder}`, adding many rows, pasting a table, setting
 * a built-in's dimension. Pure functions over the table's text rows.
 */
import { emptyRow, type ParameterRowText } from './parameter-rows';

export interface Renamed {
  objective: Record<string, unknown>;
  /** Where `{from}` was replaced, e.g. "args[1]", "env.SEED". */
  places: string[];
}

/**
 * Replaces `{from}` by `{to}` wherever the engine fills placeholders from the objective's
 * own fields: the arguments, environment values, template targets and the result file.
 * Template *files* are not rewritten (they are the user's files on disk); the caller says so.
 */
export function renamePlaceholder(objective: Record<string, unknown>, from: string, to: string): Renamed {
  const places: string[] = [];
  if (!from || !to || from === to) return { objective, places };
  const needle = `{${from}}`;
  const swap = (text: string, place: string): string => {
    if (!text.includes(needle)) return text;
    places.push(place);
    return text.split(needle).join(`{${to}}`);
  };
  const next: Record<string, unknown> = { ...objective };
  if (Array.isArray(objective.args)) {
    next.args = objective.args.map((arg, k) => (typeof arg === 'string' ? swap(arg, `args[${k}]`) : arg));
  }
  if (objective.env && typeof objective.env === 'object' && !Array.isArray(objective.env)) {
    next.env = Object.fromEntries(
      Object.entries(objective.env as Record<string, unknown>).map(([key, value]) => [
        key,
        typeof value === 'string' ? swap(value, `env.${key}`) : value,
      ]),
    );
  }
  if (Array.isArray(objective.templates)) {
    next.templates = objective.templates.map((template: unknown, k) => {
      if (!template || typeof template !== 'object') return template;
      const t = template as Record<string, unknown>;
      return typeof t.target === 'string' ? { ...t, target: swap(t.target, `templates[${k}].target`) } : t;
    });
  }
  if (objective.result && typeof objective.result === 'object') {
    const result = objective.result as Record<string, unknown>;
    if (typeof result.file === 'string') next.result = { ...result, file: swap(result.file, 'result.file') };
  }
  return { objective: places.length > 0 ? next : objective, places };
}

/** `count` new rows after the existing ones, with fresh names and the last row's bounds. */
export function addRows(rows: readonly ParameterRowText[], count: number): ParameterRowText[] {
  const out = [...rows];
  const template = rows[rows.length - 1];
  for (let k = 0; k < count; k++) {
    const row = emptyRow(out);
    out.push(
      template
        ? {
            ...row,
            lower: template.lower,
            upper: template.upper,
            log: template.log,
            integer: template.integer,
          }
        : row,
    );
  }
  return out;
}

/** The table resized to `dimension` rows (a built-in's dimension): trailing rows go or come. */
export function resizeRows(rows: readonly ParameterRowText[], dimension: number): ParameterRowText[] {
  if (dimension <= rows.length) return rows.slice(0, Math.max(1, dimension));
  return addRows(rows, dimension - rows.length);
}

export interface PastedTable {
  rows: ParameterRowText[];
  /** Problems by line ("line 3: …"); lines with problems are left out. */
  errors: string[];
}

const COLUMNS = ['name', 'lower', 'upper', 'init', 'scale', 'type'] as const;
type Column = (typeof COLUMNS)[number];
const ALIASES: Record<string, Column> = {
  name: 'name',
  parameter: 'name',
  lower: 'lower',
  min: 'lower',
  low: 'lower',
  upper: 'upper',
  max: 'upper',
  high: 'upper',
  init: 'init',
  start: 'init',
  initial: 'init',
  scale: 'scale',
  log: 'scale',
  type: 'type',
  integer: 'type',
};

function splitLine(line: string): string[] {
  const separator = line.includes('\t') ? '\t' : line.includes(';') ? ';' : line.includes(',') ? ',' : /\s+/;
  return line
    .split(separator)
    .map((cell) => cell.trim())
    .filter((cell, k, all) => cell !== '' || k < all.length - 1);
}

function truthy(text: string, yes: string): boolean {
  const t = text.trim().toLowerCase();
  return t === yes || t === 'true' || t === 'yes' || t === '1' || t === 'x';
}

/**
 * Parses a pasted table (from a spreadsheet: tabs; or CSV, semicolons, spaces) of
 * parameters. Columns are name, lower, upper, init, scale (log/linear), type
 * (integer/real), in that order, or as named by a header line (min/max/start accepted).
 */
export function parseParameterTable(text: string): PastedTable {
  const lines = text
    .split(/\r?\n/)
    .map((line, k) => ({ line: line.trim(), number: k + 1 }))
    .filter((l) => l.line !== '' && !l.line.startsWith('#'));
  const errors: string[] = [];
  const rows: ParameterRowText[] = [];
  if (lines.length === 0) return { rows, errors: ['nothing to paste: expected lines of name, lower, upper'] };
  let order: Column[] = [...COLUMNS];
  const head = splitLine(lines[0].line).map((cell) => ALIASES[cell.toLowerCase()]);
  if (head.length > 0 && head.every((c) => c !== undefined)) {
    order = head as Column[];
    lines.shift();
    if (!order.includes('name')) errors.push('header: expected a "name" column');
  }
  for (const { line, number } of lines) {
    const cells = splitLine(line);
    if (cells.length > order.length) {
      errors.push(
        `line ${number}: expected at most ${order.length} columns (${order.join(', ')}), got ${cells.length}`,
      );
      continue;
    }
    const value = (column: Column) => {
      const k = order.indexOf(column);
      return k >= 0 ? (cells[k] ?? '') : '';
    };
    const row: ParameterRowText = {
      name: value('name'),
      lower: value('lower'),
      upper: value('upper'),
      init: value('init'),
      log: truthy(value('scale'), 'log'),
      integer: truthy(value('type'), 'integer') || value('type').toLowerCase() === 'int',
    };
    if (!row.name) {
      errors.push(`line ${number}: expected a parameter name in the first column`);
      continue;
    }
    const bad = (['lower', 'upper', 'init'] as const).find(
      (k) => row[k] !== '' && !Number.isFinite(Number(row[k])),
    );
    if (bad) {
      errors.push(`line ${number}: ${bad} must be a number (got ${JSON.stringify(row[bad])})`);
      continue;
    }
    rows.push(row);
  }
  return { rows, errors };
}

/**
 * Merges pasted rows into the table: a row whose name exists replaces it, others are
 * appended; a table holding only the untouched starting row is replaced entirely.
 */
export function mergeRows(
  rows: readonly ParameterRowText[],
  pasted: readonly ParameterRowText[],
): ParameterRowText[] {
  const pristine =
    rows.length === 1 && rows[0].name === 'x1' && rows[0].lower === '-1' && rows[0].upper === '1';
  const out = pristine ? [] : [...rows];
  for (const row of pasted) {
    const at = out.findIndex((r) => r.name === row.name);
    if (at >= 0) out[at] = { ...row, ...(out[at].fixed !== undefined ? { fixed: out[at].fixed } : {}) };
    else out.push(row);
  }
  return out;
}
