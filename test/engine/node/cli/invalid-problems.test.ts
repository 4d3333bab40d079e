/**
 * Problems that cannot run are refused before anything is written: `evobox run` exits 2 with
 * the field named, and the runs folder stays empty (no stray run in History).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');
const scratch = scratchDirectories('evobox-invalid-');

const sphere = (parameters: unknown[], extra: Record<string, unknown> = {}) => ({
  name: 'invalid',
  objective: { builtin: 'sphere' },
  parameters,
  budget: { evaluations: 40 },
  ...extra,
});

const lineServer = (args: string[]) => ({
  name: 'invalid',
  objective: {
    command: '/usr/bin/python3',
    args,
    protocol: 'line',
    timeoutSeconds: 10,
  },
  parameters: [
    { name: 'x', lower: -3, upper: 3 },
    { name: 'y', lower: -3, upper: 3 },
  ],
  budget: { evaluations: 40 },
});

/** Runs `evobox run` on the problem in a fresh folder; returns the exit code, stderr and what the runs folder holds. */
function run(problem: unknown) {
  const dir = scratch();
  const file = join(dir, 'problem.json');
  writeFileSync(file, JSON.stringify(problem));
  const runsDir = join(dir, 'runs');
  const out = spawnSync(process.execPath, [bin, 'run', file, '--json', '--runs-dir', runsDir], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  let runs: string[] = [];
  try {
    runs = readdirSync(runsDir);
  } catch {
    // never created: nothing was written
  }
  return { code: out.status, stderr: out.stderr, runs };
}

describe('evobox run refuses invalid problems before creating a run folder', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'a parameter named %s (a property every JavaScript object has)',
    (name) => {
      const { code, stderr, runs } = run(
        sphere([
          { name, lower: -1, upper: 1 },
          { name: 'y', lower: -1, upper: 1 },
        ]),
      );
      expect(stderr).toContain(`parameters[0].name: ${JSON.stringify(name)} is reserved`);
      expect(code).toBe(2);
      expect(runs).toEqual([]);
    },
  );

  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'a strategy option named %s is an unknown option',
    (name) => {
      const problem = sphere([{ name: 'x', lower: -1, upper: 1 }], {
        strategy: { name: 'cma-es', options: { [name]: 3 } },
      });
      const { code, stderr, runs } = run(problem);
      expect(stderr).toContain(`strategy.options.${name} is not an option of this strategy (unknown option`);
      expect(stderr).not.toContain('must be a undefined');
      expect(code).toBe(2);
      expect(runs).toEqual([]);
    },
  );

  it('a __proto__ key anywhere, which copying an object drops without a word', () => {
    for (const [field, problem] of [
      [
        'strategy.options.__proto__',
        '{"name":"p","objective":{"builtin":"sphere"},"strategy":{"name":"cma-es","options":{"__proto__":3}}}',
      ],
      ['objective.__proto__', '{"name":"p","objective":{"builtin":"sphere","__proto__":{"noise":1}}}'],
    ] as const) {
      const { code, stderr, runs } = run(JSON.parse(problem));
      expect(stderr).toContain(`${field}: "__proto__" is reserved`);
      expect(code).toBe(2);
      expect(runs).toEqual([]);
    }
  });

  it('a strategy or built-in named like an Object property', () => {
    const strategy = run(
      sphere([{ name: 'x', lower: -1, upper: 1 }], {
        strategy: { name: 'constructor' },
      }),
    );
    expect(strategy.stderr).toContain('strategy.name must be one of');
    expect(strategy.code).toBe(2);
    expect(strategy.runs).toEqual([]);
    const builtin = run({
      name: 'invalid',
      objective: { builtin: 'toString' },
    });
    expect(builtin.stderr).toContain('objective.builtin: expected one of');
    expect(builtin.code).toBe(2);
  });

  it('a parameter placeholder in the arguments of a line process', () => {
    const { code, stderr, runs } = run(lineServer(['server.py', '--x={x}']));
    expect(stderr).toContain('objective.args[1]: {x} is a parameter');
    expect(code).toBe(2);
    expect(runs).toEqual([]);
  });

  it.each([['args'], ['json-stdin'], ['line']])('a placeholder naming no parameter (%s)', (protocol) => {
    const problem = { ...lineServer(['server.py', '{lenght}']) };
    problem.objective = { ...problem.objective, protocol };
    const { code, stderr, runs } = run(problem);
    expect(stderr).toContain('objective.args[1]: {lenght} names no parameter');
    expect(code).toBe(2);
    expect(runs).toEqual([]);
  });
});
