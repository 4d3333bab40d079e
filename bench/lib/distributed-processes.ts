/**
 * The processes the distributed benchmark starts: its own redis-server on 127.0.0.1 (a temp
 * folder, AOF every second as the README recommends) and `evobox worker` children.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/evobox.mjs', import.meta.url));
export const redisServerPath = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms; NaN once it is gone. */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

export class BenchRedis {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'evobox-bench-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (!redisServerPath) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
    this.child = spawn(
      redisServerPath,
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
        'everysec',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    await until(
      'redis-server',
      () =>
        spawnSync('redis-cli', ['-p', String(this.port), 'ping'], {
          encoding: 'utf8',
          timeout: 2000,
        }).stdout?.trim() === 'PONG',
      10_000,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface BenchWorker {
  child: ChildProcess;
  output: () => string;
}

/** `nodeArgs`: flags for the workers' node (`--cpu-prof`, which NODE_OPTIONS refuses). */
export async function startWorkers(
  url: string,
  count: number,
  args: string[],
  nodeArgs: string[] = [],
): Promise<BenchWorker[]> {
  const workers = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, [...nodeArgs, bin, 'worker', '--redis', url, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    return { child, output: () => chunks.join('') };
  });
  await until('the workers to start', () => workers.every((w) => /slot\(s\) on/.test(w.output())), 60_000);
  return workers;
}

export async function killWorkers(workers: BenchWorker[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return undefined;
      const exited = new Promise((done) => w.child.once('exit', done));
      w.child.kill('SIGKILL');
      return exited;
    }),
  );
}

/** SIGTERM (a worker finishes and exits, writing a --cpu-prof profile), SIGKILL after `graceMs`. */
export async function stopWorkers(workers: BenchWorker[], graceMs = 5000): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      const exited = new Promise((done) => w.child.once('exit', done));
      w.child.kill('SIGTERM');
      const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}
