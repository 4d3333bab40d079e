/** The problem file's `executor` field and `--executor`: checked through the registry, errors naming the field. */
import { describe, expect, it } from 'vitest';
import { executorFromFlag, parseExecutorConfig } from '../../../../engine/node/executors/index';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { fixtures } from '../evaluation/helpers';

const problem = (executor: unknown) =>
  parseProblem({ name: 'p', objective: { builtin: 'sphere', dimension: 2 }, executor }, fixtures);

describe('executor configuration', () => {
  it('defaults to none (the local pool) and keeps a valid one', () => {
    expect(parseProblem({ name: 'p', objective: { builtin: 'sphere' } }, fixtures).executor).toBeUndefined();
    expect(problem({ kind: 'local' }).executor).toEqual({ kind: 'local' });
  });

  it.each([
    [{ kind: 'x' }, 'executor.kind: expected one of local (got "x")'],
    [{}, 'executor.kind: expected string'],
    [{ kind: 'local', url: 'redis://h' }, 'executor.url: unknown field'],
    [5, 'executor: expected object'],
  ])('rejects %j naming the field', (executor, message) => {
    expect(() => problem(executor)).toThrow(message);
  });

  it('reads --executor as a kind', () => {
    expect(executorFromFlag('local')).toEqual({ kind: 'local' });
    expect(() => executorFromFlag('cluster')).toThrow('--executor: expected one of local (got "cluster")');
    expect(() => parseExecutorConfig([])).toThrow('executor: expected an object');
  });
});
