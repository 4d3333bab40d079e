import { describe, expect, it } from 'vitest';
import {
  checkRow,
  checkRows,
  emptyRow,
  rowFromSpec,
  type ParameterRowText,
} from '../../renderer/src/lib/parameter-rows';

const row = (fields: Partial<ParameterRowText>): ParameterRowText => ({
  name: 'x',
  lower: '-1',
  upper: '1',
  init: '',
  log: false,
  integer: false,
  ...fields,
});

describe('parameter rows', () => {
  it('turns a valid row into a spec', () => {
    expect(checkRow(row({ init: '0.5', integer: true }))).toEqual({
      spec: { name: 'x', lower: -1, upper: 1, type: 'integer', init: 0.5 },
      errors: {},
    });
    expect(checkRow(row({ lower: '', upper: '' })).spec).toEqual({ name: 'x' });
  });

  it('puts each message on the field at fault', () => {
    expect(checkRow(row({ lower: '5', upper: '3' })).errors).toEqual({
      lower: 'lower must be < upper (got 5 ≥ 3)',
    });
    expect(checkRow(row({ upper: 'ten' })).errors).toEqual({ upper: 'expected a number (got "ten")' });
    expect(checkRow(row({ upper: '' })).errors).toEqual({ upper: 'give both lower and upper, or neither' });
    expect(checkRow(row({ init: '2' })).errors).toEqual({ init: 'init must lie within [-1, 1] (got 2)' });
    expect(checkRow(row({ name: '2x' })).errors.name).toMatch(/not starting with a digit/);
    expect(checkRow(row({ name: ' ' })).errors.name).toBe('name is required');
  });

  it('requires positive bounds on a log scale', () => {
    expect(checkRow(row({ log: true })).errors).toEqual({ lower: 'log scale needs lower > 0 (got -1)' });
    expect(checkRow(row({ log: true, lower: '1e-3', upper: '10', init: '1' })).spec).toEqual({
      name: 'x',
      lower: 0.001,
      upper: 10,
      scale: 'log',
      init: 1,
    });
  });

  it('flags duplicate names on the later row and counts invalid rows', () => {
    const table = checkRows([row({}), row({ name: 'y' }), row({}), row({ lower: 'a' })]);
    expect(table.rows[2].errors.name).toBe('duplicate name (row 1)');
    expect(table.rows[3].errors).toEqual({
      lower: 'expected a number (got "a")',
      name: 'duplicate name (row 1)',
    });
    expect(table.invalidRows).toBe(2);
    expect(table.specs).toBeNull();
  });

  it('requires at least one row', () => {
    expect(checkRows([]).tableError).toBe('add at least one parameter');
  });

  it('round-trips a spec through the editable row', () => {
    const spec = { name: 'rate', lower: 1e-4, upper: 1, scale: 'log' as const, init: 0.1 };
    expect(checkRow(rowFromSpec(spec)).spec).toEqual(spec);
    const fixed = { name: 'k', fixed: 3 };
    expect(checkRow(rowFromSpec(fixed)).spec).toEqual(fixed);
  });

  it('names new rows so they do not collide', () => {
    expect(emptyRow([row({ name: 'x1' }), row({ name: 'x3' })]).name).toBe('x4');
    expect(emptyRow([row({ name: 'x2' })]).name).toBe('x3');
  });
});
