/**
 * One writer per run folder: `lock.json` exists while a process (the CLI, the GUI backend, a
 * future worker coordinator) writes the run, and names it — pid, host, since when, and on
 * Linux the boot and the process's start time, so a pid reused by another program is not
 * taken for the holder.
 *
 * Taking the lock is one atomic `link(2)` of a complete temporary file onto `lock.json`: it
 * fails if the file exists, and a reader never sees half a lock. A lock whose holder is dead
 * (same host, and its pid gone, reused, or from before a reboot) is taken over. Two processes
 * taking over the same stale lock race through a guard file named after that lock's token,
 * created with the same exclusive link: only one of them removes the stale lock, and the
 * other then finds the winner's live lock and reports it.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runFiles } from './layout';
import {
  currentBootId,
  killTaggedProcessesNow,
  pidExists,
  processStartTicks,
  runTokenVariable,
} from './processes';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it (the command line of the holding process). */
  command: string;
  bootId?: string;
  startTicks?: number;
  /** Random id of this hold; every program the run starts carries it (see processes.ts). */
  token: string;
}

export class RunLockedError extends Error {
  constructor(
    readonly runDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${runDir} is in use by another evobox process: pid ${holder.pid} on ${holder.host}, since ${holder.since}` +
        ` (${holder.command}). One process at a time may write a run; wait for it to finish or stop it` +
        (holder.host === hostname()
          ? '.'
          : `. If that process is gone for good, delete ${join(runDir, runFiles.lock)}.`),
    );
  }
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host} since ${holder.since}`;
}

function ownIdentity(): Omit<LockHolder, 'since' | 'token'> {
  const bootId = currentBootId();
  const startTicks = processStartTicks(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
    ...(bootId ? { bootId } : {}),
    ...(startTicks !== undefined ? { startTicks } : {}),
  };
}

/** 'alive', 'dead', or 'unknown' (another host: evobox cannot look). */
export function holderState(holder: LockHolder): 'alive' | 'dead' | 'unknown' {
  if (holder.host !== hostname()) return 'unknown';
  const bootId = currentBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return 'dead';
  if (!pidExists(holder.pid)) return 'dead';
  if (holder.startTicks !== undefined) {
    const now = processStartTicks(holder.pid);
    if (now !== undefined && now !== holder.startTicks) return 'dead'; // the pid was reused
  }
  return 'alive';
}

function readHolder(path: string): LockHolder | null | 'damaged' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder.pid === 'number' && typeof holder.token === 'string' ? holder : 'damaged';
  } catch {
    return 'damaged';
  }
}

/** Links `source` onto `target`; false when `target` exists. */
function linkExclusive(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  }
  // A file system without hard links: an exclusive create, then the content. A reader may
  // see the file empty for a moment, which is why a damaged lock is only trusted when old.
  try {
    writeFileSync(target, readFileSync(source), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A damaged lock younger than this may be one being written (see linkExclusive). */
const damagedLockAgeMs = 5000;

function isRecent(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < damagedLockAgeMs;
  } catch {
    return false;
  }
}

export class RunLock {
  private released = false;

  constructor(
    readonly runDir: string,
    readonly holder: LockHolder,
    /** The dead holder this lock was taken over from: its programs may still be running. */
    readonly takenOverFrom: LockHolder | null,
  ) {}

  /** Variables every program the run starts carries. */
  get environment(): Record<string, string> {
    return { [runTokenVariable]: this.holder.token };
  }

  get path(): string {
    return join(this.runDir, runFiles.lock);
  }

  /** Removes the lock if it is still this one. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const current = readHolder(this.path);
      if (current && current !== 'damaged' && current.token === this.holder.token) rmSync(this.path);
    } catch {
      // the folder is gone or unreadable: nothing left to release
    }
  }
}

/**
 * Takes the run folder's lock, or throws RunLockedError naming the live holder. A stale
 * lock (its holder dead) is taken over; `takenOverFrom` then names it.
 */
export interface AcquireOptions {
  /** Called when a dead holder's lock was found, before taking it over (tests widen the race window here). */
  onStale?: (holder: LockHolder | null) => void;
}

export function acquireRunLock(runDir: string, options: AcquireOptions = {}): RunLock {
  const path = join(runDir, runFiles.lock);
  const holder: LockHolder = {
    ...ownIdentity(),
    since: new Date().toISOString(),
    token: `${process.pid}.${randomBytes(16).toString('hex')}`,
  };
  const temporary = `${path}.tmp-${holder.token}`;
  try {
    writeFileSync(temporary, `${JSON.stringify(holder, null, 2)}\n`, { flag: 'wx' });
  } catch (error) {
    rmSync(temporary, { force: true }); // a full disk: no half-written file left behind
    throw error;
  }
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (linkExclusive(temporary, path)) return new RunLock(runDir, holder, null);
      const current = readHolder(path);
      if (current === null) continue; // released meanwhile: try again
      // A lock file is only ever made by a link of a complete file: a damaged one is damage
      // (a disk error), not a lock being written, and protects nothing.
      const stale = current === 'damaged' ? null : current;
      if (stale && holderState(stale) !== 'dead') throw new RunLockedError(runDir, stale);
      if (!stale && isRecent(path)) {
        sleepSync(50);
        continue;
      }
      options.onStale?.(stale);
      const guard = `${path}.takeover-${stale ? stale.token : 'damaged'}`;
      if (!linkExclusive(temporary, guard)) {
        const taker = readHolder(guard);
        // Another process is taking this stale lock over; if it died doing so, clear its guard.
        if (taker && taker !== 'damaged' && holderState(taker) === 'dead') rmSync(guard, { force: true });
        else sleepSync(10);
        continue;
      }
      try {
        const again = readHolder(path);
        const same = stale ? again !== 'damaged' && again?.token === stale.token : again === 'damaged';
        if (!same) continue; // someone else replaced it in between: look again
        rmSync(path, { force: true });
        if (linkExclusive(temporary, path)) return new RunLock(runDir, holder, stale);
      } finally {
        rmSync(guard, { force: true });
      }
    }
    throw new Error(`could not take the lock of ${runDir} (${path} keeps changing)`);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The current holder of a run folder's lock, if any (for the GUI's history: "running elsewhere"). */
export function readLockHolder(runDir: string): LockHolder | null {
  const holder = readHolder(join(runDir, runFiles.lock));
  return holder === 'damaged' ? null : holder;
}

/**
 * Kills, without waiting, every program still running for the run this process holds in
 * `runDir` (none when another process, or nobody, holds it): the last act of an exit path
 * that cannot wait for the run to end cleanly.
 */
export function killOwnRunProcesses(runDir: string): number {
  const holder = readLockHolder(runDir);
  return holder && holder.pid === process.pid ? killTaggedProcessesNow(holder.token) : 0;
}
