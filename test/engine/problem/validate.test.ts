/**
 * The problem model's own rules (no file system), as the CLI, the backend's validate and the
 * renderer see them: every refusal names its field.
 */
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../../engine/core/strategy';
import { checkProblem } from '../../../engine/problem/validate';
import { parseRequest, RequestError } from '../../../electron/ipc-contract';
import { checkRow, rowFromSpec } from '../../../renderer/src/lib/parameter-rows';

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
