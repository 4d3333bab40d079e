/**
 * What evobox promises about a run folder whatever happens to the process writing it, as
 * users and scripts meet it: one writer per run, no evaluation process left behind, and
 * state files that can be lost or damaged without losing the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';

const root = resolve(__dirname, '../../../..');
const bin = join(root, 'bin/evobox.mjs');
const fixtures = join(root, 'test/fixtures/runs');
const scratch = scratchDirectories('evobox-reliability-');

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; finished: Promise<Finished> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { child, finished };
}

function evobox(args: string[]): Promise<Finished> {
  return start(args).finished;
}

/** Resolves once `test()` holds, polling; fails after `ms`. */
async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

function journalIndices(runDir: string): number[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).index as number);
}

function journalLines(runDir: string): number {
  const path = join(runDir, 'journal.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
}

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

/**
 * A problem whose evaluations sleep as long as `control` says (a python process and its
 * `sleep` child per evaluation). The sleep is a number no other process uses, so the scan
 * below finds exactly these programs.
 */
function sleepyProblem(dir: string, budget = 24): { problem: string; control: string; seconds: string } {
  const control = join(dir, 'sleep-seconds');
  const seconds = `${37 + Math.floor(Math.random() * 1000) / 1000}`;
  writeFileSync(control, '0');
  const problem = join(dir, 'sleepy.problem.json');
  writeFileSync(
    problem,
    JSON.stringify({
      name: 'sleepy',
      objective: {
        command: '/usr/bin/python3',
        args: [join(root, 'test/fixtures/executables/sleeps-then-answers.py'), '{x}', '{y}', control],
        protocol: 'args',
        timeoutSeconds: 300,
      },
      parameters: [
        { name: 'x', lower: -2, upper: 2 },
        { name: 'y', lower: -2, upper: 2 },
      ],
      strategy: { name: 'cma-es', options: { populationSize: 4 } },
      budget: { evaluations: budget },
      seed: 3,
      workers: 2,
      checkpointSeconds: 0.05,
    }),
  );
  return { problem, control, seconds };
}

/** Pids of the evaluation programs of `sleepyProblem` still alive (python and sleep). */
function evaluationProcesses(control: string, seconds: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (readFileSync(`/proc/${name}/stat`, 'utf8').includes(') Z ')) continue; // a zombie is gone
    } catch {
      continue;
    }
    if (argv.includes(control) || (argv[0] === 'sleep' && argv[1] === seconds)) found.push(Number(name));
  }
  return found;
}

/** What this file's sleepy runs started, so a failing test leaves no sleeper behind. */
const sleepers: { control: string; seconds: string }[] = [];
afterEach(() => {
  for (const { control, seconds } of sleepers.splice(0)) {
    for (const pid of evaluationProcesses(control, seconds)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/** Starts a sleepy run and waits until it made progress and two evaluations are asleep. */
async function sleepingRun(name: string, extra: string[] = []) {
  const dir = scratch();
  const sleepy = sleepyProblem(dir);
  sleepers.push(sleepy);
  const out = join(dir, name);
  const running = start(['run', sleepy.problem, '--json', '--out', out, ...extra]);
  await until(() => journalLines(out) >= 8, 60_000, 'two generations');
  writeFileSync(sleepy.control, sleepy.seconds); // from now on evaluations sleep
  // Two workers: two python processes and their two sleep children.
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
    expect(summary).toMatchObject({ stopReason: 'stopped-by-user', notEvaluated: 4 });
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
    sleepers.push(sleepy);
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
