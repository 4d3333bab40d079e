/**
 * Checkpoints keep large arrays as raw float64s in a side file (version 2): resuming from one
 * ends as the uninterrupted run, old all-JSON checkpoints (version 1) still resume, and a
 * damaged side file falls back to the previous checkpoint.
 */
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { encodeState } from '../../../../engine/core/state-codec';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { openRunFolder, type CheckpointFile } from '../../../../engine/node/run/folder';
import { resumeRun, startRun } from '../../../../engine/node/run/runner';

const scratch = scratchDirectories('evobox-binary-checkpoint-');

// n = 40: C and B hold 1 600 numbers each, above the codec's 1 024 (side file).
const problem = parseProblem(
  {
    name: 'ellipsoid',
    objective: { builtin: 'rotated-ellipsoid', dimension: 40 },
    strategy: { name: 'cma-es' },
    budget: { evaluations: 3000 },
    seed: 5,
    checkpointSeconds: 0.001,
  },
  resolve(__dirname),
);

const reference = (async () => (await startRun(problem, { runsDir: scratch() })).done)();

async function stoppedRun(atGeneration = 40): Promise<string> {
  const ref: { stop?: () => void } = {};
  const run = await startRun(problem, {
    runsDir: scratch(),
    onGeneration: (event) => {
      if (event.generation === atGeneration) ref.stop?.();
    },
  });
  ref.stop = () => run.stop();
  expect((await run.done).stopReason).toBe('stopped-by-user');
  return run.runDir;
}

function checkpointOf(runDir: string, name = 'checkpoint.json'): CheckpointFile {
  return JSON.parse(readFileSync(join(runDir, name), 'utf8')) as CheckpointFile;
}

function sideFiles(runDir: string): string[] {
  return readdirSync(runDir).filter((name) => name.endsWith('.f64') && name.startsWith('checkpoint-'));
}

describe('binary checkpoints', () => {
  it('write the matrices as raw bytes beside a small JSON, and only the two newest side files stay', async () => {
    const runDir = await stoppedRun();
    const checkpoint = checkpointOf(runDir);
    expect(checkpoint.version).toBe(2);
    const text = readFileSync(join(runDir, 'checkpoint.json'), 'utf8');
    expect(text.length).toBeLessThan(60_000); // C (820 numbers, packed) and B (1 600) would be ≈ 45 KB alone
    expect(text).toContain('"$f64at"');
    const previous = checkpointOf(runDir, 'checkpoint.prev.json');
    expect(sideFiles(runDir).sort()).toEqual([checkpoint.matrices!.file, previous.matrices!.file].sort());
    // The checkpoint before this one (the final one) was written at least once and timed.
    expect(checkpoint.cost!.writes).toBeGreaterThanOrEqual(1);
    expect(checkpoint.cost!.totalMs).toBeGreaterThanOrEqual(0);
    const saved = openRunFolder(runDir).checkpointState<{ strategyState: { covariance: Float64Array } }>();
    expect(saved!.state.strategyState.covariance).toBeInstanceOf(Float64Array);
    expect(saved!.state.strategyState.covariance.length).toBe(820); // C's packed lower triangle at n = 40
  });

  it('resume from a binary checkpoint ends as the uninterrupted run', async () => {
    const runDir = await stoppedRun();
    const result = await (await resumeRun(runDir)).done;
    const expected = await reference;
    expect(result.evaluations).toBe(expected.evaluations);
    expect(result.best).toEqual(expected.best);
  });

  it('an old all-JSON checkpoint (version 1) still resumes to the same end', async () => {
    const runDir = await stoppedRun();
    const folder = openRunFolder(runDir);
    const saved = folder.checkpointState()!;
    // What evobox wrote before side files: every array inline, no `matrices`.
    const { matrices: _, ...rest } = saved.checkpoint;
    const old: CheckpointFile = { ...rest, version: 1, optimizer: encodeState(saved.state) };
    writeFileSync(join(runDir, 'checkpoint.json'), JSON.stringify(old, null, 2));
    rmSync(join(runDir, 'checkpoint.prev.json'));
    for (const file of sideFiles(runDir)) rmSync(join(runDir, file));
    expect(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')).not.toContain('$f64at');

    const notices: string[] = [];
    const resumed = await resumeRun(runDir, { onNotice: (m) => notices.push(m) });
    const result = await resumed.done;
    expect(notices).toEqual([]); // used as it is, not set aside as damaged
    const expected = await reference;
    expect(result.evaluations).toBe(expected.evaluations);
    expect(result.best).toEqual(expected.best);
    expect(checkpointOf(runDir).version).toBe(2); // the resumed run writes the new format
  });

  it('a damaged side file makes resume fall back to the previous checkpoint, naming it', async () => {
    const runDir = await stoppedRun();
    const damaged = checkpointOf(runDir).matrices!.file;
    truncateSync(join(runDir, damaged), 100); // cut short
    const notices: string[] = [];
    const result = await (await resumeRun(runDir, { onNotice: (m) => notices.push(m) })).done;
    const expected = await reference;
    expect(result.best).toEqual(expected.best);
    expect(notices.join('\n')).toMatch(
      new RegExp(`${damaged} in .* holds 100 bytes where checkpoint.json expects`),
    );
    expect(existsSync(join(runDir, 'checkpoint.json.damaged'))).toBe(true);
  });
});
