/**
 * Item 3 — executable throughput: evaluations per second through evobox's pool for a trivial
 * Python and a trivial C program (bench/fixtures/trivial.{py,c}) in the `args`, `json-stdin`
 * and `line` protocols, beside floors measured in the same run without evobox:
 * a bare `child_process.spawn` of the same command (reading its output), the same with the
 * request written to stdin, a sequential JSON-line round trip to the same `line` child, and
 * a pipelined one (a batch written at once, the replies read in order and their fitness parsed).
 *
 * Every figure is the best of three repetitions (throughput on a shared machine is only ever
 * lowered by other work). bench/protocol-throughput.ts (`npm run bench -- protocols`) has the
 * module and built-in objective kinds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEvaluator } from '../engine/node/evaluation/pool';
import type { EvaluationJob, ExecutableObjectiveConfig } from '../engine/node/evaluation/types';
import type { ProtocolId } from '../engine/problem/protocols';
import type { Benchmark } from './lib/benchmark';
import { formatRate, formatRatio } from './lib/format';
import { pythonCommand } from './lib/pycma';
import { RawLineChild } from './lib/raw-line-child';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const repetitions = 3;
const pipelineBatch = 1000;

interface Program {
  label: string;
  command: string;
  /** Arguments before the protocol mode (the script, for Python). */
  prefix: string[];
  /** Evaluations per repetition for the one-process-per-evaluation measurements. */
  spawnCount: number;
}

function jobs(count: number, offset = 0): EvaluationJob[] {
  return Array.from({ length: count }, (_, k) => ({
    index: offset + k,
    params: { x: (k % 100) / 100, y: 1 - (k % 100) / 100 },
  }));
}

const request = (job: EvaluationJob) => JSON.stringify({ id: job.index, params: job.params });

/** Runs `count` evaluations with `once`, `repetitions` times; the best rate in evaluations/s. */
async function bestRate(count: number, once: () => Promise<void>): Promise<number> {
  let best = 0;
  for (let r = 0; r < repetitions; r++) {
    const started = performance.now();
    await once();
    best = Math.max(best, (count * 1000) / (performance.now() - started));
  }
  return best;
}

/** One bare spawn: start, optionally write stdin, read stdout to the end, wait for exit. */
function bareSpawn(command: string, args: string[], stdinText?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [stdinText === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'],
    });
    let output = '';
    const stdout = child.stdout!; // piped above
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || !output.trim())
        reject(new Error(`${command} ${args.join(' ')} failed (exit ${code})`));
      else resolve();
    });
    if (stdinText !== undefined) child.stdin!.end(stdinText);
  });
}

async function spawnFloor(program: Program, mode: 'args' | 'json-stdin', count: number): Promise<number> {
  const work = jobs(count);
  return bestRate(count, async () => {
    for (const job of work) {
      if (mode === 'args') {
        await bareSpawn(program.command, [
          ...program.prefix,
          'args',
          String(job.params.x),
          String(job.params.y),
        ]);
      } else {
        await bareSpawn(program.command, [...program.prefix, 'json-stdin'], `${request(job)}\n`);
      }
    }
  });
}

async function lineFloor(program: Program, batch: number, batches: number): Promise<number> {
  const child = new RawLineChild(program.command, [...program.prefix, 'line'], { PYTHONUNBUFFERED: '1' });
  try {
    await child.exchange(jobs(2).map(request)); // started and warm
    const batchesOfRequests = Array.from({ length: batches }, (_, b) => jobs(batch, b * batch).map(request));
    return await bestRate(batch * batches, async () => {
      for (const requests of batchesOfRequests) {
        // Reading the fitness out of each reply is part of an evaluation, so the floor does it too.
        for (const reply of await child.exchange(requests)) {
          if (!Number.isFinite((JSON.parse(reply) as { fitness: number }).fitness))
            throw new Error(`bad reply ${reply}`);
        }
      }
    });
  } finally {
    await child.close();
  }
}

async function evoboxRate(
  objective: ExecutableObjectiveConfig,
  cwd: string,
  workers: number,
  batch: number,
  batches: number,
): Promise<number> {
  const evaluator = await createEvaluator(objective, { workers, cwd, parameterNames: ['x', 'y'] });
  try {
    await evaluator.evaluate(jobs(Math.min(batch, 2 * workers))); // threads and processes started
    return await bestRate(batch * batches, async () => {
      for (let b = 0; b < batches; b++) {
        const results = await evaluator.evaluate(jobs(batch, b * batch));
        const failed = results.filter((r) => r.fitness === null);
        if (failed.length) throw new Error(`${failed.length} evaluations failed: ${failed[0].error}`);
      }
    });
  } finally {
    await evaluator.close();
  }
}

interface ProgramRates {
  spawn: number;
  args1: number;
  args2: number;
  stdinSpawn: number;
  stdin1: number;
  stdin2: number;
  lineSequentialFloor: number;
  lineSequential: number;
  linePipelinedFloor: number;
  line1: number;
  line2: number;
}

