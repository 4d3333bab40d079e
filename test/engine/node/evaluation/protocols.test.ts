/** The happy path of every protocol and result format, with real programs. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutableObjectiveConfig } from '../../../../engine/node/evaluation/types';
import {
  evaluateOne,
  evaluateWith,
  executables,
  fixture,
  fixtures,
  python,
  temporaryDirectory,
} from './helpers';

const quadratic = (x: number, y: number) => (x - 1) ** 2 + (y + 2) ** 2;
const jobs = (points: [number, number][]) => points.map(([x, y], index) => ({ index, params: { x, y } }));

describe('args protocol', () => {
  it('passes parameters as arguments and reads the last stdout line', async () => {
    const objective: ExecutableObjectiveConfig = {
      command: python,
      args: [fixture('quadratic-args.py'), '--x', '{x}', '--y', '{y}'],
      protocol: 'args',
    };
    const points: [number, number][] = [
      [0, 0],
      [1, -2],
      [0.1, 2.5e-7],
    ];
    const results = await evaluateWith(objective, jobs(points));
    expect(results.map((r) => r.fitness)).toEqual(points.map(([x, y]) => quadratic(x, y)));
    expect(results.every((r) => r.worker === 0 && r.ms > 0 && r.error === undefined)).toBe(true);
  });

  it('writes numbers with full precision, {id}, {workdir}, {problemdir}, and runs in objective.cwd', async () => {
    const result = await evaluateOne(
      {
        command: fixture('echo-args.py'),
        args: ['{x}', '{y}', '{id}', '{workdir}', '{problemdir}/data.csv'],
        protocol: 'args',
        cwd: fixtures,
      },
      { x: 0.1 + 0.2, y: 3 },
    );
    const extras = result.extras as { argv: string[]; cwd: string };
    expect(extras.argv.slice(0, 3)).toEqual(['0.30000000000000004', '3', '0']);
    expect(extras.argv[3]).toMatch(/eval-0-/);
    expect(existsSync(extras.argv[3])).toBe(false); // scratch directory removed after success
    expect(extras.argv[4]).toBe(`${executables}/data.csv`); // the evaluator's cwd: the problem file's folder
    expect(extras.cwd).toBe(fixtures);
  });

  it('adds objective.env to the environment', async () => {
    const result = await evaluateOne({
      command: python,
      args: ['-c', 'import os; print(os.environ["EVOBOX_TEST_VALUE"], os.environ["PATH"] != "")'],
      protocol: 'args',
      env: { EVOBOX_TEST_VALUE: '2.5' },
      result: { regex: '^(\\S+) True$' },
    });
    expect(result.fitness).toBe(2.5);
  });

  it('reads the last regex match over stdout', async () => {
    const result = await evaluateOne(
      {
        command: python,
        args: [fixture('cost-regex.py'), '{x}', '{y}'],
        protocol: 'args',
        result: { regex: 'cost=(\\S+)' },
      },
      { x: 3, y: 1 },
    );
    expect(result.fitness).toBe(quadratic(3, 1));
  });
});

describe('json-stdin protocol', () => {
  it('sends {id, params} and returns JSON extras', async () => {
    const objective: ExecutableObjectiveConfig = {
      command: python,
      args: [fixture('quadratic-json-stdin.py')],
      protocol: 'json-stdin',
    };
    const [a, b] = await evaluateWith(objective, [
      { index: 4, params: { x: 4, y: 2 } },
      { index: 5, params: { x: 1, y: -2 } },
    ]);
    expect(a).toMatchObject({ fitness: 25, extras: { distance: 5 } });
    expect(a.extras).not.toHaveProperty('id');
    expect(b).toMatchObject({ fitness: 0, extras: { distance: 0 } });
  });
});

describe('templates and result files', () => {
  const deck: ExecutableObjectiveConfig = {
    command: python,
    args: [fixture('deck-simulator.py')],
    protocol: 'args',
    templates: [{ source: join(fixtures, 'deck.tmpl'), target: 'input.deck' }],
    result: { file: 'result.txt', regex: 'objective: (\\S+)' },
  };

  it('renders the deck into a fresh scratch directory, runs there, reads the output file, cleans up', async () => {
    const scratch = temporaryDirectory();
    try {
      const results = await evaluateWith(
        deck,
        jobs([
          [2, 2],
          [1, -2],
        ]),
        { scratchDir: scratch.path },
      );
      expect(results.map((r) => r.fitness)).toEqual([quadratic(2, 2), 0]);
      expect(readdirSync(scratch.path)).toEqual([]);
    } finally {
      scratch.remove();
    }
  });

  it('keeps scratch directories on request, with the rendered deck inside', async () => {
    const scratch = temporaryDirectory();
    try {
      const result = await evaluateOne(
        deck,
        { x: 0.5, y: 1e-12 },
        { scratchDir: scratch.path, keepScratch: 'always' },
      );
      expect(result.fitness).toBe(quadratic(0.5, 1e-12));
      const [dir] = readdirSync(scratch.path);
      const rendered = readFileSync(join(scratch.path, dir, 'input.deck'), 'utf8');
      expect(rendered).toBe(
        `# simulator deck for evaluation 0\nx = 0.5\ny = 1e-12\nscratch = ${join(scratch.path, dir)}\n`,
      );
    } finally {
      scratch.remove();
    }
  });

  it('records the kept scratch directory of a failed evaluation', async () => {
    const scratch = temporaryDirectory();
    try {
      const failing = { ...deck, result: { file: 'result.txt', regex: 'no such line (\\S+)' } };
      const result = await evaluateOne(
        failing,
        { x: 0, y: 0 },
        { scratchDir: scratch.path, keepScratch: 'failed' },
      );
      expect(result.error).toMatch(
        /did not match result file result\.txt \(scratch directory kept: .*eval-0-/,
      );
      expect(readdirSync(scratch.path)).toHaveLength(1);
    } finally {
      scratch.remove();
    }
  });

  it('reads the last line of a {workdir} result file', async () => {
    const result = await evaluateOne({
      command: python,
      args: ['-c', 'import sys; open(sys.argv[1], "w").write("log\\n1.5\\n")', '{workdir}/out.txt'],
      protocol: 'args',
      result: { file: '{workdir}/out.txt' },
    });
    expect(result.fitness).toBe(1.5);
  });

  it('never scores a stale result file left in a shared directory', async () => {
    const cwd = temporaryDirectory();
    try {
      writeFileSync(join(cwd.path, 'out.txt'), '0.001\n');
      const result = await evaluateOne({
        command: python,
        args: ['-c', 'pass'],
        protocol: 'args',
        cwd: cwd.path,
        result: { file: 'out.txt' },
      });
      expect(result.error).toBe(`result file ${join(cwd.path, 'out.txt')} was not written`);
    } finally {
      cwd.remove();
    }
  });
});

describe('line protocol', () => {
  it('answers a batch through one process and keeps it for the next batch', async () => {
    const dir = temporaryDirectory();
    const starts = join(dir.path, 'starts.log');
    try {
      const objective: ExecutableObjectiveConfig = {
        command: python,
        args: [fixture('line-server.py'), starts],
        protocol: 'line',
      };
      const { createObjectiveRunner } = await import('../../../../engine/node/evaluation/objective-runner');
      const { settings } = await import('./helpers');
      const runner = createObjectiveRunner(objective, settings(), 0);
      const points: [number, number][] = Array.from({ length: 50 }, (_, i) => [i / 10, -i]);
      const first = await runner.evaluate(jobs(points));
      const second = await runner.evaluate(jobs(points.slice(0, 3)));
      await runner.close();
      expect(first.map((r) => r.fitness)).toEqual(points.map(([x, y]) => x * x + y));
      expect(second.map((r) => r.fitness)).toEqual(points.slice(0, 3).map(([x, y]) => x * x + y));
      expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      dir.remove();
    }
  });

  it('adds the scratch directory to requests when templates are used', async () => {
    const results = await evaluateWith(
      {
        command: fixture('line-echo.py'),
        protocol: 'line',
        templates: [{ source: join(fixtures, 'deck.tmpl'), target: 'deck/{id}.in' }],
      },
      [{ index: 9, params: { x: 1, y: 2 } }],
    );
    const request = results[0].extras!.request as { id: number; params: object; workdir: string };
    expect(results[0].fitness).toBe(9);
    expect(request).toEqual({ id: 9, params: { x: 1, y: 2 }, workdir: expect.stringMatching(/eval-9-/) });
  });

  it('hears a Python script that prints its replies without flushing', async () => {
    const script =
      'import json, sys\nfor line in sys.stdin:\n    print(json.loads(line)["params"]["x"] * 2)\n';
    const inherited = process.env.PYTHONUNBUFFERED;
    delete process.env.PYTHONUNBUFFERED; // this machine sets it; users' machines usually do not
    try {
      const results = await evaluateWith(
        { command: python, args: ['-c', script], protocol: 'line', timeoutSeconds: 2 },
        [{ index: 0, params: { x: 1.5, y: 0 } }],
      );
      expect(results[0]).toMatchObject({ fitness: 3 });
    } finally {
      if (inherited !== undefined) process.env.PYTHONUNBUFFERED = inherited;
    }
  });

  it('refuses per-evaluation placeholders in a line command', async () => {
    await expect(evaluateWith({ command: python, args: ['{x}'], protocol: 'line' }, [])).rejects.toThrow(
      /objective\.args\[0\] uses \{x\}, but a line process is started once per worker/,
    );
  });
});
