/**
 * What `evobox run` / `resume` do when signalled. Every way out that can run code ends the
 * evaluation processes the run started and writes a checkpoint, so the run stays resumable
 * and nothing is left running:
 * - Ctrl-C (SIGINT): no new generation; the current one finishes; exit 0 once written.
 * - Ctrl-C again, or SIGHUP (the terminal went away): running evaluations are ended at once
 *   and recorded as not evaluated; checkpoint; exit 130 / 129.
 * - SIGTERM (kill, systemd, Slurm): no new generation; running evaluations get the grace
 *   period (`--stop-grace`, default 5 s), then are ended and recorded as not evaluated;
 *   checkpoint; exit 143.
 * - Any other exit (an uncaught error, process.exit): the process groups are killed on the way out.
 * SIGKILL runs no code: the next `resume` (or the GUI's) ends what the dead process left.
 */
import { killOwnRunProcesses } from '../run/folder';
import { defaultStopGraceSeconds, type RunHandle } from '../run/types';

export { defaultStopGraceSeconds };

/** If ending evaluations and writing the checkpoint take longer than this, leave anyway. */
const forcedExitMs = 15_000;

function say(message: string): void {
  try {
    process.stderr.write(`\nevobox: ${message}\n`);
  } catch {
    // the terminal is gone (SIGHUP): nobody to tell
  }
}

export interface SignalHandling {
  /** 128 + the signal that ended the run, if one did (undefined after a plain Ctrl-C). */
  readonly exitCode: number | undefined;
  dispose(): void;
}

export function handleSignals(handle: RunHandle, graceSeconds = defaultStopGraceSeconds): SignalHandling {
  let interrupts = 0;
  let exitCode: number | undefined;
  const endNow = (code: number, why: string) => {
    exitCode ??= code;
    say(`${why}: ending the running evaluations now and writing a checkpoint (the run stays resumable)`);
    handle.stop({ graceMs: 0 });
    setTimeout(() => {
      killOwnRunProcesses(handle.runDir);
      process.exit(exitCode);
    }, forcedExitMs).unref();
  };
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts > 1) return endNow(130, 'interrupted again');
    say(
      'stopping after this generation (Ctrl-C again to end the running evaluations now; the run stays resumable)',
    );
    handle.stop();
  };
  const onTerminate = () => {
    exitCode ??= 143;
    say(
      `terminated: no new evaluations; those running get ${graceSeconds} s to finish, then they are ended and run again on resume`,
    );
    handle.stop({ graceMs: graceSeconds * 1000 });
  };
  const onHangup = () => endNow(129, 'hung up');
  const onExit = () => killOwnRunProcesses(handle.runDir);
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  process.on('SIGHUP', onHangup);
  process.on('exit', onExit);
  return {
    get exitCode() {
      return exitCode;
    },
    dispose() {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      process.off('SIGHUP', onHangup);
      process.off('exit', onExit);
    },
  };
}