async function measureProgram(program: Program, cwd: string, quick: boolean): Promise<ProgramRates> {
  const scale = quick ? 0.5 : 1;
  const spawnCount = Math.max(10, Math.round(program.spawnCount * scale));
  const spawnBatch = Math.max(5, Math.round(spawnCount / 4));
  const spawnBatches = Math.ceil(spawnCount / spawnBatch);
  const sequentialCount = Math.round(1000 * scale);
  const pipelinedBatches = Math.round(10 * scale);
  const objective = (protocol: ProtocolId): ExecutableObjectiveConfig => ({
    command: program.command,
    args: [...program.prefix, protocol, ...(protocol === 'args' ? ['{x}', '{y}'] : [])],
    protocol,
  });
  return {
    spawn: await spawnFloor(program, 'args', spawnCount),
    args1: await evoboxRate(objective('args'), cwd, 1, spawnBatch, spawnBatches),
    args2: await evoboxRate(objective('args'), cwd, 2, spawnBatch, spawnBatches),
    stdinSpawn: await spawnFloor(program, 'json-stdin', spawnCount),
    stdin1: await evoboxRate(objective('json-stdin'), cwd, 1, spawnBatch, spawnBatches),
    stdin2: await evoboxRate(objective('json-stdin'), cwd, 2, spawnBatch, spawnBatches),
    lineSequentialFloor: await lineFloor(program, 1, sequentialCount),
    lineSequential: await evoboxRate(objective('line'), cwd, 1, 1, sequentialCount),
    linePipelinedFloor: await lineFloor(program, pipelineBatch, pipelinedBatches),
    line1: await evoboxRate(objective('line'), cwd, 1, pipelineBatch, pipelinedBatches),
    line2: await evoboxRate(objective('line'), cwd, 2, pipelineBatch, pipelinedBatches),
  };
}

function compileC(dir: string): { command: string } | { error: string } {
  const output = join(dir, 'trivial');
  try {
    execFileSync('gcc', ['-O2', '-o', output, join(fixtures, 'trivial.c'), '-lm'], { stdio: 'pipe' });
    return { command: output };
  } catch (error) {
    return {
      error: `gcc could not compile bench/fixtures/trivial.c: ${(error as Error).message.split('\n')[0]}`,
    };
  }
}

export const executableThroughput: Benchmark = {
  name: 'executable-throughput',
  description: 'evaluations/s of trivial Python and C programs per protocol, against bare-process floors',
  async run(settings: BenchSettings, report: Report) {
    const dir = mkdtempSync(join(tmpdir(), 'evobox-bench-exec-'));
    try {
      const programs: Program[] = [
        { label: 'Python', command: pythonCommand, prefix: [join(fixtures, 'trivial.py')], spawnCount: 40 },
      ];
      const compiled = compileC(dir);
      if ('command' in compiled)
        programs.push({ label: 'C', command: compiled.command, prefix: [], spawnCount: 200 });
      report.text(
        `Trivial f(x, y) = x² + y² programs (bench/fixtures/trivial.py run by ${pythonCommand}, trivial.c compiled with gcc -O2). ` +
          `Best of ${repetitions} repetitions; "pipelined" = batches of ${pipelineBatch} requests written at once.`,
      );
      if ('error' in compiled) report.text(`C program skipped: ${compiled.error}`);
      report.text();
      for (const program of programs) {
        const rates = await measureProgram(program, dir, settings.quick);
        const row = (label: string, rate: number, floor?: number): (string | number)[] => [
          label,
          formatRate(rate),
          formatRate(1e6 / rate),
          floor === undefined ? '(floor)' : formatRatio(rate / floor),
        ];
        report.text(`**${program.label}**`);
        report.text();
        report.table(
          ['measurement', 'evals/s', 'µs/eval', 'evobox ÷ floor (throughput)'],
          [
            row('floor: bare spawn of the args command', rates.spawn),
            row('evobox args, 1 worker', rates.args1, rates.spawn),
            row('evobox args, 2 workers', rates.args2, rates.spawn),
            row('floor: bare spawn, request on stdin', rates.stdinSpawn),
            row('evobox json-stdin, 1 worker', rates.stdin1, rates.stdinSpawn),
            row('evobox json-stdin, 2 workers', rates.stdin2, rates.stdinSpawn),
            row('floor: raw sequential JSON-line round trip', rates.lineSequentialFloor),
            row('evobox line, batches of 1, 1 worker', rates.lineSequential, rates.lineSequentialFloor),
            row(`floor: raw pipelined JSON lines (${pipelineBatch} at once)`, rates.linePipelinedFloor),
            row(`evobox line, batches of ${pipelineBatch}, 1 worker`, rates.line1, rates.linePipelinedFloor),
            row(`evobox line, batches of ${pipelineBatch}, 2 workers`, rates.line2, rates.linePipelinedFloor),
          ],
        );
        const lineRatio = rates.linePipelinedFloor / rates.line1;
        report.check(
          `${program.label}: line within 2× of the pipelined floor`,
          `${formatRatio(lineRatio)} slower (${formatRate(rates.line1)} vs ${formatRate(rates.linePipelinedFloor)} evals/s)`,
          lineRatio <= 2,
          `evobox line takes ${(1e6 / rates.line1).toFixed(1)} µs per evaluation, the raw pipeline ${(1e6 / rates.linePipelinedFloor).toFixed(1)} µs`,
        );
        const argsRatio = rates.spawn / rates.args1;
        report.check(
          `${program.label}: args ≤ 1.5× a bare spawn`,
          `${formatRatio(argsRatio)} (${(1e3 / rates.args1).toFixed(2)} ms vs ${(1e3 / rates.spawn).toFixed(2)} ms per evaluation)`,
          argsRatio <= 1.5,
          `evobox adds ${(1e3 / rates.args1 - 1e3 / rates.spawn).toFixed(2)} ms per evaluation to the bare spawn`,
        );
        const lineOverArgs = rates.line1 / rates.args1;
        report.check(
          `${program.label}: line ≥ 20× the throughput of args`,
          formatRatio(lineOverArgs),
          lineOverArgs >= 20,
          `line reaches only ${formatRatio(lineOverArgs)} args' throughput`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
