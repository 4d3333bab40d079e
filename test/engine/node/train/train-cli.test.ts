/**
 * `evobox train`, `resume` and `predict` as users call them: exit 2 on bad data naming the
 * row and column, resume after kill -9 equal to an uninterrupted run, and the exported
 * model.mjs / model.py agreeing with `evobox predict`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');
const example = join(root, 'examples/train-rotation');
const scratch = scratchDirectories('evobox-train-');

function evobox(args: string[], cwd = root) {
  const out = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

function problemWith(dir: string, data: string, changes: Record<string, unknown> = {}): string {
  writeFileSync(join(dir, 'data.csv'), data);
  const problem = {
    name: 'test',
    data: { file: 'data.csv', inputs: ['x1', 'x2'], targets: ['y1', 'y2'] },
    model: { hidden: [8], outputs: ['o'] },
    blackBox: { command: join(example, 'rotate.py') },
    trainer: { name: 'fd-backprop', batchSize: 16 },
    budget: { steps: 80 },
    validateEvery: 10,
    checkpointEvery: 10,
    seed: 4,
    ...changes,
  };
  const path = join(dir, 'problem.json');
  writeFileSync(path, JSON.stringify(problem));
  return path;
}

const exampleData = readFileSync(join(example, 'data.csv'), 'utf8');

describe('evobox train: bad data files exit 2 naming where', () => {
  it.each([
    [
      'a missing column',
      'x1,x3,y1,y2\n1,2,3,4\n2,3,4,5\n3,4,5,6\n',
      /data\.inputs\[1\]: column "x2" is not in .*data\.csv \(columns: x1, x3, y1, y2\)/,
    ],
    [
      'a non-numeric cell',
      'x1,x2,y1,y2\n1,2,3,4\n2,abc,4,5\n3,4,5,6\n4,5,6,7\n',
      /data\.csv row 2, column "x2": "abc" is not a finite number/,
    ],
    [
      'an empty cell',
      'x1,x2,y1,y2\n1,2,3,4\n2,3,4,5\n3,4,,6\n4,5,6,7\n',
      /data\.csv row 3, column "y1": "" is not a finite number/,
    ],
    [
      'a short row',
      'x1,x2,y1,y2\n1,2,3,4\n2,3,4\n',
      /data\.csv row 2 \(line 3\): expected 4 fields like the header, got 3/,
    ],
    [
      'too few rows',
      'x1,x2,y1,y2\n1,2,3,4\n2,3,4,5\n',
      /data\.csv has 2 data rows; training with a validation split needs at least 3/,
    ],
  ])('%s', (_what, data, message) => {
    const dir = scratch();
    const { code, stderr } = evobox([
      'train',
      problemWith(dir, data),
      '--out',
      join(dir, 'run'),
      '--no-progress',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('names the problem field that is wrong', () => {
    const dir = scratch();
    const path = problemWith(dir, exampleData, { model: { hidden: [0], outputs: ['o'] } });
    const { code, stderr } = evobox(['train', path, '--no-progress']);
    expect(code).toBe(2);
    expect(stderr).toContain('model.hidden[0]');
  });

  it('names an unknown trainer option', () => {
    const dir = scratch();
    const path = problemWith(dir, exampleData, { trainer: { name: 'reinforce', options: { sigmaa: 1 } } });
    const { code, stderr } = evobox(['train', path, '--no-progress']);
    expect(code).toBe(2);
    expect(stderr).toContain('trainer.options.sigmaa');
  });
});

function withoutTimes(journal: string) {
  return journal
    .trim()
    .split('\n')
    .map((line) => {
      const { ms: _ms, ...rest } = JSON.parse(line);
      return rest;
    });
}

async function killWhenCheckpointed(args: string[], runDir: string, step: number): Promise<void> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8'));
      if (checkpoint.step >= step) break;
    } catch {
      // not written yet
    }
    await new Promise((done) => setTimeout(done, 5));
  }
  child.kill('SIGKILL');
  await new Promise((done) => child.on('exit', done));
}

describe('evobox train: runs, resume and export', () => {
  it('resumes after kill -9 to the same model as an uninterrupted run', async () => {
    const dir = scratch();
    const path = problemWith(dir, exampleData, { budget: { steps: 120 } });
    const whole = join(dir, 'whole');
    const first = evobox(['train', path, '--out', whole, '--json']);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ steps: 120, fCalls: 120 * 16 * 3, failures: 0, stopReason: 'steps' });

    const killed = join(dir, 'killed');
    await killWhenCheckpointed(['train', path, '--out', killed, '--no-progress'], killed, 30);
    expect(existsSync(join(killed, 'result.json'))).toBe(false);
    const resumed = evobox(['resume', killed, '--json']);
    expect(resumed.code).toBe(0);
    const after = JSON.parse(resumed.stdout);
    expect({ ...after, runDir: '', elapsedMs: 0 }).toEqual({ ...result, runDir: '', elapsedMs: 0 });
    const model = (run: string) => JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
    expect(model(killed).layers).toEqual(model(whole).layers);
    expect(withoutTimes(readFileSync(join(killed, 'journal.jsonl'), 'utf8'))).toEqual(
      withoutTimes(readFileSync(join(whole, 'journal.jsonl'), 'utf8')),
    );
  }, 120_000);

  it('exports model.mjs and model.py that agree with evobox predict', () => {
    const dir = scratch();
    const path = problemWith(dir, exampleData, { budget: { steps: 30 } });
    const run = join(dir, 'run');
    expect(evobox(['train', path, '--out', run, '--no-progress']).code).toBe(0);
    const data = join(example, 'data.csv');
    const predicted = evobox(['predict', join(run, 'model.json'), data]);
    expect(predicted.code).toBe(0);
    const js = spawnSync(process.execPath, [join(run, 'model.mjs'), data], { encoding: 'utf8' });
    const py = spawnSync('/usr/bin/python3', [join(run, 'model.py'), data], { encoding: 'utf8' });
    const rows = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => line.split(','));
    const reference = rows(predicted.stdout);
    expect(reference).toHaveLength(401);
    expect(reference[0]).toEqual(['x1', 'x2', 'o']);
    for (const other of [rows(js.stdout), rows(py.stdout)]) {
      expect(other[0]).toEqual(reference[0]);
      expect(other).toHaveLength(reference.length);
      other
        .slice(1)
        .forEach((row, r) =>
          row.forEach((cell, c) => expect(Number(cell)).toBeCloseTo(Number(reference[r + 1][c]), 12)),
        );
    }
    // The outputs vary with x: a model, not a constant.
    const outputs = new Set(reference.slice(1).map((row) => row[2]));
    expect(outputs.size).toBeGreaterThan(300);
  }, 60_000);

  it('predict names a missing input column with exit 2', () => {
    const dir = scratch();
    const path = problemWith(dir, exampleData, { budget: { steps: 2 } });
    const run = join(dir, 'run');
    expect(evobox(['train', path, '--out', run, '--no-progress']).code).toBe(0);
    writeFileSync(join(dir, 'other.csv'), 'x1,y\n1,2\n');
    const { code, stderr } = evobox(['predict', join(run, 'model.json'), join(dir, 'other.csv')]);
    expect(code).toBe(2);
    expect(stderr).toContain('column "x2" is not in');
  });

  it('counts F’s failures and drops those samples instead of scoring them zero', () => {
    const dir = scratch();
    const flaky = join(dir, 'flaky.mjs');
    writeFileSync(
      flaky,
      `export function evaluate({ x1, x2, o }) {
        if (x1 > 1.5) throw new Error('outside the simulator’s range');
        const c = Math.cos(o), s = Math.sin(o);
        return [c * x1 - s * x2, s * x1 + c * x2];
      }\n`,
    );
    const path = problemWith(dir, exampleData, { blackBox: { module: flaky }, budget: { steps: 20 } });
    const run = join(dir, 'run');
    const out = evobox(['train', path, '--out', run, '--json']);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.failures).toBeGreaterThan(0);
    const journal = readFileSync(join(run, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const dropped = journal.reduce((sum, line) => sum + line.dropped, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(journal.find((line) => line.failure)?.failure).toContain('outside the simulator’s range');
    expect(result.validationLoss).toBeGreaterThan(0);
  }, 60_000);
});
