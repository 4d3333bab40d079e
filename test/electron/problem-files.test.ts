import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../scratch-directories';
import {
  listExamples,
  listFolder,
  openProblem,
  problemFromExecutable,
  problemNameFrom,
  relocateDraft,
  saveProblem,
} from '../../electron/backend/problem-files';
import { loadProblem } from '../../engine/node/problem/schema';

const repoRoot = join(import.meta.dirname, '..', '..');

const scratch = scratchDirectories('evobox-problem-files-');

describe('problem files', () => {
  it('opens a valid file with its parameters spelled out, and an invalid one with the reason', () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'ok.problem.json'),
      JSON.stringify({ name: 'ok', objective: { builtin: 'sphere', dimension: 3 } }),
    );
    const opened = openProblem(join(dir, 'ok.problem.json'));
    expect(opened.error).toBeUndefined();
    expect(opened.baseDir).toBe(dir);
    expect(opened.draft.parameters?.map((p) => p.name)).toEqual(['x1', 'x2', 'x3']);

    writeFileSync(
      join(dir, 'bad.problem.json'),
      JSON.stringify({
        name: 'bad',
        objective: { builtin: 'sphere' },
        parameters: [{ name: 'x', lower: 2, upper: 1 }],
      }),
    );
    const bad = openProblem(join(dir, 'bad.problem.json'));
    expect(bad.error).toMatch(/lower must be < upper/);
    expect(bad.draft.parameters).toEqual([{ name: 'x', lower: 2, upper: 1 }]);

    writeFileSync(join(dir, 'broken.json'), '{ nope');
    expect(() => openProblem(join(dir, 'broken.json'))).toThrow(/not valid JSON/);
  });

  it('starts a problem around an executable', () => {
    const dir = scratch();
    const exe = join(dir, 'my sim.sh');
    writeFileSync(exe, '#!/bin/sh\necho 1\n');
    chmodSync(exe, 0o755);
    const opened = problemFromExecutable(exe, 'cma-es');
    expect(opened.draft.name).toBe('my-sim');
    expect(opened.draft.objective).toMatchObject({ command: exe, args: ['{x1}'], protocol: 'args' });
    expect(problemNameFrom('/a/b/solver.v2.py')).toBe('solver.v2');
    expect(problemNameFrom('/a/b/%%%')).toBe('problem');
  });

  it('saves a draft elsewhere with relative paths still pointing at the same files', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'sim'));
    mkdirSync(join(dir, 'problems'));
    const exe = join(dir, 'sim', 'run.sh');
    writeFileSync(exe, '#!/bin/sh\necho 1\n');
    chmodSync(exe, 0o755);
    const draft = {
      name: 'p',
      objective: { command: './run.sh', args: ['{x}'], protocol: 'args' },
      parameters: [{ name: 'x', lower: 0, upper: 1 }],
    };
    const saved = saveProblem(draft, join(dir, 'sim'), join(dir, 'problems', 'p.problem.json'));
    expect(saved.draft.objective.command).toBe(join(dir, 'sim', 'run.sh'));
    expect(JSON.parse(readFileSync(saved.path!, 'utf8')).objective.command).toBe(join(dir, 'sim', 'run.sh'));
    expect(loadProblem(saved.path!).objective).toMatchObject({ command: exe });

    const inside = saveProblem(draft, join(dir, 'sim'), join(dir, 'p.problem.json'));
    expect(inside.draft.objective.command).toBe('./sim/run.sh');
    expect(loadProblem(inside.path!).objective).toMatchObject({ command: exe });
    expect(() => saveProblem(draft, join(dir, 'sim'), join(dir, 'p.txt'))).toThrow(/end in \.json/);
  });

  it('relocates module, cwd and template paths too, and leaves PATH commands alone', () => {
    const moved = relocateDraft(
      {
        name: 'p',
        objective: {
          command: 'python3',
          module: 'm.mjs',
          cwd: '.',
          templates: [{ source: 't/deck', target: 'deck' }],
        },
      },
      '/a/b',
      '/a',
    );
    expect(moved.objective).toEqual({
      command: 'python3',
      module: './b/m.mjs',
      cwd: './b',
      templates: [{ source: './b/t/deck', target: 'deck' }],
    });
  });

  it('lists the bundled examples and folder contents', () => {
    const examples = listExamples(join(repoRoot, 'examples'));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(example.path).toMatch(/problem\.json$/);
    expect(listExamples('/nonexistent')).toEqual([]);

    const dir = scratch();
    mkdirSync(join(dir, 'zdir'));
    writeFileSync(join(dir, 'a.json'), '{}');
    writeFileSync(join(dir, '.hidden'), '');
    const exe = join(dir, 'b.sh');
    writeFileSync(exe, '');
    chmodSync(exe, 0o755);
    const listing = listFolder(dir);
    expect(listing.entries.map((e) => [e.name, e.kind, e.executable])).toEqual([
      ['zdir', 'dir', false],
      ['a.json', 'file', false],
      ['b.sh', 'file', true],
    ]);
    expect(listFolder('/').parent).toBeNull();
  });
});
