/**
 * What evobox promises about a run folder whatever happens to the process writing it, as
 * users and scripts meet it: one writer per run, no evaluation process left behind, and
 * state files that can be lost or damaged without losing the run.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanUpSleepers,
  evaluationProcesses,
  evobox,
  journalIndices,
  journalLines,
  root,
  sleepyProblem,
  start,
  until,
} from '../../../evobox-process';
import { scratchDirectories } from '../../../scratch-directories';

const fixtures = join(root, 'test/fixtures/runs');
const scratch = scratchDirectories('evobox-reliability-');

/** A run of the slow fixture killed with SIGKILL part way: a folder to resume. */
async function interruptedRun(name: string): Promise<string> {
  const out = join(scratch(), name);
  const { child, finished } = start([
    'run',
    join(fixtures, 'slow.problem.json'),
    '--budget',
    '5000',
    '--json',
    '--out',
    out,
  ]);
  await until(
    () => journalLines(out) > 300 && existsSync(join(out, 'checkpoint.json')),
    60_000,
    'the run to progress',
  );
  child.kill('SIGKILL');
  await finished;
  return out;
}

describe('one writer per run', () => {
  it('runs one of two resumes started together; the other says who holds the run', async () => {
    const reference = JSON.parse(
      (
        await evobox([
          'run',
          join(fixtures, 'slow.problem.json'),
          '--budget',
          '5000',
          '--json',
          '--out',
          join(scratch(), 'ref'),
        ])
      ).stdout,
    );
    const out = await interruptedRun('twice');
    const [first, second] = await Promise.all([
      evobox(['resume', out, '--json']),
      evobox(['resume', out, '--json']),
    ]);
    const [winner, loser] = first.code === 0 ? [first, second] : [second, first];
    expect(winner.code).toBe(0);
    expect(JSON.parse(winner.stdout).evaluations).toBe(reference.evaluations);
    expect(loser.code).toBe(1);
    expect(loser.stderr).toMatch(
      new RegExp(`${out} is in use by another evobox process: pid \\d+ on \\S+, since \\d{4}-\\d\\d-\\d\\dT`),
    );
    const indices = journalIndices(out);
    expect(new Set(indices).size).toBe(indices.length); // no evaluation journaled twice
    expect(indices.length).toBe(reference.evaluations);
    expect(existsSync(join(out, 'lock.json'))).toBe(false); // released at the end
  });
});

const registerSleepers = cleanUpSleepers();

/** Starts a sleepy run and waits until two generations are done and two evaluations are asleep. */
async function sleepingRun(name: string, extra: string[] = []) {
  const dir = scratch();
  const sleepy = sleepyProblem(dir);
  registerSleepers(sleepy);
  writeFileSync(sleepy.control, `${sleepy.seconds} from 8`); // the third generation's sleep
  const out = join(dir, name);
  const running = start(['run', sleepy.problem, '--json', '--out', out, ...extra]);
  // Two workers: evaluations 8 and 9, two python processes and their two sleep children.
  await until(() => evaluationProcesses(sleepy.control, sleepy.seconds).length === 4, 30_000, 'sleepers');
  return { ...sleepy, out, ...running };
}

