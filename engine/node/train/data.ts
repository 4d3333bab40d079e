/**
 * The data set of `evobox train`: a CSV file (header row, comma-separated numbers) or JSON
 * lines (one object per line), the input columns X and target columns Y picked by name.
 * Every error names the file, the row and the column: `data.csv row 7, column "x2": "abc"
 * is not a number`. Row numbers count data rows from 1 (the header is not a row).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

export class TrainDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainDataError';
  }
}

export interface Table {
  file: string;
  columns: string[];
  /** One record per data row, every column a string as read. */
  rows: Record<string, string>[];
}

/** Splits one CSV line; double quotes enclose fields with commas, "" is a quote inside them. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

function readCsv(file: string, text: string): Table {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((line) => line.trim() !== '');
  if (headerAt < 0) throw new TrainDataError(`${file} is empty (expected a header row of column names)`);
  const columns = splitCsvLine(lines[headerAt]);
  columns.forEach((name, c) => {
    if (name === '') throw new TrainDataError(`${file} header: column ${c + 1} has no name`);
    if (columns.indexOf(name) !== c)
      throw new TrainDataError(`${file} header: column "${name}" appears twice`);
  });
  const rows: Record<string, string>[] = [];
  for (let l = headerAt + 1; l < lines.length; l++) {
    if (lines[l].trim() === '') continue;
    const fields = splitCsvLine(lines[l]);
    const row = rows.length + 1;
    if (fields.length !== columns.length)
      throw new TrainDataError(
        `${file} row ${row} (line ${l + 1}): expected ${columns.length} fields like the header, got ${fields.length}`,
      );
    rows.push(Object.fromEntries(columns.map((name, c) => [name, fields[c]])));
  }
  return { file, columns, rows };
}

function readJsonLines(file: string, text: string): Table {
  const rows: Record<string, string>[] = [];
  const columns: string[] = [];
  text.split(/\r?\n/).forEach((line, l) => {
    if (line.trim() === '') return;
    const row = rows.length + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TrainDataError(`${file} row ${row} (line ${l + 1}): not valid JSON`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new TrainDataError(`${file} row ${row} (line ${l + 1}): expected a JSON object of column values`);
    const record: Record<string, string> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (!columns.includes(key)) columns.push(key);
      record[key] = typeof entry === 'number' ? String(entry) : JSON.stringify(entry);
    }
    rows.push(record);
  });
  return { file, columns, rows };
}

export function readTable(file: string, label = file): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TrainDataError(`cannot read ${label}: ${(error as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' ? readJsonLines(label, text) : readCsv(label, text);
}

const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The named columns as numbers, row by row; a missing column or a non-number names where. */
export function numericColumns(table: Table, names: readonly string[], field: string): Float64Array[] {
  names.forEach((name, i) => {
    if (!table.columns.includes(name))
      throw new TrainDataError(
        `${field}[${i}]: column "${name}" is not in ${table.file} (columns: ${table.columns.join(', ')})`,
      );
  });
  return table.rows.map((record, r) =>
    Float64Array.from(names, (name) => {
      const text = record[name];
      const value = text !== undefined && numberPattern.test(text.trim()) ? Number(text) : Number.NaN;
      if (!Number.isFinite(value))
        throw new TrainDataError(
          `${table.file} row ${r + 1}, column "${name}": ${JSON.stringify(text ?? '')} is not a finite number`,
        );
      return value;
    }),
  );
}

/** Per-column mean and standard deviation (a constant column gets 1, so it passes unchanged). */
export function columnStats(rows: readonly Float64Array[]): { mean: Float64Array; std: Float64Array } {
  const width = rows[0]?.length ?? 0;
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j] += row[j] / rows.length;
  for (const row of rows) for (let j = 0; j < width; j++) std[j] += (row[j] - mean[j]) ** 2 / rows.length;
  for (let j = 0; j < width; j++) std[j] = std[j] > 1e-24 ? Math.sqrt(std[j]) : 1;
  return { mean, std };
}

export function standardise(rows: readonly Float64Array[], stats: { mean: Float64Array; std: Float64Array }) {
  return rows.map((row) => row.map((v, j) => (v - stats.mean[j]) / stats.std[j]));
}
