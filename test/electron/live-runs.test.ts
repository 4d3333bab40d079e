/**
 * The backend's registry of live runs: what a page attaching later gets (bounded, with the
 * curve's spikes and best-so-far steps kept), and the Backend's attach / live-list channels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  EventChannel,
  EventPayloads,
  GenerationView,
  LiveRunSnapshot,
  RunStatusEvent,
} from '../../electron/ipc-contract';
import { LiveRun, type LiveRunLimits } from '../../electron/backend/live-runs';
import { Backend } from '../../electron/backend/service';
import type { RunHandle } from '../../electron/backend/engine';

const repoRoot = join(import.meta.dirname, '..', '..');
const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const idleHandle: RunHandle = {
  runDir: '/runs/r',
  status: 'running',
  pause() {},
  resume() {},
  stop() {},
  done: new Promise(() => undefined),
};

/** Generation g of a made-up run in n dimensions: 4 evaluations each, a new best every 10th. */
function view(g: number, n = 2): GenerationView {
  return {
    generation: g,
    evaluations: 4 * (g + 1),
    failedEvaluations: 0,
    elapsedMs: 10 * g,
    min: 1000 - g + (g % 7 === 3 ? -500 : 0),
    median: 1000 - g,
    best: g % 10 === 0 ? { params: { a: g }, fitness: 100 - g, index: 4 * g } : null,
    metrics: {},
    samples: [Array.from({ length: n }, () => g)],
    sampleFitness: [g],
    distribution: {
      mean: Array.from({ length: n }, () => g),
      stdDevs: Array.from({ length: n }, () => 1),
      stepSize: 1,
    },
    axisRatio: 1,
    restart: 0,
  };
}

const limits: LiveRunLimits = {
  maxViews: 100,
  minViews: 20,
  numbersBudget: 10_000,
  samplesTail: 5,
  shapeTail: 10,
  failures: 3,
};

function liveRun() {
  return new LiveRun(
    { runDir: '/runs/r', name: 'r', handle: idleHandle, problem: null, direction: 'minimize' },
    limits,
  );
}

describe('LiveRun', () => {
  it('keeps every view of a short run, bulk only for the recent ones', () => {
    const run = liveRun();
    run.record({
      runDir: '/runs/r',
      generations: Array.from({ length: 30 }, (_, g) => view(g)),
      failures: [],
    });
    const snapshot = run.snapshot();
    expect(snapshot.generations.map((v) => v.generation)).toEqual(Array.from({ length: 30 }, (_, g) => g));
    expect(snapshot.generations.filter((v) => v.samples).map((v) => v.generation)).toEqual([
      25, 26, 27, 28, 29,
    ]);
    expect(snapshot.generations.filter((v) => v.distribution?.stdDevs).length).toBe(10);
    expect(snapshot.generations.every((v) => v.distribution?.mean.length === 2)).toBe(true);
    expect(snapshot.evaluations).toBe(120);
  });

  it('thins a long run to its cap, keeping the last view, every best change and the best spike', () => {
    const run = liveRun();
    for (let start = 0; start < 1000; start += 50) {
      run.record({
        runDir: '/runs/r',
        generations: Array.from({ length: 50 }, (_, k) => view(start + k)),
        failures: [{ index: start, error: `failed ${start}` }],
      });
    }
    const { generations, failures } = run.snapshot();
    expect(generations.length).toBeLessThanOrEqual(100);
    expect(generations.length).toBeGreaterThan(50);
    expect(generations[generations.length - 1].generation).toBe(999);
    // Evaluations strictly increase (the series a page builds never runs backwards).
    for (let k = 1; k < generations.length; k++) {
      expect(generations[k].evaluations).toBeGreaterThan(generations[k - 1].evaluations);
    }
    // The best-so-far the page rebuilds ends at the true best (generation 990's).
    const bests = generations.filter((v) => v.best).map((v) => v.best!.fitness);
    expect(Math.min(...bests)).toBe(100 - 990);
    // The lowest generation value (a spike of -500 at g ≡ 3 mod 7) survives the thinning.
    const lowest = Math.min(...generations.map((v) => v.min!));
    expect(lowest).toBe(Math.min(...Array.from({ length: 1000 }, (_, g) => view(g).min!)));
    expect(failures.map((f) => f.index)).toEqual([0, 50, 100]);
  });

  it('keeps fewer views at a large dimension (bounded numbers), never fewer than minViews', () => {
    const run = liveRun();
    for (let start = 0; start < 400; start += 40) {
      run.record({
        runDir: '/runs/r',
        generations: Array.from({ length: 40 }, (_, k) => view(start + k, 1000)),
        failures: [],
      });
    }
    const { generations } = run.snapshot();
    expect(generations.length).toBeLessThanOrEqual(20);
    expect(generations.length).toBeGreaterThanOrEqual(15);
  });
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

describe('Backend registry of live runs', () => {
  it('lists a live run and attaches to it with what was sent so far; after its end, live: false', async () => {
    const events: { event: EventChannel; payload: EventPayloads[EventChannel] }[] = [];
    const runsDir = mkdtempSync(join(tmpdir(), 'evobox-live-'));
    scratchDirs.push(runsDir);
    const backend = new Backend({
      mode: 'browser',
      runsDir,
      examplesDir: join(repoRoot, 'examples'),
      emit: (event, payload) => events.push({ event, payload }),
      batchIntervalMs: 30,
    });
    const draft = {
      name: 'slow',
      objective: { module: join(repoRoot, 'test/fixtures/runs/slow-quadratic.mjs') },
      parameters: [{ name: 'x', lower: -5, upper: 5 }],
      strategy: { name: 'cma-es' },
      budget: { evaluations: 10_000 },
      seed: 2,
    };
    const { runDir } = await backend.invoke('run:start', { draft, baseDir: repoRoot });
    const sent = () => events.filter((e) => e.event === 'run:progress').length;
    await until(() => sent() >= 3);
    const live = await backend.invoke('runs:live', {});
    expect(live.map((r) => [r.runDir, r.name, r.status])).toEqual([[runDir, 'slow', 'running']]);

    await backend.invoke('run:control', { runDir, action: 'pause' });
    await until(() =>
      events.some((e) => e.event === 'run:status' && (e.payload as RunStatusEvent).status === 'paused'),
    );
    const snapshot = (await backend.invoke('run:attach', { runDir })) as LiveRunSnapshot;
    expect(snapshot.live).toBe(true);
    expect(snapshot.status).toBe('paused');
    expect(snapshot.problem?.name).toBe('slow');
    expect(snapshot.failedEvaluations).toBe(0);
    expect(snapshot.evaluations).toBeGreaterThan(0);
    // Exactly the generations the stream carried before the snapshot, in order.
    const streamed = events
      .filter((e) => e.event === 'run:progress')
      .flatMap((e) => (e.payload as EventPayloads['run:progress']).generations.map((v) => v.evaluations));
    expect(snapshot.generations.map((v) => v.evaluations)).toEqual(streamed);
    const lastStatus = events.filter((e) => e.event === 'run:status').pop()!.payload as RunStatusEvent;
    expect(snapshot.statusSeq).toBe(lastStatus.seq);

    await backend.invoke('run:control', { runDir, action: 'stop' });
    await until(() =>
      events.some((e) => e.event === 'run:status' && (e.payload as RunStatusEvent).status === 'finished'),
    );
    expect(await backend.invoke('run:attach', { runDir })).toEqual({ live: false, runDir });
    expect(await backend.invoke('runs:live', {})).toEqual([]);
    await backend.dispose();
  }, 60_000);
});
