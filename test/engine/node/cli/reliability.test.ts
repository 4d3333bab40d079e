/**
 * What evobox promises about a run folder whatever happens to the process writing it, as
 * users and scripts meet it: one writer per run, no evaluation process left behind, and
 * state files that can be lost or damaged without losing the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
