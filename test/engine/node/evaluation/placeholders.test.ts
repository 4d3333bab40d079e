import { describe, expect, it } from 'vitest';
import {
  checkArgPlaceholders,
  formatNumber,
  substitute,
} from '../../../../engine/node/evaluation/placeholders';

describe('placeholders', () => {
  it('formats numbers with full precision and integers as integers', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(Number(formatNumber(Math.PI))).toBe(Math.PI);
    expect(Number(formatNumber(1.234e-300))).toBe(1.234e-300);
  });

  it('substitutes parameters, workdir and id, and leaves other braces alone', () => {
    const values = { params: { R: 1000, C: 2.5e-9 }, workdir: '/tmp/w', id: 7 };
    expect(substitute('--r={R} --c {C} {workdir}/out-{id}.txt {"json": 1} {unknown}', values)).toBe(
      '--r=1000 --c 2.5e-9 /tmp/w/out-7.txt {"json": 1} {unknown}',
    );
  });

  it('rejects unknown placeholders in args, naming the argument', () => {
    expect(() => checkArgPlaceholders(['--r', '{R}', '{lenght}'], ['R', 'length'])).toThrow(
      /objective\.args\[2\] uses \{lenght\}/,
    );
    expect(() => checkArgPlaceholders(['{R}', '{workdir}', '{id}'], ['R'])).not.toThrow();
  });
});
