import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { loadProblem, parseProblem } from '../../../../engine/node/problem/schema';
import { resumeRun, startRun } from '../../../../engine/node/run/runner';
import type { GenerationEvent } from '../../../../engine/node/run/types';
import type { JournalRecord } from '../../../../engine/node/run/folder';

const fixtures = resolve(__dirname, '../../../fixtures/runs');
const scratch = scratchDirectories('evobox-run-');

function journal(runDir: string): JournalRecord[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalRecord);
}

describe('runs', () => {
  it('writes the run folder: problem, journal, checkpoint, best, result', async () => {
    const problem = parseProblem(
      {
        name: 'sphere',
        objective: { builtin: 'sphere', dimension: 4 },
        budget: { evaluations: 400 },
        seed: 3,
      },
      fixtures,
    );
    const events: GenerationEvent[] = [];
    const run = await startRun(problem, { runsDir: scratch(), onGeneration: (e) => events.push(e) });
    const result = await run.done;
    expect(result.stopReason).toBe('budget-evaluations');
    expect(result.evaluations).toBe(400);
    const records = journal(run.runDir);
    expect(records.map((r) => r.index)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    const bestRecord = records.reduce((a, b) => (b.fitness! < a.fitness! ? b : a));
    const best = JSON.parse(readFileSync(join(run.runDir, 'best.json'), 'utf8'));
    expect(best.fitness).toBe(bestRecord.fitness);
    expect(best.params).toEqual(bestRecord.params);
    expect(result.best!.fitness).toBe(bestRecord.fitness);
    expect(JSON.parse(readFileSync(join(run.runDir, 'result.json'), 'utf8')).evaluations).toBe(400);
    expect(existsSync(join(run.runDir, 'checkpoint.json'))).toBe(true);
    expect(events.at(-1)!.evaluations).toBe(400);
    expect(events[0].samples.length).toBe(events[0].sampleFitness.length);
    expect(events[0].distribution!.mean).toHaveLength(4);
  });

  it('gives the same journal for 1 and 3 workers, apart from timings and worker ids', async () => {
    const problem = loadProblem(join(fixtures, 'line.problem.json'));
    const strip = (records: JournalRecord[]) => records.map(({ ms: _ms, worker: _worker, ...rest }) => rest);
    const one = await (await startRun({ ...problem, workers: 1 }, { runsDir: scratch() })).done;
    const three = await (await startRun({ ...problem, workers: 3 }, { runsDir: scratch() })).done;
    expect(one.evaluations).toBe(200);
    expect(strip(journal(three.runDir))).toEqual(strip(journal(one.runDir)));
    expect(new Set(journal(three.runDir).map((r) => r.worker)).size).toBeGreaterThan(1);
    expect(three.best).toEqual(one.best);
  });

  it('pauses, resumes and stops on request; a stopped run resumes to the same end', async () => {
    const problem = loadProblem(join(fixtures, 'slow.problem.json'));
    const reference = await (await startRun(problem, { runsDir: scratch() })).done;

    const ref: { handle?: Awaited<ReturnType<typeof startRun>> } = {};
    let paused = false;
    let generationsWhilePaused = 0;
    const run = await startRun(problem, {
      runsDir: scratch(),
      onGeneration: (e) => {
        if (paused) generationsWhilePaused++;
        if (e.generation === 3 && ref.handle) {
          ref.handle.pause();
          paused = true;
          setTimeout(() => {
            paused = false;
            ref.handle!.resume();
          }, 150);
        }
        if (e.generation === 10) ref.handle?.stop();
      },
    });
    ref.handle = run;
    const stopped = await run.done;
    expect(generationsWhilePaused).toBe(0);
    expect(stopped.stopReason).toBe('stopped-by-user');
    expect(stopped.evaluations).toBeLessThan(reference.evaluations);

    const resumed = await (await resumeRun(run.runDir)).done;
    expect(resumed.stopReason).toBe(reference.stopReason);
    expect(resumed.evaluations).toBe(reference.evaluations);
    expect(resumed.best).toEqual(reference.best);
  });

  it('stops with a clear error when every evaluation fails', async () => {
    const problem = loadProblem(join(fixtures, 'always-fails.problem.json'));
    const result = await (await startRun(problem, { runsDir: scratch() })).done;
    expect(result.stopReason).toBe('too-many-failures');
    expect(result.error).toMatch(/failed evaluations/);
    expect(result.evaluations).toBeLessThan(100);
    const records = journal(result.runDir);
    expect(records.every((r) => r.fitness === null && r.error)).toBe(true);
  });
});

describe('fast in-process runs', () => {
  it('still hear timers, so a stop request from a timer ends the run', async () => {
    const problem = parseProblem(
      {
        name: 'fast',
        objective: { builtin: 'sphere', dimension: 3, noise: 1 },
        budget: { evaluations: 50_000_000 },
        stop: { stagnationGenerations: 1e9 },
        // Alone, CMA-ES on this noisy sphere exhausts its model in about a quarter of a
        // second; IPOP restarts with growing populations keep it busy for many seconds.
        restarts: { mode: 'ipop', maxRestarts: 1000 },
        seed: 1,
      },
      fixtures,
    );
    const run = await startRun(problem, { runsDir: scratch() });
    setTimeout(() => run.stop(), 300);
    const result = await run.done;
    expect(result.stopReason).toBe('stopped-by-user');
    expect(result.evaluations).toBeLessThan(50_000_000);
  });
});
