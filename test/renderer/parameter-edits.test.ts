import { describe, expect, it } from 'vitest';
import {
  addRows,
  mergeRows,
  parseParameterTable,
  renamePlaceholder,
  resizeRows,
} from '../../renderer/src/lib/parameter-edits';
import { checkRows, emptyRow } from '../../renderer/src/lib/parameter-rows';

describe('renamePlaceholder', () => {
  it('renames {name} in arguments, environment, template targets and the result file', () => {
    const objective = {
      command: 'sim',
      args: ['--r', '{R}', '--rc={R}{C}', '{Rx}'],
      env: { GAIN: '{R}', OTHER: 'x' },
      templates: [{ source: 'deck.tmpl', target: 'deck-{R}.in' }],
      result: { file: 'out-{R}.txt' },
    };
    const { objective: next, places } = renamePlaceholder(objective, 'R', 'resistance');
    expect(next.args).toEqual(['--r', '{resistance}', '--rc={resistance}{C}', '{Rx}']);
    expect(next.env).toEqual({ GAIN: '{resistance}', OTHER: 'x' });
    expect(next.templates).toEqual([{ source: 'deck.tmpl', target: 'deck-{resistance}.in' }]);
    expect(next.result).toEqual({ file: 'out-{resistance}.txt' });
    expect(places).toEqual(['args[1]', 'args[2]', 'env.GAIN', 'templates[0].target', 'result.file']);
    // The original is untouched (the editor state is replaced, not mutated).
    expect(objective.args[1]).toBe('{R}');
  });

  it('changes nothing for an unused name, an empty name or the same name', () => {
    const objective = { command: 'sim', args: ['{a}'] };
    expect(renamePlaceholder(objective, 'b', 'c')).toEqual({ objective, places: [] });
    expect(renamePlaceholder(objective, 'a', '').places).toEqual([]);
    expect(renamePlaceholder(objective, 'a', 'a').places).toEqual([]);
  });
});

describe('many parameters at once', () => {
  it('adds N rows with fresh names and the last row’s bounds', () => {
    const start = [{ ...emptyRow([]), lower: '0', upper: '10', log: false }];
    const rows = addRows(start, 3);
    expect(rows.map((r) => r.name)).toEqual(['x1', 'x2', 'x3', 'x4']);
    expect(rows.every((r) => r.lower === '0' && r.upper === '10')).toBe(true);
    expect(checkRows(rows).specs).not.toBeNull();
  });

  it('resizes to a built-in’s dimension, never below one row', () => {
    const rows = addRows([emptyRow([])], 4);
    expect(resizeRows(rows, 2)).toHaveLength(2);
    expect(resizeRows(rows, 0)).toHaveLength(1);
    expect(
      resizeRows(rows, 8)
        .map((r) => r.name)
        .slice(-3),
    ).toEqual(['x6', 'x7', 'x8']);
  });

  it('parses a table pasted from a spreadsheet, with or without a header', () => {
    const plain = parseParameterTable('R\t10\t1e6\t1000\tlog\nC\t1e-12\t1e-6\n\nstages\t1\t8\t\t\tinteger\n');
    expect(plain.errors).toEqual([]);
    expect(plain.rows.map((r) => [r.name, r.lower, r.upper, r.init, r.log, r.integer])).toEqual([
      ['R', '10', '1e6', '1000', true, false],
      ['C', '1e-12', '1e-6', '', false, false],
      ['stages', '1', '8', '', false, true],
    ]);
    const csv = parseParameterTable('name,max,min\nw0,5,-5\nw1,5,-5');
    expect(csv.rows.map((r) => [r.name, r.lower, r.upper])).toEqual([
      ['w0', '-5', '5'],
      ['w1', '-5', '5'],
    ]);
  });

  it('names the line and the field of bad pasted rows and keeps the good ones', () => {
    const pasted = parseParameterTable('a 0 1\nb zero 1\nc 0 1 0.5 log integer extra');
    expect(pasted.rows.map((r) => r.name)).toEqual(['a']);
    expect(pasted.errors).toEqual([
      'line 2: lower must be a number (got "zero")',
      'line 3: expected at most 6 columns (name, lower, upper, init, scale, type), got 7',
    ]);
    expect(parseParameterTable('  \n').errors[0]).toMatch(/nothing to paste/);
  });

  it('merges pasted rows: same name replaces, new names append, the untouched start row goes', () => {
    const pasted = parseParameterTable('a 0 1\nb 0 2').rows;
    expect(mergeRows([emptyRow([])], pasted).map((r) => r.name)).toEqual(['a', 'b']);
    const existing = [
      { ...emptyRow([]), name: 'b', lower: '5', upper: '6' },
      { ...emptyRow([]), name: 'z' },
    ];
    const merged = mergeRows(existing, pasted);
    expect(merged.map((r) => [r.name, r.upper])).toEqual([
      ['b', '2'],
      ['z', '1'],
      ['a', '1'],
    ]);
  });
});
