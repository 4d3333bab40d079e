/**
 * Resume when state files are lost or damaged: it rebuilds what it can, says which file was
 * bad, and refuses to lose evaluation records silently.
 */
import { readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { ResumeError, resumeRun, startRun } from '../../../../engine/node/run/runner';
import type { RunResult } from '../../../../engine/node/run/types';

const scratch = scratchDirectories('evobox-repair-');

const problem = parseProblem(
  {
    name: 'sphere',
    objective: { builtin: 'sphere', dimension: 4 },
    budget: { evaluations: 600 },
    seed: 11,
    checkpointSeconds: 0.001, // a checkpoint after every generation: there is always a previous one
  },
  resolve(__dirname),
);

const reference: Promise<RunResult> = (async () => (await startRun(problem, { runsDir: scratch() })).done)();

/** A run stopped by the user after generation 20: a folder to resume. */
async function stoppedRun(): Promise<string> {
  const ref: { stop?: () => void } = {};
  const run = await startRun(problem, {
    runsDir: scratch(),
    onGeneration: (event) => {
      if (event.generation === 20) ref.stop?.();
    },
  });
  ref.stop = () => run.stop();
  const stopped = await run.done;
  expect(stopped.stopReason).toBe('stopped-by-user');
  return run.runDir;
}

async function resumeToEnd(runDir: string, acceptMissingEvaluations = false) {
  const notices: string[] = [];
  const run = await resumeRun(runDir, {
    onNotice: (message) => notices.push(message),
    acceptMissingEvaluations,
  });
  return { result: await run.done, notices };
}

function journalCount(runDir: string): number {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8').trim().split('\n').length;
}

describe('resume repairs', () => {
  it('rebuilds a lost result.json of a finished run from the checkpoint', async () => {
    const finished = await (await startRun(problem, { runsDir: scratch() })).done;
    rmSync(join(finished.runDir, 'result.json'));
    const { result, notices } = await resumeToEnd(finished.runDir);
    // The same result, the time included: the clock stopped before the final checkpoint, and
    // reopening the finished run adds none.
    expect(result).toEqual(finished);
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(finished.runDir, 'result.json'), 'utf8'))).toEqual(result);
    expect(notices).toEqual([
      `result.json in ${finished.runDir} is missing; rebuilt it from checkpoint.json`,
    ]);
  });

  it('resumes from checkpoint.prev.json when checkpoint.json is damaged, naming it', async () => {
    const runDir = await stoppedRun();
    writeFileSync(join(runDir, 'checkpoint.json'), '{"version":1,"savedAt":"2026-'); // torn by a crash
    const { result, notices } = await resumeToEnd(runDir);
    const expected = await reference;
    expect(result.evaluations).toBe(expected.evaluations);
    expect(result.best).toEqual(expected.best);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^checkpoint\.json in .* is not valid JSON \(.*\): resuming from checkpoint\.prev\.json \(saved 20/,
    );
    expect(existsSync(join(runDir, 'checkpoint.json.damaged'))).toBe(true);
    expect(journalCount(runDir)).toBe(expected.evaluations); // nothing evaluated twice
  });

  it('replays the journal from the start when both checkpoints are damaged', async () => {
    const runDir = await stoppedRun();
    writeFileSync(join(runDir, 'checkpoint.json'), '');
    writeFileSync(join(runDir, 'checkpoint.prev.json'), 'garbage');
    const { result, notices } = await resumeToEnd(runDir);
    const expected = await reference;
    expect(result.evaluations).toBe(expected.evaluations);
    expect(result.best).toEqual(expected.best);
    expect(notices[0]).toMatch(
      /checkpoint\.json in .* is empty; checkpoint\.prev\.json in .* is not valid JSON/,
    );
    expect(notices[0]).toMatch(/replaying the journal from the start$/);
    expect(journalCount(runDir)).toBe(expected.evaluations);
  });

  it('refuses to resume a journal shorter than the checkpoint says, saying how many records are missing', async () => {
    const runDir = await stoppedRun();
    const told = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')).evaluations as number;
    const journal = join(runDir, 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    truncateSync(journal, Buffer.byteLength(lines.slice(0, 50).join('\n') + '\n'));
    await expect(resumeRun(runDir)).rejects.toThrow(ResumeError);
    await expect(resumeRun(runDir)).rejects.toThrow(
      `${told - 50} of the ${told} evaluation records it counts are missing`,
    );
    await expect(resumeRun(runDir)).rejects.toThrow('--accept-missing-evaluations');
    expect(existsSync(join(runDir, 'lock.json'))).toBe(false); // a refusal leaves the run unlocked

    const { result, notices } = await resumeToEnd(runDir, true);
    expect(result.evaluations).toBe((await reference).evaluations);
    expect(notices[0]).toContain(`${told - 50} of the ${told} evaluation records it counts are missing`);
    expect(journalCount(runDir)).toBe(50 + (result.evaluations - told));
  });

  it('refuses to resume when the journal is gone', async () => {
    const runDir = await stoppedRun();
    const told = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')).evaluations as number;
    rmSync(join(runDir, 'journal.jsonl'));
    await expect(resumeRun(runDir)).rejects.toThrow(
      `the file is gone): ${told} of the ${told} evaluation records it counts are missing`,
    );
  });
});
