/**
 * Spawning objective programs in their own process group. `detached: true` makes the
 * child a session and group leader, so `process.kill(-pid, 'SIGKILL')` reaches everything
 * it started — the only way to end a hung script whose own children hang too (killing
 * just the child would orphan them, still holding our pipes open).
 */
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** 'pipe' when the protocol writes to stdin, 'ignore' (/dev/null) otherwise. */
  stdin: 'pipe' | 'ignore';
}

export function spawnInGroup(spec: SpawnSpec): ChildProcess {
  const stdio: StdioOptions = [spec.stdin, 'pipe', 'pipe'];
  return spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ? { ...process.env, ...spec.env } : process.env,
    stdio,
    detached: true,
    shell: false,
    windowsHide: true,
  });
}

/** Kills the whole process group; quiet when it is already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid !== undefined) killGroupOf(child.pid, signal);
}

/** Kills the process group led by `pid` (a child spawned by spawnInGroup); quiet when it is gone. */
export function killGroupOf(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group has no members left.
  }
}

/** A one-line reason for a spawn error (command missing, not executable, bad cwd). */
export function describeSpawnError(error: NodeJS.ErrnoException, command: string, cwd: string): string {
  switch (error.code) {
    case 'ENOENT':
      return existsSync(cwd)
        ? `command not found: ${command} (ENOENT)`
        : `working directory does not exist: ${cwd} (ENOENT)`;
    case 'EACCES':
      return `command is not executable: ${command} (EACCES; check its permissions, e.g. chmod +x)`;
    case 'ENOEXEC':
      return `command is not a program the system can run: ${command} (ENOEXEC; a script needs a #! line)`;
    default:
      return `cannot start ${command}: ${error.message}`;
  }
}

/** Human wording for how a process ended. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by signal ${signal}`;
  return `exited with code ${code}`;
}
