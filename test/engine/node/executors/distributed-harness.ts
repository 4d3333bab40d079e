/**
 * What the distributed tests share: their own redis-server on 127.0.0.1 (a temp folder, AOF
 * on, fsync always), `evobox worker` child processes, and problem files for the
 * deterministic line objective in test/fixtures/distributed. Every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseProblem, type Problem } from '../../../../engine/node/problem/schema';
import type { JournalRecord } from '../../../../engine/node/run/folder/index';

export const root = resolve(__dirname, '../../../..');
export const bin = join(root, 'bin/evobox.mjs');
export const objectiveScript = join(root, 'test/fixtures/distributed/objective.py');

export const redisServer = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

/**
 * Each distributed test file has its own Redis port: 6392 + `offset` (0 executor, 1 faults,
 * 2 Slurm), or EVOBOX_TEST_REDIS_PORT + `offset` where several clones share a machine.
 */
export function testRedisPort(offset: number): number {
  const base = Number(process.env.EVOBOX_TEST_REDIS_PORT ?? 6392);
  if (!Number.isInteger(base) || base < 1024 || base > 65_000) {
    throw new Error(
      `EVOBOX_TEST_REDIS_PORT must be a port number (got ${process.env.EVOBOX_TEST_REDIS_PORT})`,
    );
  }
  return base + offset;
}

export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export class RedisInstance {
  private process: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  ping(): boolean {
    const out = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), 'ping'], {
      encoding: 'utf8',
      timeout: 2000,
    });
    return out.stdout?.trim() === 'PONG';
  }

  cli(...args: string[]): string {
    return spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...args], {
      encoding: 'utf8',
      timeout: 5000,
    }).stdout.trim();
  }

  async start(): Promise<void> {
    if (!redisServer) throw new Error('redis-server is not installed');
    this.process = spawn(
      redisServer,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    await until(`redis-server on port ${this.port}`, () => this.ping(), 10_000);
  }

  /** kill -9: with appendfsync always nothing acknowledged is lost. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  text(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function startWorker(url: string, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [bin, 'worker', '--redis', url, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const text = () => output.join('');
  return {
    child,
    output,
    text,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      until(`worker output ${pattern}`, () => pattern.test(text()), timeoutMs),
  };
}

export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGCONT');
      w.child.kill('SIGKILL');
    }
  }
  await Promise.all(workers.map((w) => w.exited));
}

export interface ObjectiveEnv {
  sleepMs?: number;
  jitterMs?: number;
  log?: string;
  nondeterministic?: boolean;
}

export function problemJson(options: {
  name?: string;
  env?: ObjectiveEnv;
  budget: number;
  populationSize?: number;
  seed?: number;
  workers?: number;
  executor?: Record<string, unknown>;
  checkpointSeconds?: number;
}): Record<string, unknown> {
  const env: Record<string, string> = {};
  if (options.env?.sleepMs) env.EVOBOX_TEST_SLEEP_MS = String(options.env.sleepMs);
  if (options.env?.jitterMs) env.EVOBOX_TEST_JITTER_MS = String(options.env.jitterMs);
  if (options.env?.log) env.EVOBOX_TEST_LOG = options.env.log;
  if (options.env?.nondeterministic) env.EVOBOX_TEST_NONDET = '1';
  return {
    name: options.name ?? 'distributed',
    objective: { command: objectiveScript, protocol: 'line', timeoutSeconds: 30, env },
    parameters: [
      { name: 'a', lower: -2, upper: 2, init: 1 },
      { name: 'b', lower: -2, upper: 2, init: -1 },
      { name: 'c', lower: -2, upper: 2, init: 0.5 },
    ],
    strategy: { name: 'cma-es', options: { populationSize: options.populationSize ?? 6 } },
    budget: { evaluations: options.budget },
    seed: options.seed ?? 7,
    workers: options.workers ?? 2,
    ...(options.checkpointSeconds ? { checkpointSeconds: options.checkpointSeconds } : {}),
    ...(options.executor ? { executor: options.executor } : {}),
  };
}

export function problem(dir: string, options: Parameters<typeof problemJson>[0]): Problem {
  return parseProblem(problemJson(options), dir);
}

export function writeProblem(path: string, options: Parameters<typeof problemJson>[0]): string {
  writeFileSync(path, JSON.stringify(problemJson(options), null, 2));
  return path;
}

export function journal(runDir: string): JournalRecord[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalRecord);
}

/** How often each evaluation id was finished by the objective (its log file). */
export function finishCounts(log: string): Map<number, number> {
  const counts = new Map<number, number>();
  if (!existsSync(log)) return counts;
  for (const line of readFileSync(log, 'utf8').trim().split('\n').filter(Boolean)) {
    const id = Number(line.split(' ')[0]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** What must be equal between a local and a distributed run: the parameters asked, in order, their fitness, and best.json. */
export function runSignature(runDir: string) {
  const records = journal(runDir).sort((a, b) => a.index - b.index);
  const best = JSON.parse(readFileSync(join(runDir, 'best.json'), 'utf8')) as Record<string, unknown>;
  return {
    params: records.map((r) => [r.index, r.generation, r.params]),
    fitness: records.map((r) => r.fitness),
    best: { params: best.params, fitness: best.fitness, index: best.index },
  };
}