describe('no evaluation process outlives evobox', () => {
  it('after kill -9 of the CLI, resume ends the programs it left and completes the run', async () => {
    const run = await sleepingRun('killed');
    run.child.kill('SIGKILL');
    expect((await run.finished).signal).toBe('SIGKILL');
    // The defect this guards against: the sleepers were adopted by PID 1 and go on.
    expect(evaluationProcesses(run.control, run.seconds)).toHaveLength(4);

    writeFileSync(run.control, '0');
    const resumed = await evobox(['resume', run.out, '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(
      /ended 4 evaluation processes left running by the evobox that died \(pid \d+/,
    );
    expect(JSON.parse(resumed.stdout)).toMatchObject({ evaluations: 24, stopReason: 'budget-evaluations' });
    expect(evaluationProcesses(run.control, run.seconds)).toEqual([]);
    const indices = journalIndices(run.out);
    expect([...indices].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it.each([
    ['a second Ctrl-C', 130, ['SIGINT', 'SIGINT']],
    ['SIGHUP', 129, ['SIGHUP']],
  ] as const)('%s ends the running evaluations, checkpoints and exits %i', async (_, code, signals) => {
    const run = await sleepingRun('signalled');
    for (const signal of signals) {
      run.child.kill(signal);
      await new Promise((wake) => setTimeout(wake, 200));
    }
    const finished = await run.finished;
    expect(finished.code).toBe(code);
    expect(evaluationProcesses(run.control, run.seconds)).toEqual([]);
    const summary = JSON.parse(finished.stdout);
    // The generation's four: two were running, two waiting for a free worker.
    expect(summary).toMatchObject({ stopReason: 'stopped-by-user', notEvaluated: 4, failedEvaluations: 0 });
    // The ended evaluations are not in the journal as failures: resume runs them.
    expect(journalIndices(run.out)).toHaveLength(summary.evaluations);
    writeFileSync(run.control, '0');
    const resumed = await evobox(['resume', run.out, '--json']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ evaluations: 24, failedEvaluations: 0 });
    expect(new Set(journalIndices(run.out)).size).toBe(24);
  });
});

describe('SIGTERM', () => {
  it('gives running evaluations the grace period, ends them, records them as not evaluated and exits 143', async () => {
    const run = await sleepingRun('terminated', ['--stop-grace', '1']);
    run.child.kill('SIGTERM');
    const finished = await run.finished; // the sleepers would take 37 s: only ending them gets here early
    expect(finished.code).toBe(143);
    expect(finished.stderr).toContain('those running get 1 s to finish');
    expect(evaluationProcesses(run.control, run.seconds)).toEqual([]);
    const summary = JSON.parse(finished.stdout);
    expect(summary).toMatchObject({ stopReason: 'stopped-by-user', failedEvaluations: 0, notEvaluated: 4 });
    const records = readFileSync(join(run.out, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(records.map((line) => JSON.parse(line).error).filter(Boolean)).toEqual([]);

    writeFileSync(run.control, '0');
    const resumed = await evobox(['resume', run.out, '--json']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ evaluations: 24, failedEvaluations: 0 });
    expect(new Set(journalIndices(run.out)).size).toBe(24);
  });

  it('lets evaluations that finish within the grace period count', async () => {
    const dir = scratch();
    const sleepy = sleepyProblem(dir);
    registerSleepers(sleepy);
    writeFileSync(sleepy.control, '1.5');
    const out = join(dir, 'graceful');
    const running = start(['run', sleepy.problem, '--json', '--out', out, '--stop-grace', '20']);
    // The two python processes of the first evaluations (their `sleep 1.5` is not counted).
    await until(() => evaluationProcesses(sleepy.control, sleepy.seconds).length === 2, 30_000, 'the start');
    running.child.kill('SIGTERM');
    const finished = await running.finished;
    expect(finished.code).toBe(143);
    const summary = JSON.parse(finished.stdout);
    // No new generation started, and the one running was let finish whole: nothing to run again.
    expect(summary).toMatchObject({ evaluations: 4, failedEvaluations: 0 });
    expect(summary.notEvaluated).toBeUndefined();
    expect(journalIndices(out)).toEqual([0, 1, 2, 3]);
  });
});

describe('damaged state files', () => {
  it('refuses a journal that lost records unless told to go on, then notes it on stderr', async () => {
    const out = await interruptedRun('lost-journal');
    const told = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).evaluations as number;
    rmSync(join(out, 'journal.jsonl'));
    const refused = await evobox(['resume', out, '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/evobox: journal\.jsonl in .* is shorter than checkpoint\.json recorded/);
    expect(refused.stderr).toMatch(/(\d+) of the \1 evaluation records it counts are missing/);

    const accepted = await evobox(['resume', out, '--json', '--accept-missing-evaluations']);
    expect(accepted.code).toBe(0);
    const result = JSON.parse(accepted.stdout);
    expect(result.evaluations).toBeGreaterThan(told); // it went on to the run's own end
    expect(result.stopReason).not.toBe('stopped-by-user');
    expect(accepted.stderr).toMatch(/evobox: note: .*going on without them \(--accept-missing-evaluations\)/);
  });
});
