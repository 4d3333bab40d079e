import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { startRun } from '../../../../engine/node/run/runner';
import type { GenerationEvent } from '../../../../engine/node/run/types';

/**
 * Seeded runs must write the same bytes whatever is done to make the run loop faster: these
 * hashes were taken from the runner before its hot paths were reworked (issue 17; the 100-D one
 * again on main once its journal moved parameters to binary rows at n ≥ 100) and guard
 * the journal, generations.jsonl and the generation events byte for byte. Only what depends
 * on the clock is blanked first: each evaluation's `ms` and the events' `elapsedMs`/`runDir`.
 * A change that alters a trace on purpose (a new journal field, another boundary map) updates
 * the hashes in the same commit and says why. The mixed and sep-CMA-ES traces changed when
 * bounded coordinates got pycma's standard-deviation ceiling of a third of the range
 * (`SearchSpace.stdDevCeiling`): their σ·√C_ii exceed it on the bounded parameters.
 */

const fixtures = resolve(__dirname, '../../../fixtures/runs');
const scratch = scratchDirectories('evobox-trace-');

const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * The journal with every `"ms":<number>` set to 0 (the only clock-dependent field), and the
 * binary parameter rows a run of ≥ 100 parameters writes beside it (params.f64).
 */
function journalHash(runDir: string): string {
  const text = readFileSync(join(runDir, 'journal.jsonl'), 'utf8');
  const rows = join(runDir, 'params.f64');
  const hash = createHash('sha256').update(text.replace(/"ms":[-+0-9.eE]+/g, '"ms":0'));
  if (existsSync(rows)) hash.update(readFileSync(rows));
  return hash.digest('hex').slice(0, 16);
}

function eventsHash(events: GenerationEvent[]): string {
  return sha(events.map(({ elapsedMs: _e, runDir: _r, ...rest }) => JSON.stringify(rest)).join('\n'));
}

async function traced(json: Record<string, unknown>) {
  const events: GenerationEvent[] = [];
  const run = await startRun(parseProblem(json, fixtures), {
    runsDir: scratch(),
    onGeneration: (event) => events.push(event),
  });
  const result = await run.done;
  return {
    result,
    journal: journalHash(run.runDir),
    generations: sha(readFileSync(join(run.runDir, 'generations.jsonl'), 'utf8')),
    events: eventsHash(events),
    restarts: events.at(-1)?.restart,
  };
}

const ellipsoid100 = {
  name: 'ellipsoid-100',
  objective: { builtin: 'ellipsoid' },
  parameters: Array.from({ length: 100 }, (_, i) => ({ name: `x${i}`, lower: -5, upper: 5 })),
  strategy: { name: 'cma-es' },
  budget: { evaluations: 3400 },
  seed: 7,
};

/** Every kind of parameter the search space maps: bounded, log, integer, fixed, unbounded. */
const mixed = {
  name: 'mixed',
  objective: { builtin: 'sphere' },
  parameters: [
    { name: 'a', lower: -3, upper: 4, init: 1 },
    { name: 'rate', lower: 1e-4, upper: 1, scale: 'log' },
    { name: 'layers', lower: 1, upper: 9, type: 'integer' },
    { name: 'fixed', fixed: 0.25 },
    { name: 'free', init: 2 },
    { name: 'edge', lower: 0, upper: 1, init: 0.99 },
  ],
  strategy: { name: 'cma-es', options: { populationSize: 9 } },
  restarts: { mode: 'ipop', maxRestarts: 2 },
  budget: { evaluations: 2500 },
  seed: 11,
};

describe('seeded traces stay byte-identical', () => {
  it('100-D ellipsoid, CMA-ES, bounded', async () => {
    const trace = await traced(ellipsoid100);
    expect(trace.result.evaluations).toBe(3400);
    expect({ journal: trace.journal, generations: trace.generations, events: trace.events }).toEqual({
      journal: '172afaaf26cf21e5',
      generations: 'db6ebc73ee420496',
      // Above 64 parameters the events' stdDevs are the strategy's σ·√C_ii, no longer √(σ²C)_ii
      // (which built the n² matrix for its diagonal): the same to 12 digits, other last bits.
      events: '9956e461f55a7703',
    });
  });

  it('mixed parameter kinds with IPOP restarts', async () => {
    const trace = await traced(mixed);
    expect(trace.result.evaluations).toBe(2500);
    expect(trace.restarts).toBe(1);
    expect({ journal: trace.journal, generations: trace.generations, events: trace.events }).toEqual({
      journal: '73ca449a157d382e',
      generations: '6bc2704bce8f973b',
      events: '2c416eeeb96c3cfa',
    });
  });

  it('a module objective inline writes the same journal as in a worker thread', async () => {
    const module = { ...mixed, name: 'module', objective: { module: 'weighted-squares.mjs' } };
    const threaded = await traced(module);
    const inline = await traced({ ...module, objective: { ...module.objective, inline: true } });
    expect(inline.result.evaluations).toBe(2500);
    expect(inline.result.best?.fitness).toBe(threaded.result.best?.fitness);
    expect({ journal: inline.journal, generations: inline.generations, events: inline.events }).toEqual({
      journal: threaded.journal,
      generations: threaded.generations,
      events: threaded.events,
    });
  });

  it('a module taking a vector writes the same journal as one taking params, in a thread and inline', async () => {
    const named = await traced({ ...mixed, name: 'module', objective: { module: 'weighted-squares.mjs' } });
    for (const inline of [false, true]) {
      const vector = await traced({
        ...mixed,
        name: 'module',
        objective: { module: 'weighted-squares-vector.mjs', input: 'vector', inline },
      });
      expect(vector.result.best?.fitness).toBe(named.result.best?.fitness);
      expect({ journal: vector.journal, generations: vector.generations }).toEqual({
        journal: named.journal,
        generations: named.generations,
      });
    }
  });

  it('sep-CMA-ES, maximised, stopped at a target', async () => {
    const trace = await traced({
      ...mixed,
      name: 'sep-max',
      objective: { builtin: 'sphere', direction: 'maximize' },
      restarts: undefined,
      strategy: { name: 'sep-cma-es' },
      budget: { evaluations: 1500, target: 1e8 },
    });
    expect(trace.result.stopReason).toBe('target-reached');
    expect(trace.result.evaluations).toBe(360);
    expect({ journal: trace.journal, generations: trace.generations, events: trace.events }).toEqual({
      journal: 'fd49e4d07c84ba43',
      generations: '9807651c4de5163a',
      events: '80dcf49b65f83bc4',
    });
  });
});
