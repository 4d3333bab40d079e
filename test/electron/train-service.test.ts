/**
 * The `train:*` channels through the Backend (both transports call `invoke`): request
 * validation, a data preview, a training run started, paused, resumed and read back equal
 * to its journal, the model export, and the run listed for History.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../electron/backend/service';
import type { TrainProblemDraft } from '../../electron/ipc-contract';
import { parseRequest } from '../../electron/ipc-contract';
import { scratchDirectories } from '../scratch-directories';

const repoRoot = join(import.meta.dirname, '..', '..');
const example = join(repoRoot, 'examples', 'train-rotation');
const scratch = scratchDirectories('evobox-train-service-');

function backend() {
  const runsDir = scratch();
  const instance = new Backend({
    mode: 'browser',
    runsDir,
    examplesDir: join(repoRoot, 'examples'),
    emit: () => undefined,
  });
  return { instance, runsDir };
}

const draft = (changes: Partial<TrainProblemDraft> = {}): TrainProblemDraft => ({
  name: 'gui-rotation',
  data: {
    file: join(example, 'data.csv'),
    inputs: ['x1', 'x2'],
    targets: ['y1', 'y2'],
    validation: { fraction: 0.2 },
  },
  model: { hidden: [8], activation: 'tanh', outputs: ['o'] },
  blackBox: { command: join(example, 'rotate.py'), protocol: 'line', batch: true },
  trainer: { name: 'fd-backprop', batchSize: 16, options: { learningRate: 0.02 } },
  budget: { steps: 30 },
  validateEvery: 5,
  checkpointEvery: 5,
  seed: 2,
  ...changes,
});

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

describe('train IPC validation', () => {
  it('names the channel and the field of a bad request', () => {
    expect(() => parseRequest('train:read', { runDir: '/x', from: -1 })).toThrow(
      /train:read: invalid request \(from: /,
    );
    expect(() => parseRequest('train:control', { runDir: '/x', action: 'explode' })).toThrow(
      /train:control: invalid request \(action: /,
    );
    expect(() =>
      parseRequest('train:start', { problem: { ...draft(), extra: 1 }, baseDir: example }),
    ).toThrow(/train:start: invalid request \(problem: Unrecognized key/);
    expect(() => parseRequest('train:export', { runDir: '/x', format: 'exe' })).toThrow(/format/);
  });

  it("reports the engine's field-named error for a problem it cannot train", async () => {
    const { instance } = backend();
    await expect(
      instance.invoke('train:start', {
        problem: draft({
          data: { file: join(example, 'data.csv'), inputs: ['x1', 'nope'], targets: ['y1', 'y2'] },
        }),
        baseDir: example,
      }),
    ).rejects.toThrow(/data\.inputs\[1\]: column "nope" is not in/);
    await expect(
      instance.invoke('train:start', {
        problem: draft({ model: { hidden: [0], outputs: ['o'] } }),
        baseDir: example,
      }),
    ).rejects.toThrow(/model\.hidden\[0\]/);
  });

  it('checks a module black box and an executor: the schema first, then the engine', async () => {
    const moduleBox = { module: join(example, 'rotate.mjs') };
    expect(() =>
      parseRequest('train:start', {
        problem: draft({ blackBox: { ...moduleBox, protocol: 'line' } as never }),
        baseDir: example,
      }),
    ).toThrow(/train:start: invalid request \(problem\.blackBox/);
    expect(() =>
      parseRequest('train:start', { problem: draft({ executor: { kind: '' } }), baseDir: example }),
    ).toThrow(/train:start: invalid request \(problem\.executor\.kind/);
    const { instance } = backend();
    // The oracle needs the gradient export named; the engine says so, naming the field.
    await expect(
      instance.invoke('train:start', {
        problem: draft({ blackBox: moduleBox, trainer: { name: 'oracle', options: {} } }),
        baseDir: example,
      }),
    ).rejects.toThrow(/trainer\.name: "oracle" needs a module black box that exports its gradient/);
    await expect(
      instance.invoke('train:start', {
        problem: draft({ executor: { kind: 'bullmq', redis: 'redis://127.0.0.1:1/0', queue: 7 } }),
        baseDir: example,
      }),
    ).rejects.toThrow(/executor\.queue/);
    await expect(
      instance.invoke('train:start', {
        problem: draft({
          blackBox: { ...moduleBox, gradient: 'gradient' },
          trainer: { name: 'oracle', options: {} },
          executor: { kind: 'bullmq', redis: 'redis://127.0.0.1:1/0' },
        }),
        baseDir: example,
      }),
    ).rejects.toThrow(/executor: the oracle trainer calls its gradient in-process/);
  });
});

describe('train channels', () => {
  it('previews a data file: columns, first rows, which columns are numeric', async () => {
    const { instance } = backend();
    const preview = await instance.invoke('train:preview', { path: join(example, 'data.csv'), rows: 3 });
    expect(preview.columns).toEqual(['x1', 'x2', 'y1', 'y2']);
    expect(preview.rowCount).toBe(400);
    const firstLine = readFileSync(join(example, 'data.csv'), 'utf8').split('\n')[1].split(',');
    expect(preview.rows).toHaveLength(3);
    expect(preview.rows[0]).toEqual(firstLine);
    expect(preview.numeric).toEqual(['x1', 'x2', 'y1', 'y2']);
  });

  it('lists the trainers with their option specs', async () => {
    const { instance } = backend();
    const list = await instance.invoke('train:trainers', { dimension: 65 });
    expect(list.map((t) => t.id)).toEqual(['fd-backprop', 'surrogate', 'reinforce', 'es', 'oracle']);
    const fd = list.find((t) => t.id === 'fd-backprop')!;
    expect(fd.options.map((o) => o.name)).toContain('learningRate');
    expect(list.find((t) => t.id === 'oracle')!.needsGradient).toBe(true);
  });

  it('trains, pauses, resumes to the end, reads the journal and exports the model', async () => {
    const { instance, runsDir } = backend();
    const { runDir } = await instance.invoke('train:start', {
      problem: draft({ budget: { steps: 400 } }),
      baseDir: example,
    });
    expect(runDir.startsWith(runsDir)).toBe(true);
    await until(async () => (await instance.invoke('train:read', { runDir, from: 0 })).total >= 10);
    expect((await instance.invoke('train:control', { runDir, action: 'pause' })).status).toBe('paused');
    const paused = await instance.invoke('train:read', { runDir, from: 0 });
    expect(paused.status).toBe('paused');
    expect(paused.steps).toBeLessThan(400);

    expect((await instance.invoke('train:control', { runDir, action: 'resume' })).status).toBe('running');
    await until(
      async () => (await instance.invoke('train:read', { runDir, from: 0 })).status === 'completed',
      60_000,
    );
    const view = await instance.invoke('train:read', { runDir, from: 0 });
    const journal = readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { step: number; validationLoss?: number });
    expect(view.total).toBe(400);
    expect(view.journal.map((l) => l.step)).toEqual(journal.map((l) => l.step));
    expect(view.validationLoss).toBe(journal.findLast((l) => l.validationLoss !== undefined)!.validationLoss);
    expect(view.validationLoss!).toBeLessThan(0.2);
    const tail = await instance.invoke('train:read', { runDir, from: 395 });
    expect(tail.journal.map((l) => l.step)).toEqual([396, 397, 398, 399, 400]);
    expect(view.predictions!.targets).toHaveLength(80);
    expect(view.predictions!.predictions.every((row) => row !== null && row.length === 2)).toBe(true);
    expect(view.outputs).toEqual(['o']);

    const json = await instance.invoke('train:export', { runDir, format: 'json' });
    expect(JSON.parse(json.content)).toMatchObject({ inputs: ['x1', 'x2'], step: 400 });
    const py = await instance.invoke('train:export', { runDir, format: 'py' });
    expect(py.filename).toMatch(/-model\.py$/);
    expect(py.content).toContain('def predict');

    const listed = await instance.invoke('train:list', {});
    expect(listed).toEqual([
      expect.objectContaining({ runDir, status: 'completed', steps: 400, trainer: 'fd-backprop' }),
    ]);
    // Optimisation history does not list training folders.
    expect(await instance.invoke('runs:list', {})).toEqual([]);
    await instance.dispose();
  });

  it('opens a training problem file as the workbench setup, and lists it as a train example', async () => {
    const { instance } = backend();
    const opened = await instance.invoke('train:open', { path: join(example, 'problem.json') });
    expect(opened).toMatchObject({
      name: 'train-rotation',
      data: { file: join(example, 'data.csv'), inputs: ['x1', 'x2'], targets: ['y1', 'y2'] },
      blackBox: { command: join(example, 'rotate.py'), protocol: 'line' },
      trainer: { name: 'fd-backprop', batchSize: 32, options: { learningRate: 0.02 } },
    });
    // A module black box opens too, with its gradient export (what the oracle needs).
    const oracle = await instance.invoke('train:open', { path: join(example, 'oracle.problem.json') });
    expect(oracle).toMatchObject({
      blackBox: { module: join(example, 'rotate.mjs'), export: 'evaluate', gradient: 'gradient' },
      trainer: { name: 'oracle' },
    });
    expect(oracle).not.toHaveProperty('executor');
    const examples = await instance.invoke('examples:list', {});
    expect(examples.find((e) => e.name === 'train-rotation')).toMatchObject({ kind: 'train' });
  });

  it('refuses to control a run that is not running', async () => {
    const { instance } = backend();
    await expect(instance.invoke('train:control', { runDir: scratch(), action: 'pause' })).rejects.toThrow(
      /is not a training run folder/,
    );
  });
});
