/**
 * Every way an `args`/`json-stdin` program can misbehave becomes a failed evaluation with a
 * reason, never a crash or a hang of the evaluator. Each case runs a real misbehaving
 * program from test/fixtures/executables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutableObjectiveConfig } from '../../../../engine/node/evaluation/types';
import { evaluateOne, fixture, isAlive, python, temporaryDirectory, waitFor } from './helpers';

const run = (script: string, extra: Partial<ExecutableObjectiveConfig> = {}) =>
  evaluateOne({ command: fixture(script), protocol: 'args', timeoutSeconds: 5, ...extra });

describe('failed evaluations (one process per evaluation)', () => {
  it('reports a non-zero exit code with the stderr tail, ignoring the printed value', async () => {
    const result = await run('exit-code.py');
    expect(result.fitness).toBeNull();
    expect(result.error).toBe('exited with code 3');
    expect(result.stderrTail).toContain('simulation diverged at step 17');
  });

  it('names the signal that killed the program', async () => {
    const result = await run('segfault.py');
    expect(result.fitness).toBeNull();
    expect(result.error).toBe('killed by signal SIGSEGV');
    expect(result.stderrTail).toContain('about to crash');
  });

  it('kills the whole process group on timeout, grandchild included', async () => {
    const dir = temporaryDirectory();
    try {
      const pidFile = join(dir.path, 'grandchild.pid');
      const started = Date.now();
      const result = await run('hang-with-grandchild.py', { args: [pidFile], timeoutSeconds: 0.5 });
      const elapsed = Date.now() - started;
      expect(result.fitness).toBeNull();
      expect(result.error).toMatch(/^timed out after 0\.5 s/);
      expect(result.stderrTail).toContain('waiting forever');
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(3000);
      const grandchild = Number(readFileSync(pidFile, 'utf8'));
      expect(grandchild).toBeGreaterThan(0);
      expect(await waitFor(() => !isAlive(grandchild))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it.each([
    ['prints-nothing.py', /^no output on stdout/],
    ['prints-text.py', /not a number: "the answer is forty-two"/],
    ['prints-nan.py', /is NaN$/],
    ['prints-infinity.py', /is infinite: "inf"/],
  ])('%s fails with a reason', async (script, reason) => {
    const result = await run(script);
    expect(result.fitness).toBeNull();
    expect(result.error).toMatch(reason);
  });

  it('caps stdout: a 10 MB line fails as too large, quickly', async () => {
    const started = Date.now();
    const result = await run('huge-line.py');
    expect(result.fitness).toBeNull();
    expect(result.error).toMatch(/^output too large: more than 1 MiB on stdout/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('survives 50 MB of stderr and keeps only a bounded tail', async () => {
    const ok = await evaluateOne({ command: python, args: [fixture('stderr-flood.py')], protocol: 'args' });
    expect(ok).toMatchObject({ fitness: 42 });
    const failed = await evaluateOne({
      command: python,
      args: [fixture('stderr-flood.py'), '1'],
      protocol: 'args',
    });
    expect(failed.fitness).toBeNull();
    expect(failed.error).toBe('exited with code 1');
    expect(failed.stderrTail!.length).toBeLessThanOrEqual(2100);
    expect(failed.stderrTail).toMatch(/x+\nEND-OF-FLOOD\n$/);
  });

  it('explains a missing command', async () => {
    const result = await run('no-such-program.py');
    expect(result.fitness).toBeNull();
    expect(result.error).toBe(`command not found: ${fixture('no-such-program.py')} (ENOENT)`);
    const onPath = await evaluateOne({ command: 'evobox-no-such-program', protocol: 'json-stdin' });
    expect(onPath.error).toMatch(/^command not found: evobox-no-such-program/);
  });

  it('explains a file without the executable bit', async () => {
    const result = await run('not-executable.py');
    expect(result.fitness).toBeNull();
    expect(result.error).toMatch(/^command is not executable: .*not-executable\.py \(EACCES/);
  });

  it('explains a missing working directory', async () => {
    const result = await run('prints-text.py', { cwd: '/nonexistent/evobox-dir' });
    expect(result.error).toBe('working directory does not exist: /nonexistent/evobox-dir (ENOENT)');
  });

  it('fails a json-stdin program that exits without reading its input', async () => {
    const result = await evaluateOne({ command: fixture('exit-code.py'), protocol: 'json-stdin' });
    expect(result.error).toBe('exited with code 3');
  });
});
