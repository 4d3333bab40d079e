/**
 * The batched request form (`blackBox.batch`) and training on a chosen executor: per-sample
 * and batched runs give the same losses for a fixed seed, a bad batch answer fails exactly
 * its samples (counted, never zero), and `--executor` / the problem's `executor` reach F.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchAnswersOf, createBlackBox } from '../../../../engine/node/train/black-box';
import { parseTrainProblem, TrainProblemError } from '../../../../engine/node/train/problem';
import { readJournal } from '../../../../engine/node/train/run-files';
import { startTraining } from '../../../../engine/node/train/session';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const example = join(root, 'examples/train-rotation');
const scratch = scratchDirectories('evobox-train-batch-');

/** A rotation F that fails every sample with x1 > 1 (per-sample: {"error"}; batched: that item). */
function failingRotation(dir: string): string {
  const script = join(dir, 'picky.py');
  writeFileSync(
    script,
    [
      '#!/usr/bin/python3',
      'import json, math, sys',
      'def one(p):',
      '    if p["x1"] > 1: return {"error": "x1 out of range"}',
      '    c, s = math.cos(p["o"]), math.sin(p["o"])',
      '    return [c * p["x1"] - s * p["x2"], s * p["x1"] + c * p["x2"]]',
      'for line in sys.stdin:',
      '    r = json.loads(line)',
      '    if "batch" in r:',
      '        print(json.dumps({"id": r["id"], "y": [one(p) for p in r["batch"]]}), flush=True)',
      '    else:',
      '        y = one(r["params"])',
      '        print(json.dumps(y if isinstance(y, dict) else {"id": r["id"], "y": y}), flush=True)',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return script;
}

function problem(blackBox: Record<string, unknown>, changes: Record<string, unknown> = {}) {
  return parseTrainProblem(
    {
      name: 'batch',
      data: { file: 'data.csv', inputs: ['x1', 'x2'], targets: ['y1', 'y2'] },
      model: { hidden: [8], outputs: ['o'] },
      blackBox,
      trainer: { name: 'fd-backprop', batchSize: 16 },
      budget: { steps: 12 },
      validateEvery: 4,
      checkpointEvery: 4,
      seed: 3,
      ...changes,
    },
    example,
  );
}

async function train(p: ReturnType<typeof problem>) {
  const runDir = join(scratch(), 'run');
  const handle = await startTraining(p, { runDir });
  const result = await handle.done;
  return { result, journal: readJournal(runDir) };
}

describe('batchAnswersOf', () => {
  const ok = (y: unknown) => ({ fitness: Number.NaN, extras: { y }, ms: 1, worker: 0 });

  it('reads one row per item and fails only the items that are wrong', () => {
    const answers = batchAnswersOf(ok([[1, 2], null, { error: 'diverged' }, [1], [1, 'a']]), 5, 2);
    expect(answers[0]).toEqual({ y: Float64Array.from([1, 2]) });
    expect(answers.slice(1)).toEqual([
      { error: 'batch item 1: F answered null, expected 2 numbers' },
      { error: 'batch item 2: diverged' },
      { error: 'batch item 3: F answered 1 values, expected 2 (one per target column)' },
      { error: 'batch item 4: y must be finite numbers (got [1,"a"])' },
    ]);
  });

  it('reads a batch whose every item failed as per-item failures', () => {
    expect(batchAnswersOf(ok([{ error: 'a' }, { error: 'b' }]), 2, 2)).toEqual([
      { error: 'batch item 0: a' },
      { error: 'batch item 1: b' },
    ]);
  });

  it('fails every item of an answer with the wrong number of rows, or of a failed request', () => {
    expect(batchAnswersOf(ok([[1, 2]]), 3, 2)).toEqual(
      Array(3).fill({ error: 'F answered 1 rows for a batch of 3 (expected one row per item)' }),
    );
    expect(batchAnswersOf({ fitness: null, error: 'timed out', ms: 1, worker: 0 }, 2, 2)).toEqual([
      { error: 'timed out' },
      { error: 'timed out' },
    ]);
    expect(batchAnswersOf(ok([1, 2]), 2, 2)[0]).toMatchObject({
      error: expect.stringContaining('expected {"y": [[...], ...]} with one row per item'),
    });
  });
});

describe('batched black box', () => {
  const settings = {
    inputNames: ['x1', 'x2'],
    outputNames: ['o'],
    targetCount: 2,
    cwd: example,
    workers: 1,
    seed: 0,
  };

  it('sends {"id", "batch"} requests of batchSize items and reads the rows in order', async () => {
    const dir = scratch();
    const log = join(dir, 'requests.jsonl');
    const script = join(dir, 'logging.py');
    writeFileSync(
      script,
      `#!/usr/bin/python3\nimport json, sys\nfor line in sys.stdin:\n    open(${JSON.stringify(log)}, "a").write(line)\n    r = json.loads(line)\n    print(json.dumps({"id": r["id"], "y": [[p["x1"] + p["o"], p["x2"]] for p in r["batch"]]}), flush=True)\n`,
    );
    chmodSync(script, 0o755);
    const box = await createBlackBox({ command: script, protocol: 'line', batchSize: 2 }, settings);
    try {
      const points = [0, 1, 2].map((i) => ({ x: [i, i + 1], o: [10 * i] }));
      const { answers, failures } = await box.evaluate(points, 40);
      expect(failures).toEqual([]);
      expect(answers.map((a) => Array.from(a.y!))).toEqual([
        [0, 1],
        [11, 2],
        [22, 3],
      ]);
    } finally {
      await box.close();
    }
    const requests = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; batch: unknown[] });
    expect(requests.map((r) => [r.id, r.batch.length])).toEqual([
      [40, 2],
      [42, 1],
    ]);
    expect(requests[0].batch[1]).toEqual({ x1: 1, x2: 2, o: 10 });
  });

  it('rejects a batch with the args protocol, naming the field', () => {
    expect(() => problem({ command: './rotate.py', protocol: 'args', batch: true })).toThrow(
      /blackBox\.batch: a batched black box needs protocol "line" or "json-stdin"/,
    );
  });
});

