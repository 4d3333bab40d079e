/**
 * Helpers for tests that drive `evobox` as a process: start it, wait for what it writes, and
 * a problem whose evaluations sleep on command, with a scan for its programs in /proc (to
 * see whether any outlive evobox).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';

export const root = resolve(__dirname, '..');
export const bin = join(root, 'bin/evobox.mjs');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function start(args: string[]): { child: ChildProcess; finished: Promise<Finished> } {
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

export function evobox(args: string[]): Promise<Finished> {
  return start(args).finished;
}

/** Resolves once `test()` holds, polling; fails after `ms`. */
export async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

export function journalIndices(runDir: string): number[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).index as number);
}

export function journalLines(runDir: string): number {
  const path = join(runDir, 'journal.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
}

/**
 * A problem whose evaluations sleep as long as `control` says (a python process and its
 * `sleep` child per evaluation): `seconds` for all of them, or `${seconds} from N` for those
 * with index ≥ N only (sleeps-then-answers.py gets the index). The sleep is a number no other
 * process uses, so the scan below finds exactly these programs.
 */
export function sleepyProblem(
  dir: string,
  budget = 24,
): { problem: string; control: string; seconds: string } {
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
        args: [join(root, 'test/fixtures/executables/sleeps-then-answers.py'), '{x}', '{y}', control, '{id}'],
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
export function evaluationProcesses(control: string, seconds: string): number[] {
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

export interface Sleepy {
  control: string;
  seconds: string;
}

/**
 * Kills, after each test of the calling file, the programs of the sleepy problems it
 * registered, so a failing test leaves no sleeper behind. Returns the register function.
 */
export function cleanUpSleepers(): (sleepy: Sleepy) => void {
  const registered: Sleepy[] = [];
  afterEach(() => {
    for (const { control, seconds } of registered.splice(0)) {
      for (const pid of evaluationProcesses(control, seconds)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
  return (sleepy) => registered.push(sleepy);
}
