/**
 * The pure problem model: the draft schemas the UI and the IPC contract use carry the file
 * schema's fields, the limits are the ones enforced, and no module here reaches for Node.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parameterDraftSchema,
  parameterSchema,
  problemDraftSchema,
  problemFileSchema,
  problemLimits,
} from '../../../engine/problem/schema';
import { checkProblem } from '../../../engine/problem/validate';
import { problemDraftSchema as contractDraftSchema } from '../../../electron/ipc-contract';

const root = resolve(__dirname, '../../..');

describe('pure problem model', () => {
  it('drafts have the problem file’s fields, and the IPC contract uses them', () => {
    expect(Object.keys(parameterDraftSchema.shape)).toEqual(Object.keys(parameterSchema.shape));
    const fileKeys = Object.keys(problemFileSchema.shape);
    for (const key of Object.keys(problemDraftSchema.shape)) expect(fileKeys).toContain(key);
    expect(contractDraftSchema).toBe(problemDraftSchema);
  });

  it('enforces the limits it publishes', () => {
    const base = { name: 'p', objective: { builtin: 'sphere' } };
    expect(() => checkProblem({ ...base, workers: problemLimits.workers.max })).not.toThrow();
    expect(() => checkProblem({ ...base, workers: problemLimits.workers.max + 1 })).toThrow(/^workers:/);
    expect(() => checkProblem({ ...base, seed: problemLimits.seed.min - 1 })).toThrow(/^seed:/);
    expect(() => checkProblem({ ...base, name: 'a/b' })).toThrow(problemLimits.name.message);
    expect(() => checkProblem({ ...base, budget: { evaluations: 0 } })).toThrow(/^budget\.evaluations:/);
    expect(new RegExp(problemLimits.parameterName.pattern).test('2x')).toBe(false);
    expect(JSON.parse(JSON.stringify(problemLimits))).toEqual(problemLimits);
  });

  it('keeps an executor choice for the executor registry to check', () => {
    const model = checkProblem({
      name: 'p',
      objective: { builtin: 'sphere' },
      executor: { kind: 'local', x: 1 },
    });
    expect(model.executor).toEqual({ kind: 'local', x: 1 });
    expect(() => checkProblem({ name: 'p', objective: { builtin: 'sphere' }, executor: {} })).toThrow(
      /^executor\.kind:/,
    );
  });

  it('imports nothing from Node (the renderer bundles it)', () => {
    const dir = join(root, 'engine/problem');
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/from '(node:|\.\.\/node\/|\.\.\/strategies\/)/);
    }
  });
});