describe('evobox train: per-sample and batched F agree', () => {
  it('gives the same journal (losses, F calls) for a fixed seed', async () => {
    const perSample = await train(problem({ command: './rotate.py' }));
    const batched = await train(problem({ command: './rotate.py', batch: true }));
    const strip = (lines: typeof perSample.journal) => lines.map(({ ms: _ms, ...rest }) => rest);
    expect(batched.journal.length).toBe(12);
    expect(strip(batched.journal)).toEqual(strip(perSample.journal));
    expect(batched.result.validationLoss).toBe(perSample.result.validationLoss);
    expect(batched.result.failures).toBe(0);
  });

  it('counts failed batch items like failed per-sample calls and drops the same samples', async () => {
    const dir = scratch();
    const script = failingRotation(dir);
    const perSample = await train(problem({ command: script }, { trainer: { name: 'es', batchSize: 16 } }));
    const batched = await train(
      problem({ command: script, batch: true }, { trainer: { name: 'es', batchSize: 16 } }),
    );
    expect(perSample.result.failures).toBeGreaterThan(0);
    expect(batched.result.failures).toBe(perSample.result.failures);
    expect(batched.journal.map((l) => [l.trainLoss, l.failures, l.dropped])).toEqual(
      perSample.journal.map((l) => [l.trainLoss, l.failures, l.dropped]),
    );
    expect(batched.journal.find((l) => l.failure)?.failure).toMatch(/batch item \d+: x1 out of range/);
  });
});

describe('evobox train on an executor', () => {
  const bin = join(root, 'bin/evobox.mjs');

  it("runs end to end with --executor local and with the problem file's executor", () => {
    const dir = scratch();
    const base = JSON.parse(readFileSync(join(example, 'problem.json'), 'utf8')) as Record<string, unknown>;
    const path = join(dir, 'problem.json');
    const write = (changes: Record<string, unknown>) =>
      writeFileSync(
        path,
        JSON.stringify({
          ...base,
          data: { ...(base.data as object), file: join(example, 'data.csv') },
          blackBox: { command: join(example, 'rotate.py'), batch: true },
          budget: { steps: 6 },
          ...changes,
        }),
      );
    write({});
    const run = (args: string[]) =>
      spawnSync(process.execPath, [bin, 'train', path, '--json', ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const flagged = run(['--executor', 'local', '--out', join(dir, 'a')]);
    expect(flagged.stderr).toBe('');
    expect(JSON.parse(flagged.stdout)).toMatchObject({ steps: 6, fCalls: 6 * 32 * 3, failures: 0 });
    write({ executor: { kind: 'local' } });
    const fromFile = run(['--out', join(dir, 'b')]);
    expect(JSON.parse(fromFile.stdout).validationLoss).toBe(JSON.parse(flagged.stdout).validationLoss);

    write({ executor: { kind: 'nowhere' } });
    const bad = run(['--out', join(dir, 'c')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/executor\.kind: expected one of local, bullmq.*\(got "nowhere"\)/);
    const badFlag = run(['--executor', 'nowhere', '--out', join(dir, 'd')]);
    expect(badFlag.status).not.toBe(0);
    expect(badFlag.stderr).toMatch(/--executor.*expected one of local/);
  });

  it('rejects a malformed executor in the problem, naming the field', () => {
    expect(() => problem({ command: './rotate.py' }, { executor: { kind: 'local', extra: 1 } })).toThrow(
      TrainProblemError,
    );
    expect(() => problem({ command: './rotate.py' }, { executor: { kind: 'local', extra: 1 } })).toThrow(
      /executor\.extra: unknown field/,
    );
  });
});
