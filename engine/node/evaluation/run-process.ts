/**
 * Runs one program to completion with a timeout, a cap on stdout and a bounded stderr
 * tail. Never rejects: every way a program can misbehave comes back as `failure`.
 */
import { BoundedTail } from './bounded-tail';
import { describeExit, describeSpawnError, killGroup, spawnInGroup, type SpawnSpec } from './process-group';

export const stderrTailBytes = 2048;
/** How long to wait for stdio to close after the process exited before giving up on it. */
const closeGraceMs = 1000;

export interface RunLimits {
  timeoutMs: number;
  maxOutputBytes: number;
  /** Written to stdin, which is then closed (json-stdin). */
  stdinText?: string;
  /** Registers the running child's pid so the pool can kill it on close. */
  onSpawn?: (pid: number | undefined) => void;
}

export interface ProcessOutcome {
  stdout: string;
  stderrTail: string;
  /** Set when the program did not run to a normal exit with code 0. */
  failure?: string;
  startedAt: number;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${+(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${+(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatSeconds(ms: number): string {
  return `${+(ms / 1000).toPrecision(3)} s`;
}

export function runProcess(spec: SpawnSpec, limits: RunLimits): Promise<ProcessOutcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    const stderr = new BoundedTail(stderrTailBytes);
    let failure: string | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;

    let child: ReturnType<typeof spawnInGroup>;
    try {
      child = spawnInGroup(spec);
    } catch (error) {
      resolve({
        stdout: '',
        stderrTail: '',
        failure: describeSpawnError(error as NodeJS.ErrnoException, spec.command, spec.cwd),
        startedAt,
      });
      return;
    }
    limits.onSpawn?.(child.pid);

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      limits.onSpawn?.(undefined);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrTail: stderr.text(),
        failure,
        startedAt,
      });
    };

    const timer = setTimeout(() => {
      failure ??= `timed out after ${formatSeconds(limits.timeoutMs)} (process group killed)`;
      killGroup(child);
    }, limits.timeoutMs);

    child.stdout!.on('data', (chunk: Buffer) => {
      if (failure) return; // keep draining, stop keeping
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.maxOutputBytes) {
        failure = `output too large: more than ${formatBytes(limits.maxOutputBytes)} on stdout (process group killed)`;
        stdout.length = 0;
        killGroup(child);
        return;
      }
      stdout.push(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) {
        failure ??= describeSpawnError(error, spec.command, spec.cwd);
        finish();
      }
    });
    child.on('exit', (code, signal) => {
      if (code !== 0 || signal) failure ??= describeExit(code, signal);
      // Anything the program left running in its group would keep our pipes open.
      killGroup(child);
      graceTimer = setTimeout(finish, closeGraceMs);
    });
    child.on('close', finish);

    if (child.stdin) {
      child.stdin.on('error', () => {
        // EPIPE: the program exited without reading its input; its exit status tells why.
      });
      child.stdin.end(limits.stdinText ?? '');
    }
  });
}
