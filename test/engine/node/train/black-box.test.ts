/** The black-box adapter: train-mode answers through the evaluation layer's parsing and pool. */
import { writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResultLine, parseResultObject } from '../../../../engine/node/evaluation/result-parser';
import { createBlackBox } from '../../../../engine/node/train/black-box';
import { scratchDirectories } from '../../../scratch-directories';

const example = resolve(__dirname, '../../../../examples/train-rotation');
const scratch = scratchDirectories('evobox-blackbox-');

describe('vector answers', () => {
  it('reads {"y": [...]} and a bare array as extras.y with no fitness', () => {
    for (const line of ['{"y": [1, 2.5]}', '[1, 2.5]', '{"id": 3, "y": [1, 2.5]}']) {
      const parsed = parseResultLine(line, 'reply');
      expect(parsed).toMatchObject({ extras: { y: [1, 2.5] } });
      expect('fitness' in parsed && Number.isNaN(parsed.fitness)).toBe(true);
    }
  });

  it('rejects a y that is not finite numbers, and keeps fitness answers as they were', () => {
    expect(parseResultLine('{"y": [1, "a"]}', 'reply')).toEqual({
      error: 'reply "y" must be an array of finite numbers (got "[1,\\"a\\"]")',
    });
    expect(parseResultLine('[1, NaN]', 'reply')).toMatchObject({
      error: expect.stringContaining('not a valid JSON array'),
    });
    expect(parseResultObject({ fitness: 2, y: [1] })).toEqual({ fitness: 2, extras: { y: [1] } });
    expect(parseResultObject({ y: [1], error: 'diverged' })).toEqual({
      error: 'result reports an error: diverged',
    });
  });
});

describe('createBlackBox', () => {
  const settings = {
    inputNames: ['x1', 'x2'],
    outputNames: ['o'],
    targetCount: 2,
    cwd: example,
    workers: 1,
    seed: 0,
  };

  it('sends named inputs and outputs over the line protocol and reads y in order', async () => {
    const box = await createBlackBox({ command: join(example, 'rotate.py'), protocol: 'line' }, settings);
    try {
      const points = [
        { x: [1, 0], o: [Math.PI / 2] },
        { x: [0, 2], o: [Math.PI] },
      ];
      const { answers, failures } = await box.evaluate(points, 100);
      expect(failures).toEqual([]);
      expect(Array.from(answers[0].y!)).toEqual([expect.closeTo(0, 12), expect.closeTo(1, 12)]);
      expect(Array.from(answers[1].y!)).toEqual([expect.closeTo(0, 12), expect.closeTo(-2, 12)]);
    } finally {
      await box.close();
    }
  });

  it('fails a call whose answer has the wrong length or is a fitness', async () => {
    const dir = scratch();
    const script = join(dir, 'short.py');
    writeFileSync(
      script,
      '#!/usr/bin/python3\nimport json, sys\nfor line in sys.stdin:\n    p = json.loads(line)["params"]\n    print(json.dumps([p["o"]] if p["x1"] > 0 else p["o"]), flush=True)\n',
    );
    chmodSync(script, 0o755);
    const box = await createBlackBox({ command: script, protocol: 'line' }, settings);
    try {
      const { answers, failures } = await box.evaluate(
        [
          { x: [1, 0], o: [0.5] },
          { x: [-1, 0], o: [0.5] },
        ],
        0,
      );
      expect(answers.map((a) => a.y)).toEqual([null, null]);
      expect(failures).toEqual([
        'F answered 1 values, expected 2 (one per target column)',
        'F answered a fitness (0.5), expected {"y": [...]} or a JSON array of 2 numbers',
      ]);
    } finally {
      await box.close();
    }
  });

  it('returns the module’s gradient for oracle queries', async () => {
    const box = await createBlackBox(
      { module: join(example, 'rotate.mjs'), export: 'evaluate', gradient: 'gradient' },
      settings,
    );
    try {
      const { answers } = await box.evaluate([{ x: [1, 0], o: [0], gradient: true }], 0);
      expect(answers[0].jacobian!.map((row) => Array.from(row))).toEqual([[-0], [1]]);
    } finally {
      await box.close();
    }
  });
});
