import { describe, expect, it } from 'vitest';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { prepareOptimizer } from '../../../../engine/node/run/runner';

const problem = (extra: Record<string, unknown>) =>
  parseProblem(
    {
      name: 'b',
      objective: { builtin: 'sphere' },
      parameters: [{ name: 'x', lower: 0, upper: 10 }],
      ...extra,
    },
    process.cwd(),
  );

describe('the problem file chooses the boundary map', () => {
  it('is linquad by default and reflect on request, and the run uses it', () => {
    // Internal 1.01 lies in linquad's margin (a = 0.02) just outside the face: quadratic there.
    const linQuad = prepareOptimizer(problem({})).space;
    const reflect = prepareOptimizer(problem({ boundary: 'reflect' })).space;
    expect(linQuad.boundary).toBe('linquad');
    expect(reflect.boundary).toBe('reflect');
    expect(linQuad.toParams([1.01]).x).toBeCloseTo(10 - (10 * 0.01 * 0.01) / (4 * 0.02), 9);
    expect(reflect.toParams([1.01]).x).toBeCloseTo(9.9, 9);
    expect(linQuad.toParams([0.5]).x).toBe(reflect.toParams([0.5]).x);
  });

  it('rejects an unknown boundary map naming the field', () => {
    expect(() => problem({ boundary: 'clip' })).toThrow(/^boundary: .*linquad.*reflect/);
  });
});
