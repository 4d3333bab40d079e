/**
 * Evaluations per second for each objective kind on a trivial function, against the floor
 * of spawning a process that does nothing. Run: `npx tsx bench/protocol-throughput.ts`.
 * Numbers depend on the machine and its load; compare rows, not runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createObjectiveRunner } from '../engine/node/evaluation/objective-runner';
import { createEvaluator } from '../engine/node/evaluation/pool';
import type { EvaluationJob, ObjectiveConfig } from '../engine/node/evaluation/types';

const python = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'evobox-bench-'));
const script = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o755 });
  return path;
};
const argsScript = script(
  'args.py',
  'import sys\nx, y = float(sys.argv[1]), float(sys.argv[2])\nprint(x * x + y * y)\n',
);
const stdinScript = script(
  'stdin.py',
  'import json, sys\np = json.loads(sys.stdin.readline())["params"]\nprint(p["x"] ** 2 + p["y"] ** 2)\n',
);
const lineScript = script(
  'line.py',
  'import json, sys\nfor line in sys.stdin:\n    r = json.loads(line)\n    p = r["params"]\n' +
    '    sys.stdout.write(json.dumps({"id": r["id"], "fitness": p["x"] ** 2 + p["y"] ** 2}) + "\\n")\n    sys.stdout.flush()\n',
);
const moduleFile = script('objective.mjs', 'export const evaluate = ({ x, y }) => x * x + y * y;\n');

function jobs(count: number, offset = 0): EvaluationJob[] {
  return Array.from({ length: count }, (_, k) => ({
    index: offset + k,
    params: { x: k / count, y: 1 - k / count },
  }));
}

async function spawnFloor(command: string, args: string[], count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
  }
  return (count * 1000) / (performance.now() - started);
}

/** Warm-up batches first (threads and processes start, the JIT warms up), then timed batches. */
async function throughput(
  objective: ObjectiveConfig,
  workers: number,
  batch: number,
  batches: number,
): Promise<number> {
  const evaluator = await createEvaluator(objective, { workers, cwd: dir, parameterNames: ['x', 'y'] });
  try {
    // Start threads and processes, and let the JIT warm up, before the clock starts.
    for (let b = 0; b < Math.max(1, Math.floor(batches / 4)); b++) await evaluator.evaluate(jobs(batch));
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const results = await evaluator.evaluate(jobs(batch, b * batch));
      const failed = results.filter((r) => r.fitness === null);
      if (failed.length) throw new Error(`${failed.length} failed: ${failed[0].error}`);
    }
    return (batch * batches * 1000) / (performance.now() - started);
  } finally {
    await evaluator.close();
  }
}

/** A line session driven directly from this thread (no piscina hop): the protocol's own cost. */
async function lineDirect(batch: number, batches: number): Promise<number> {
  const runner = createObjectiveRunner(
    { command: python, args: [lineScript], protocol: 'line' },
    {
      workers: 1,
      cwd: dir,
      scratchDir: undefined,
      seed: 0,
      dimension: 2,
      parameterNames: ['x', 'y'],
      keepScratch: 'never',
      maxOutputBytes: undefined,
    },
    0,
  );
  try {
    for (let b = 0; b < Math.max(1, Math.floor(batches / 4)); b++) await runner.evaluate(jobs(batch));
    const started = performance.now();
    for (let b = 0; b < batches; b++) await runner.evaluate(jobs(batch, b * batch));
    return (batch * batches * 1000) / (performance.now() - started);
  } finally {
    await runner.close();
  }
}

const rows: [string, number][] = [];
const add = (label: string, value: number) => {
  rows.push([label, value]);
  console.log(`${label.padEnd(68)} ${value.toFixed(value < 100 ? 1 : 0).padStart(10)} evals/s`);
};

try {
  add('floor: spawn /bin/true, sequential', await spawnFloor('/bin/true', [], 200));
  add('floor: spawn python3 -c pass, sequential', await spawnFloor(python, ['-c', 'pass'], 60));
  for (const workers of [1, 2]) {
    add(
      `args (python3 script, one process per evaluation), ${workers} worker(s)`,
      await throughput(
        { command: python, args: [argsScript, '{x}', '{y}'], protocol: 'args' },
        workers,
        40,
        2,
      ),
    );
  }
  for (const workers of [1, 2]) {
    add(
      `json-stdin (python3 script), ${workers} worker(s)`,
      await throughput({ command: python, args: [stdinScript], protocol: 'json-stdin' }, workers, 40, 2),
    );
  }
  add('line session in this thread, sequential round trips', await lineDirect(1, 3000));
  add('line session in this thread, pipelined batches of 1000', await lineDirect(1000, 20));
  const line: ObjectiveConfig = { command: python, args: [lineScript], protocol: 'line' };
  add('line, sequential round trips (batch of 1), 1 worker', await throughput(line, 1, 1, 2000));
  for (const workers of [1, 2])
    add(`line, pipelined batches of 1000, ${workers} worker(s)`, await throughput(line, workers, 1000, 20));
  add('line, pipelined batches of 20, 2 workers', await throughput(line, 2, 20, 500));
  for (const workers of [1, 2]) {
    add(
      `module (trivial JS) in threads, batches of 1000, ${workers} worker(s)`,
      await throughput({ module: moduleFile }, workers, 1000, 50),
    );
  }
  add(
    'builtin sphere, in-process (1 worker), batches of 1000',
    await throughput({ builtin: 'sphere' }, 1, 1000, 200),
  );
  add('builtin sphere, 2 threads, batches of 1000', await throughput({ builtin: 'sphere' }, 2, 1000, 50));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
