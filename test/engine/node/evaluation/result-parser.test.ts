import { describe, expect, it } from 'vitest';
import {
  compileResultRegex,
  lastNonEmptyLine,
  parseNumber,
  parseOutput,
  parseResultLine,
} from '../../../../engine/node/evaluation/result-parser';

describe('parseNumber', () => {
  it.each([
    ['1.5e-3', 0.0015],
    ['  -2 ', -2],
    ['+.5', 0.5],
    ['3.', 3],
    ['1E6', 1e6],
  ])('reads %j', (text, value) => {
    expect(parseNumber(text)).toEqual({ fitness: value });
  });

  it.each([
    ['nan', /NaN/],
    ['NaN', /NaN/],
    ['inf', /infinite/],
    ['-Infinity', /infinite/],
    ['1e999', /not finite/],
    ['0x10', /not a number/],
    ['12 apples', /not a number/],
    ['', /not a number/],
  ])('refuses %j', (text, reason) => {
    const parsed = parseNumber(text);
    expect('error' in parsed && parsed.error).toMatch(reason);
  });
});

describe('parseResultLine', () => {
  it('returns JSON extras without fitness and id', () => {
    expect(parseResultLine('{"fitness": 2, "id": 4, "loss": [1, 2]}')).toEqual({
      fitness: 2,
      extras: { loss: [1, 2] },
    });
  });

  it('explains Python-style NaN in JSON', () => {
    expect(parseResultLine('{"fitness": NaN}')).toEqual({ error: expect.stringMatching(/non-finite/) });
  });

  it('fails an object without a numeric fitness, and an object reporting an error', () => {
    expect(parseResultLine('{"cost": 1}')).toEqual({ error: expect.stringMatching(/no numeric "fitness"/) });
    expect(parseResultLine('{"fitness": null, "error": "diverged"}')).toEqual({
      error: expect.stringMatching(/reports an error: diverged/),
    });
  });
});

describe('parseOutput', () => {
  it('takes the last non-empty line', () => {
    expect(lastNonEmptyLine('a\n2\n\n  \n')).toBe('2');
    expect(parseOutput('log line\n1.25\n\n', undefined)).toEqual({ fitness: 1.25 });
    expect(parseOutput('\n \n', undefined)).toEqual({ error: expect.stringMatching(/no output/) });
  });

  it('takes the last regex match', () => {
    const regex = compileResultRegex('cost=(\\S+)');
    expect(parseOutput('cost=9\ncost=0.25\ndone\n', regex)).toEqual({ fitness: 0.25 });
    expect(parseOutput('nothing here', regex)).toEqual({ error: expect.stringMatching(/did not match/) });
    expect(parseOutput('cost=abc', regex)).toEqual({ error: expect.stringMatching(/not a number/) });
  });

  it('insists on a capture group and a valid pattern', () => {
    expect(() => compileResultRegex('cost=\\S+')).toThrow(/one capture group/);
    expect(() => compileResultRegex('cost=(')).toThrow(/not a valid regular expression/);
  });
});
