import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProblem, parseProblem } from '../../../../engine/node/problem/schema';

const dir = mkdtempSync(join(tmpdir(), 'evobox-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = join(dir, 'sim.py');
writeFileSync(script, '#!/usr/bin/env python3\nprint(1)\n');
chmodSync(script, 0o755);
const notExecutable = join(dir, 'plain.txt');
writeFileSync(notExecutable, 'x');

const valid = {
  name: 'rc-filter',
  objective: { command: './sim.py', args: ['--r', '{R}'], protocol: 'args', timeoutSeconds: 5 },
  parameters: [
    { name: 'R', lower: 10, upper: 1e6, scale: 'log', init: 1000 },
    { name: 'stages', lower: 1, upper: 8, type: 'integer' },
  ],
  strategy: { name: 'cma-es', options: { populationSize: 12 } },
  budget: { evaluations: 100 },
  seed: 42,
  workers: 2,
};

function withChange(change: (p: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  change(copy);
  return copy;
}

describe('problem schema', () => {
  it('accepts the DESIGN example and resolves the command against the problem folder', () => {
    const problem = parseProblem(valid, dir);
    expect(problem.objective).toMatchObject({ command: script, protocol: 'args', cwd: dir });
    expect(problem.seed).toBe(42);
    expect(problem.workers).toBe(2);
  });

  it.each([
    ['unknown top-level field', (p: Record<string, unknown>) => (p.budgets = {}), 'budgets: unknown field'],
    [
      'unknown parameter field',
      (p: Record<string, unknown>) => ((p.parameters as Record<string, unknown>[])[1].step = 1),
      'parameters[1].step: unknown field',
    ],
    [
      'wrong type',
      (p: Record<string, unknown>) => ((p.parameters as Record<string, unknown>[])[0].lower = 'ten'),
      'parameters[0].lower: expected number',
    ],
    [
      'lower ≥ upper',
      (p: Record<string, unknown>) => ((p.parameters as Record<string, unknown>[])[1].upper = 0),
      'parameters[1] (stages).lower must be < upper (got 1 ≥ 0)',
    ],
    [
      'bad protocol',
      (p: Record<string, unknown>) => ((p.objective as Record<string, unknown>).protocol = 'pipe'),
      'objective.protocol',
    ],
    [
      'unknown objective field',
      (p: Record<string, unknown>) => ((p.objective as Record<string, unknown>).timeout = 3),
      'objective.timeout: unknown field',
    ],
    [
      'no objective kind',
      (p: Record<string, unknown>) => (p.objective = { args: [] }),
      'objective: expected one of the fields',
    ],
    [
      'missing command',
      (p: Record<string, unknown>) => ((p.objective as Record<string, unknown>).command = './nope.py'),
      'does not exist',
    ],
    [
      'not executable',
      (p: Record<string, unknown>) => ((p.objective as Record<string, unknown>).command = './plain.txt'),
      'is not executable',
    ],
    [
      'regex without a group',
      (p: Record<string, unknown>) =>
        ((p.objective as Record<string, unknown>).result = { regex: 'cost=\\S+' }),
      'objective.result.regex: expected one capture group',
    ],
    ['workers below 1', (p: Record<string, unknown>) => (p.workers = 0), 'workers:'],
    [
      'duplicate parameter',
      (p: Record<string, unknown>) => ((p.parameters as Record<string, unknown>[])[1].name = 'R'),
      'parameters[1].name: duplicate name "R"',
    ],
    [
      'unknown builtin',
      (p: Record<string, unknown>) => (p.objective = { builtin: 'spere' }),
      'objective.builtin: expected one of',
    ],
    [
      'a module timeout of zero',
      (p: Record<string, unknown>) => (p.objective = { module: './sim.py', timeoutSeconds: 0 }),
      'objective.timeoutSeconds',
    ],
  ])('rejects %s with a message naming the field', (_label, change, message) => {
    expect(() => parseProblem(withChange(change), dir)).toThrow(message);
  });

  it('generates parameters for a built-in without them', () => {
    const problem = parseProblem({ name: 'b', objective: { builtin: 'rastrigin', dimension: 3 } }, dir);
    expect(problem.parameters.map((p) => p.name)).toEqual(['x1', 'x2', 'x3']);
    expect(problem.parameters[0]).toMatchObject({ lower: -5.12, upper: 5.12 });
    expect(problem.strategy.name).toBe('cma-es');
  });

  it('reports unreadable files and invalid JSON', () => {
    expect(() => loadProblem(join(dir, 'missing.json'))).toThrow('cannot read problem file');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"name": ');
    expect(() => loadProblem(broken)).toThrow('is not valid JSON');
  });
});
