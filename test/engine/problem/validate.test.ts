/**
 * The problem model's own rules (no file system), as the CLI, the backend's validate and the
 * renderer see them: every refusal names its field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchSpace } from '../../../engine/core/search-space';
import { resolveOptions } from '../../../engine/core/strategy';
import { checkProblem } from '../../../engine/problem/validate';
import { parseRequest, RequestError } from '../../../electron/ipc-contract';
import { builtinLandscape } from '../../../renderer/src/lib/landscape';
import { checkRow, checkRows, rowFromSpec } from '../../../renderer/src/lib/parameter-rows';

const withParameters = (
  parameters: unknown[],
  objective: Record<string, unknown> = { builtin: 'sphere' },
) => ({
  name: 'p',
  objective,
  parameters,
});

describe('reserved names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'])(
    'a parameter named %s is refused, naming the field',
    (name) => {
      expect(() =>
        checkProblem(
          withParameters([
            { name: 'a', lower: 0, upper: 1 },
            { name, lower: 0, upper: 1 },
          ]),
        ),
      ).toThrow(`parameters[1].name: ${JSON.stringify(name)} is reserved`);
      expect(checkRow(rowFromSpec({ name, lower: 0, upper: 1 })).errors.name).toMatch(/is reserved/);
    },
  );

  it('names like them that are not Object properties stay valid', () => {
    const model = checkProblem(
      withParameters([
        { name: 'proto', lower: 0, upper: 1 },
        { name: 'constructor_', lower: 0, upper: 1 },
      ]),
    );
    expect(model.parameters.map((p) => p.name)).toEqual(['proto', 'constructor_']);
  });

  it('an option named like an Object property is an unknown option', () => {
    const specs = { stepSize: { default: 0.3, description: 'σ' } };
    for (const name of ['constructor', 'toString', '__proto__']) {
      const given = JSON.parse(`{${JSON.stringify(name)}: 1}`) as Record<string, unknown>;
      expect(() => resolveOptions(specs, 2, given)).toThrow(
        `strategy.options.${name} is not an option of this strategy (unknown option`,
      );
    }
  });

  it('a built-in named like an Object property is no built-in, for the heat map either', () => {
    for (const builtin of ['toString', 'constructor', 'hasOwnProperty']) {
      expect(builtinLandscape({ builtin }, [{ name: 'a', lower: 0, upper: 1 }])).toBeNull();
    }
  });

  it('a __proto__ key in a request is refused, not dropped', () => {
    const payload = JSON.parse(
      '{"draft":{"name":"p","objective":{"builtin":"sphere"},"strategy":{"name":"cma-es","options":{"__proto__":{"x":1}}}},"baseDir":"/tmp"}',
    );
    expect(() => parseRequest('problem:validate', payload)).toThrow(RequestError);
    expect(() => parseRequest('problem:validate', payload)).toThrow(
      'draft.strategy.options.__proto__: "__proto__" is reserved',
    );
  });
});

describe('bounds at the edge of the doubles', () => {
  it('refuses a range whose width overflows, naming the parameter', () => {
    expect(() => checkProblem(withParameters([{ name: 'x', lower: -1.7e308, upper: 1.7e308 }]))).toThrow(
      'parameters[0] (x).upper − lower must be a finite number',
    );
    // The parameter table says so too (its table check is the search space's).
    expect(checkRows([rowFromSpec({ name: 'x', lower: -1.7e308, upper: 1.7e308 })]).tableError).toMatch(
      /upper − lower must be a finite number/,
    );
    expect(() =>
      checkProblem(
        withParameters([
          { name: 'x', lower: -Number.MAX_VALUE, upper: 0 },
          { name: 'y', lower: -1, upper: Number.MAX_VALUE },
        ]),
      ),
    ).not.toThrow();
  });

  it('maps the widest ranges that fit (linear, log, integer) to finite values inside the bounds', () => {
    const parameters = [
      { name: 'wide', lower: -8e307, upper: 8e307 },
      { name: 'log', lower: Number.MIN_VALUE, upper: Number.MAX_VALUE, scale: 'log' as const },
      { name: 'count', lower: 0, upper: Number.MAX_VALUE, type: 'integer' as const },
    ];
    checkProblem(withParameters(parameters));
    const space = new SearchSpace(parameters);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (x) => {
          const params = space.toParams(x);
          return parameters.every(
            (p) => Number.isFinite(params[p.name]) && params[p.name] >= p.lower && params[p.name] <= p.upper,
          );
        },
      ),
    );
  });

  it('refuses an integer range that holds no integer', () => {
    expect(() =>
      checkProblem(withParameters([{ name: 'n', lower: 0.2, upper: 0.8, type: 'integer' }])),
    ).toThrow('parameters[0] (n) is an integer parameter, but [0.2, 0.8] holds no integer');
    expect(() =>
      checkProblem(withParameters([{ name: 'n', lower: 0.2, upper: 1, type: 'integer' }])),
    ).not.toThrow();
  });
});

describe('objective.inline', () => {
  const module = { module: '/m.mjs', inline: true };
  const problem = (objective: Record<string, unknown>, workers?: number) => ({
    ...withParameters([{ name: 'a', lower: 0, upper: 1 }], objective),
    ...(workers !== undefined ? { workers } : {}),
  });

  it('is accepted with one worker (the default)', () => {
    expect(checkProblem(problem(module)).objective).toEqual(module);
    expect(checkProblem(problem(module, 1)).workers).toBe(1);
  });

  it('is refused with more workers or a timeout, naming the field', () => {
    expect(() => checkProblem(problem(module, 2))).toThrow('objective.inline: runs one evaluation at a time');
    expect(() => checkProblem(problem({ ...module, timeoutSeconds: 1 }))).toThrow(
      'objective.inline: a call on the run',
    );
    expect(() => checkProblem(problem({ ...module, inline: 'yes' }))).toThrow('objective.inline');
  });

  it('objective.input is params or vector', () => {
    expect(checkProblem(problem({ module: '/m.mjs', input: 'vector' })).objective).toMatchObject({
      input: 'vector',
    });
    expect(() => checkProblem(problem({ module: '/m.mjs', input: 'matrix' }))).toThrow('objective.input');
  });
});
