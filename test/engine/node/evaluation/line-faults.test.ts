/**
 * Faults of the persistent `line` process: crash or hang on one request of a pipelined
 * batch, oversized or invalid replies, a process that dies at start-up. The fixture server
 * (test/fixtures/executables/line-server.py) misbehaves on particular values of x and logs
 * each start to a file, so restarts can be counted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createObjectiveRunner,
  type ObjectiveRunner,
} from '../../../../engine/node/evaluation/objective-runner';
import type { ExecutableObjectiveConfig } from '../../../../engine/node/evaluation/types';
import { fixture, isAlive, python, settings, temporaryDirectory, waitFor } from './helpers';

let dir: ReturnType<typeof temporaryDirectory>;
let runner: ObjectiveRunner;
let startsLog: string;

function starts(): number[] {
  try {
    return readFileSync(startsLog, 'utf8').trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

function server(extra: Partial<ExecutableObjectiveConfig> = {}): ObjectiveRunner {
  runner = createObjectiveRunner(
    {
      command: python,
      args: [fixture('line-server.py'), startsLog],
      protocol: 'line',
      timeoutSeconds: 5,
      ...extra,
    },
    settings(),
    0,
  );
  return runner;
}

const batch = (xs: number[]) => xs.map((x, index) => ({ index, params: { x, y: 0.5 } }));

beforeEach(() => {
  dir = temporaryDirectory();
  startsLog = join(dir.path, 'starts.log');
});

afterEach(async () => {
  await runner?.close();
  const pids = starts();
  dir.remove();
  // Every process the session started is gone, whatever happened to it.
  expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
});

describe('line protocol faults', () => {
  it('a crash mid-batch: the others are answered, the killer fails after one retry', async () => {
    const xs = [0, 1, 2, 13, 3, 4];
    const results = await server().evaluate(batch(xs));
    xs.forEach((x, k) => {
      if (x === 13) return;
      expect(results[k]).toMatchObject({ fitness: x * x + 0.5, worker: 0 });
    });
    expect(results[3].fitness).toBeNull();
    expect(results[3].error).toBe(
      'line process killed by signal SIGKILL while this request was pending (restarted) (2 attempts)',
    );
    // First start, the retry of x=13, and the restart that answered the rest.
    expect(starts()).toHaveLength(3);
  });

  it('a hang: timeout kills the process, the rest are resent to a new one', async () => {
    const started = Date.now();
    const results = await server({ timeoutSeconds: 1 }).evaluate(batch([0, 7, 1, 2]));
    expect(results.map((r) => r.fitness)).toEqual([0.5, null, 1.5, 4.5]);
    expect(results[1].error).toBe(
      'no reply within 1 s (line process group killed and restarted) (2 attempts)',
    );
    expect(starts()).toHaveLength(3);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1950);
    expect(elapsed).toBeLessThan(8000);
  });

  it('an oversized reply fails its request at once and restarts the process', async () => {
    const results = await server().evaluate(batch([1, 99, 2]));
    expect(results.map((r) => r.fitness)).toEqual([1.5, null, 4.5]);
    expect(results[1].error).toBe('reply line too large: more than 1 MiB (line process restarted)');
    expect(starts()).toHaveLength(2);
  });

  it('invalid and error replies fail only their request; the process lives on', async () => {
    const results = await server().evaluate(batch([5, 6, 3]));
    expect(results[0]).toMatchObject({ fitness: null, error: 'reply is NaN' });
    expect(results[1]).toMatchObject({
      fitness: null,
      error: 'reply reports an error: solver did not converge',
    });
    expect(results[2]).toMatchObject({ fitness: 9.5 });
    expect(starts()).toHaveLength(1);
  });

  it('a process that died while idle is replaced without failing anything', async () => {
    server();
    await runner.evaluate(batch([1]));
    process.kill(starts()[0], 'SIGKILL');
    expect(await waitFor(() => !isAlive(starts()[0]))).toBe(true);
    const results = await runner.evaluate(batch([2, 3]));
    expect(results.map((r) => r.fitness)).toEqual([4.5, 9.5]);
    expect(starts()).toHaveLength(2);
  });

  it('gives up on a batch when the process keeps dying before its first reply', async () => {
    runner = createObjectiveRunner({ command: fixture('dies-at-start.py'), protocol: 'line' }, settings(), 0);
    const started = Date.now();
    const results = await runner.evaluate(batch([1, 2, 3, 4, 5, 6]));
    expect(results.every((r) => r.fitness === null)).toBe(true);
    expect(results[0].error).toBe(
      'line process exited with code 2 while this request was pending (restarted) (2 attempts)',
    );
    expect(results[5].error).toMatch(/^line process keeps dying before its first reply \(4 times in a row\)/);
    expect(results[5].stderrTail).toContain('cannot load model.bin');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails every request clearly when the command does not exist', async () => {
    runner = createObjectiveRunner({ command: '/nonexistent/server', protocol: 'line' }, settings(), 0);
    const results = await runner.evaluate(batch([1, 2]));
    expect(results.map((r) => r.error)).toEqual([
      'command not found: /nonexistent/server (ENOENT)',
      'command not found: /nonexistent/server (ENOENT)',
    ]);
  });
});
