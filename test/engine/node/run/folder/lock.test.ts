/**
 * One writer per run folder: the lock names its holder, a dead holder's lock is taken over,
 * and processes racing to take over one stale lock end with exactly one winner.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../../scratch-directories';
import { acquireRunLock, RunLockedError, type LockHolder } from '../../../../../engine/node/run/folder';

const scratch = scratchDirectories('evobox-lock-');
const root = resolve(__dirname, '../../../../..');

/** The pid of a process that has exited (and been reaped): a holder that is surely dead. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function writeLock(dir: string, holder: Partial<LockHolder>): void {
  const full: LockHolder = {
    pid: 1,
    host: hostname(),
    since: '2026-12-01T10:00:00.000Z',
    command: 'evobox resume somewhere',
    token: `1.${'ab'.repeat(16)}`,
    ...holder,
  };
  writeFileSync(join(dir, 'lock.json'), JSON.stringify(full));
}

describe('run folder lock', () => {
  it('refuses a second writer, naming the holder: pid, host and since when', () => {
    const dir = scratch();
    const lock = acquireRunLock(dir);
    let caught: unknown;
    try {
      acquireRunLock(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RunLockedError);
    const message = (caught as Error).message;
    expect(message).toContain(
      `${dir} is in use by another evobox process: pid ${process.pid} on ${hostname()}`,
    );
    expect(message).toContain(`since ${lock.holder.since}`);
    lock.release();
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
    const again = acquireRunLock(dir);
    expect(again.takenOverFrom).toBeNull();
    again.release();
    expect(readdirSync(dir)).toEqual([]); // no temporary or guard files left
  });

  it('takes over the lock of a dead process on this host, and of a pid now used by another program', () => {
    const dir = scratch();
    const pid = deadPid();
    writeLock(dir, { pid, token: `${pid}.dead` });
    const lock = acquireRunLock(dir);
    expect(lock.takenOverFrom).toMatchObject({ pid, token: `${pid}.dead` });
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8')).token).toBe(lock.holder.token);
    lock.release();

    // Our own pid, but a start time that is not ours: the recorded holder is gone and the pid reused.
    writeLock(dir, { pid: process.pid, startTicks: 1, token: 'reused' });
    const reused = acquireRunLock(dir);
    expect(reused.takenOverFrom?.token).toBe('reused');
    reused.release();
  });

  it('does not take over a lock held on another host, and says how to clear it', () => {
    const dir = scratch();
    writeLock(dir, { pid: deadPid(), host: 'some-other-host' });
    expect(() => acquireRunLock(dir)).toThrow(
      new RegExp(`pid \\d+ on some-other-host.*delete ${join(dir, 'lock.json').replace(/[.]/g, '\\.')}`),
    );
  });

  it('lets exactly one of several processes racing for one stale lock win', async () => {
    const dir = scratch();
    const pid = deadPid();
    writeLock(dir, { pid, token: `${pid}.stale` });
    const script = `
      const { acquireRunLock } = await import(${JSON.stringify(join(root, 'engine/node/run/folder/lock.ts'))});
      const start = Number(process.argv[1]);
      while (Date.now() < start) {}
      try {
        // Each racer pauses between finding the stale lock and taking it over, so they all
        // find it stale before any of them has replaced it: the worst interleaving, every time.
        const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
        const lock = acquireRunLock(${JSON.stringify(dir)}, { onStale: pause });
        process.stdout.write('won');
        setTimeout(() => lock.release(), 1500);
      } catch (error) {
        process.stdout.write(error.constructor.name);
      }`;
    const start = Date.now() + 6000; // all started and waiting: they go at the same moment
    const outcomes = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<string>((done) => {
            const child = spawn(
              process.execPath,
              ['--import', 'tsx', '--input-type=module', '-e', script, String(start)],
              { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
            );
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
            child.on('exit', () => done(out));
          }),
      ),
    );
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'RunLockedError')).toHaveLength(5);
    expect(readdirSync(dir)).toEqual([]);
  });
});
