import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  EventChannel,
  EventPayloads,
  RunProgressBatch,
  RunStatusEvent,
} from '../../electron/ipc-contract';
import { Backend, strategyInfos } from '../../electron/backend/service';
import { strategies } from '../../engine/strategies/registry';

const repoRoot = join(import.meta.dirname, '..', '..');
const fixtures = join(repoRoot, 'test', 'e2e', 'fixtures');

const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

function backend() {
  const events: { event: EventChannel; payload: EventPayloads[EventChannel] }[] = [];
  const runsDir = mkdtempSync(join(tmpdir(), 'evobox-service-'));
  scratchDirs.push(runsDir);
  const instance = new Backend({
    mode: 'browser',
    runsDir,
    examplesDir: join(repoRoot, 'examples'),
    emit: (event, payload) => events.push({ event, payload }),
    batchIntervalMs: 50,
  });
  const statuses = () =>
    events.filter((e) => e.event === 'run:status').map((e) => (e.payload as RunStatusEvent).status);
  const batches = () =>
    events.filter((e) => e.event === 'run:progress').map((e) => e.payload as RunProgressBatch);
  return { instance, events, runsDir, statuses, batches };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

const firstStrategy = Object.keys(strategies)[0];
const sphere = {
  name: 'sphere-2d',
  objective: { builtin: 'sphere' },
  parameters: [
    { name: 'a', lower: -5, upper: 5, init: 3 },
    { name: 'b', lower: -5, upper: 5, init: -2 },
  ],
  strategy: { name: firstStrategy },
  budget: { evaluations: 400 },
  seed: 1,
};

describe('backend service', () => {
  it('lists every registered strategy with defaults resolved for the dimension', () => {
    const infos = strategyInfos(10);
    expect(infos.map((s) => s.id)).toEqual(Object.keys(strategies));
    for (const info of infos) {
      const strategy = strategies[info.id];
      for (const option of info.options) {
        const spec = strategy.options[option.name];
        expect(option.default).toEqual(spec.dimensionDefault ? spec.dimensionDefault(10) : spec.default);
        expect(option.type).toBe(typeof spec.default);
        expect(option.description).toBe(spec.description);
      }
    }
  });

  it('validates drafts with the engine’s field-named errors', async () => {
    const { instance } = backend();
    expect(await instance.invoke('problem:validate', { draft: sphere, baseDir: '/tmp' })).toEqual({
      ok: true,
      dimension: 2,
      freeNames: ['a', 'b'],
    });
    const bad = await instance.invoke('problem:validate', {
      draft: { ...sphere, parameters: [{ name: 'a', lower: 1, upper: 0 }] },
      baseDir: '/tmp',
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.join('\n')).toMatch(/lower must be < upper/);
    await expect(instance.invoke('problem:validate', { draft: 'nope' })).rejects.toThrow(
      /problem:validate: invalid request/,
    );
  });

  it('probes: a value for a working program, the reason and stderr for a broken one', async () => {
    const { instance } = backend();
    const ok = await instance.invoke('problem:probe', { draft: sphere, baseDir: '/tmp' });
    expect(ok.fitness).toBe(3 ** 2 + (-2) ** 2);
    expect(ok.params).toEqual({ a: 3, b: -2 });
    const broken = await instance.invoke('problem:open', { path: join(fixtures, 'broken', 'problem.json') });
    const failed = await instance.invoke('problem:probe', { draft: broken.draft, baseDir: broken.baseDir });
    expect(failed.fitness).toBeNull();
    expect(failed.error).toBe('exited with code 3');
    expect(failed.stderrTail).toContain('simulator exploded');
  });

  it('runs, batches progress, and reports the end with the result', async () => {
    const { instance, statuses, batches } = backend();
    const { runDir } = await instance.invoke('run:start', { draft: sphere, baseDir: '/tmp' });
    await until(() => statuses().includes('finished'));
    const all = batches().flatMap((b) => b.generations);
    expect(all.length).toBeGreaterThan(0);
    expect(all[all.length - 1].evaluations).toBeLessThanOrEqual(400);
    // Far fewer messages than generations: events are batched.
    expect(batches().length).toBeLessThan(all.length);
    expect(batches().every((b) => b.runDir === runDir)).toBe(true);
    const runs = await instance.invoke('runs:list', {});
    expect(runs[0]).toMatchObject({ runDir, status: 'finished', strategy: firstStrategy });
    const exported = await instance.invoke('run:export', { runDir, format: 'json' });
    expect(exported.filename).toMatch(/sphere-2d-best\.json$/);
    expect(JSON.parse(exported.content).params).toHaveProperty('a');
    await instance.dispose();
  });

  it('pauses, resumes and stops a run on request', async () => {
    const { instance, statuses, batches } = backend();
    const opened = await instance.invoke('problem:open', {
      path: join(fixtures, 'noisy-line', 'problem.json'),
    });
    const draft = { ...opened.draft, strategy: { name: firstStrategy }, workers: 1 };
    const { runDir } = await instance.invoke('run:start', { draft, baseDir: opened.baseDir });
    const evaluations = () =>
      batches()
        .flatMap((b) => b.generations)
        .at(-1)?.evaluations ?? 0;
    await until(() => evaluations() > 20);
    expect((await instance.invoke('run:control', { runDir, action: 'pause' })).status).toBe('paused');
    await until(() => statuses().includes('paused'));
    await new Promise((wake) => setTimeout(wake, 300)); // let the generation in flight land
    const paused = evaluations();
    await new Promise((wake) => setTimeout(wake, 300));
    expect(evaluations()).toBe(paused);
    await instance.invoke('run:control', { runDir, action: 'resume' });
    await until(() => evaluations() > paused);
    await instance.invoke('run:control', { runDir, action: 'stop' });
    await until(() => statuses().includes('finished'));
    await expect(instance.invoke('run:control', { runDir, action: 'pause' })).rejects.toThrow(
      /no run in progress/,
    );
    const [summary] = await instance.invoke('runs:list', {});
    expect(summary.stopReason).toBe('stopped-by-user');
  });
});

describe('resuming an interrupted run', () => {
  it('lists it as interrupted and continues it to its budget', async () => {
    const { instance, statuses, batches, events } = backend();
    const draft = {
      ...sphere,
      name: 'resumable',
      objective: { builtin: 'sphere', noise: 0.1 },
      budget: { evaluations: 20_000 },
      stop: { tolX: 1e-300, tolFun: 1e-300, stagnationGenerations: 1_000_000 },
    };
    const { runDir } = await instance.invoke('run:start', { draft, baseDir: '/tmp' });
    await instance.invoke('run:control', { runDir, action: 'stop' });
    await until(() => statuses().includes('finished'));
    const stoppedAt = batches()
      .flatMap((b) => b.generations)
      .at(-1)!.evaluations;
    expect(stoppedAt).toBeLessThan(20_000);
    // A crash leaves no result.json: that is what "interrupted" means.
    rmSync(join(runDir, 'result.json'));
    expect((await instance.invoke('runs:list', {}))[0]).toMatchObject({ runDir, status: 'interrupted' });

    events.length = 0;
    await instance.invoke('run:resume-dir', { runDir });
    await until(() => statuses().includes('finished'));
    const resumed = batches().flatMap((b) => b.generations);
    expect(resumed[0].evaluations).toBeGreaterThan(stoppedAt);
    const [summary] = await instance.invoke('runs:list', {});
    // It went on from where it stopped and ended by itself (budget or the strategy's own stop).
    expect(summary).toMatchObject({ runDir, status: 'finished' });
    expect(summary.evaluations).toBeGreaterThan(stoppedAt);
    expect(summary.stopReason).not.toBe('stopped-by-user');
  });
});

describe('a run that keeps its thread busy', () => {
  it('leaves the backend responsive: progress streams, pause and stop take effect', async () => {
    const { instance, statuses, batches } = backend();
    // An in-process built-in with one evaluation per generation: the engine's loop never
    // yields to the event loop, so it must not run on the backend's thread.
    const draft = {
      ...sphere,
      name: 'busy',
      objective: { builtin: 'sphere', noise: 0.01 },
      strategy: {
        name: 'openai-es',
        options: { stepSizeAdaptation: 'fixed', stepSize: 0.05, populationSize: 2 },
      },
      budget: { evaluations: 50_000_000 },
      stop: { tolX: 1e-300, tolFun: 1e-300, stagnationGenerations: 100_000_000 },
    };
    const { runDir } = await instance.invoke('run:start', { draft, baseDir: '/tmp' });
    const evaluations = () =>
      batches()
        .flatMap((b) => b.generations)
        .at(-1)?.evaluations ?? 0;
    await until(() => batches().length >= 3);
    const started = Date.now();
    await instance.invoke('app:info', {});
    expect(Date.now() - started).toBeLessThan(1000);
    await instance.invoke('run:control', { runDir, action: 'pause' });
    await until(() => statuses().includes('paused'));
    const pausedAt = evaluations();
    await instance.invoke('run:control', { runDir, action: 'stop' });
    await until(() => statuses().includes('finished'));
    const [summary] = await instance.invoke('runs:list', {});
    expect(summary.stopReason).toBe('stopped-by-user');
    expect(summary.evaluations).toBeLessThan(pausedAt + 1000);
  });
});
