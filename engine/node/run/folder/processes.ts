/**
 * Which processes are still there, and ending the evaluation processes a run left behind.
 *
 * Every program a run starts carries the run's lock token in its environment
 * (`EVOBOX_RUN_TOKEN`, inherited by everything it starts in turn). When evobox itself dies
 * without running any code (SIGKILL, power cut of a remote session), those programs are
 * adopted by PID 1 and keep running; the next writer of the run folder (resume, the GUI) takes
 * over the dead holder's lock, finds every process carrying its token and kills their
 * process groups. A token is 128 random bits, so a process carrying it is ours whatever its
 * pid: no unrelated process is ever killed, and a reused pid does not matter.
 *
 * Linux (and anything with /proc/<pid>/environ); elsewhere the scan finds nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';

export const runTokenVariable = 'EVOBOX_RUN_TOKEN';

/** The boot this machine is in (Linux), so a pid recorded before a reboot is not trusted. */
export function currentBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may itself hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** When the process started, in clock ticks since boot (Linux): with the pid, it names one process. */
export function processStartTicks(pid: number): number | undefined {
  const fields = statFields(pid);
  // stat(5): field 22 is starttime; fields[0] here is field 3 (state).
  const value = fields ? Number(fields[19]) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

function processGroup(pid: number): number | undefined {
  const fields = statFields(pid);
  const value = fields ? Number(fields[2]) : Number.NaN; // field 5: pgrp
  return Number.isFinite(value) ? value : undefined;
}

/** True when `pid` exists (a process of another user counts as existing). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function environmentHas(pid: number, entry: string): boolean {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false; // gone, or another user's
  }
  let start = 0;
  for (let end = environ.indexOf(0, start); ; end = environ.indexOf(0, start)) {
    const stop = end === -1 ? environ.length : end;
    if (stop - start === entry.length && environ.toString('utf8', start, stop) === entry) return true;
    if (end === -1) return false;
    start = end + 1;
  }
}

/** Processes whose environment carries `EVOBOX_RUN_TOKEN=<token>` (never this process). */
export function findTaggedProcesses(token: string): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const entry = `${runTokenVariable}=${token}`;
  const found: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    if (environmentHas(pid, entry)) found.push(pid);
  }
  return found;
}

/**
 * Kills every process carrying `token`, with its process group when the group's leader
 * carries it too (a program's own children that dropped the variable still go). Waits,
 * bounded, until they are gone. Returns how many tagged processes there were.
 */
export async function endTaggedProcesses(token: string, waitMs = 3000): Promise<number> {
  const count = killTaggedProcessesNow(token);
  const deadline = Date.now() + waitMs;
  while (count > 0 && Date.now() < deadline && findTaggedProcesses(token).length > 0) {
    await new Promise((wake) => setTimeout(wake, 20));
  }
  return count;
}

/** Sends the kills without waiting: for exit paths that cannot wait (a `process.on('exit')` handler). */
export function killTaggedProcessesNow(token: string): number {
  const tagged = findTaggedProcesses(token);
  const taggedSet = new Set(tagged);
  for (const pid of tagged) {
    const group = processGroup(pid);
    try {
      if (group !== undefined && group > 1 && taggedSet.has(group)) process.kill(-group, 'SIGKILL');
      else process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return tagged.length;
}
