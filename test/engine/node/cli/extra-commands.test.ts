/**
 * `serve` and `bench` live outside the engine (bin/commands.ts) and are wired in by
 * bin/evobox.mjs: the command line still has them, with their options and exit codes.
 */
import { describe, expect, it } from 'vitest';
import { evobox } from './evobox';

describe('commands wired in by bin/evobox.mjs', () => {
  it('lists serve and bench in the help, after the engine commands', () => {
    const { code, stdout } = evobox(['--help']);
    expect(code).toBe(0);
    const commands = [...stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect(commands).toEqual(['run', 'resume', 'export', 'probe', 'strategies', 'serve', 'bench', 'help']);
  });

  it('keeps serve’s options', () => {
    const { code, stdout } = evobox(['serve', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--port <port>');
    expect(stdout).toContain('--runs-dir <dir>');
    expect(stdout).toContain('--open');
  });

  it('runs bench and passes its exit code on', () => {
    const { code, stderr } = evobox(['bench', 'no-such-benchmark']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown benchmark no-such-benchmark; available: engine-overhead');
  });
});
