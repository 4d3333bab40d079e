/**
 * The BullMQ executor on loopback: what a queue costs per evaluation against the local pool
 * on a no-op objective (jobs of 1, 10 and 100 candidates), the speed-up of 1, 2, 4 and 8
 * `evobox worker` processes on 200 ms sleep-bound evaluations, and how long a job whose
 * worker was killed with -9 takes to finish on another one.
 *
 * Everything runs on this machine: a redis-server of the bench's own (AOF every second) and
 * worker child processes, so the cores are shared by Redis, the workers and the coordinator.
 */
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { BullmqExecutor, bullmqExecutor } from '../engine/node/executors/bullmq';
import { keyPrefix, redisOptions } from '../engine/node/executors/bullmq-protocol';
import { createExecutor, type Executor, type ExecutorRequest } from '../engine/node/executors/index';
import type { EvaluationJob, ObjectiveConfig } from '../engine/node/evaluation/types';
import type { Benchmark } from './lib/benchmark';
import {
  BenchRedis,
  cpuMs,
  killWorkers,
  stopWorkers,
  redisServerPath,
  startWorkers,
  type BenchWorker,
} from './lib/distributed-processes';
import { formatRatio } from './lib/format';
import { pythonCommand } from './lib/pycma';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const port = Number(process.env.EVOBOX_BENCH_REDIS_PORT ?? 6395);
let runCounter = 0;
/** EVOBOX_BENCH_WORKER_PROFILE=<dir>: the overhead section's workers write --cpu-prof profiles there. */
const workerNodeArgs = process.env.EVOBOX_BENCH_WORKER_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.EVOBOX_BENCH_WORKER_PROFILE}`]
  : [];

function request(objective: ObjectiveConfig, names: string[]): ExecutorRequest {
  return {
    objective,
    parameterNames: names,
    workers: 1,
    cwd: fixtures,
    seed: 1,
    runId: `bench-${process.pid}-${++runCounter}`,
  };
}

function jobsFor(generation: number, size: number, names: string[]): EvaluationJob[] {
  return Array.from({ length: size }, (_, k) => ({
    index: generation * size + k,
    params: Object.fromEntries(names.map((name, i) => [name, ((k + i) % 7) / 10])),
  }));
}

/** CPU ms used so far by this process, the workers and Redis (where a distributed job's time goes). */
function cpuNow(workers: BenchWorker[], redis: BenchRedis) {
  const own = process.cpuUsage();
  return {
    coordinator: (own.user + own.system) / 1000,
    workers: workers.reduce((sum, w) => sum + cpuMs(w.child.pid), 0),
    redis: cpuMs(redis.pid),
  };
}

/**
 * Evaluations per second over generations of `size` for about `seconds`, after two warm-up
 * generations (every worker process has then seen the run and set up its evaluator), and
 * the CPU ms per evaluation each process used meanwhile.
 */
async function throughput(
  executor: Executor,
  size: number,
  seconds: number,
  names: string[],
  cpu: () => { coordinator: number; workers: number; redis: number },
) {
  let generation = 0;
  for (; generation < 2; generation++) await executor.evaluate(jobsFor(generation, size, names), generation);
  const before = cpu();
  const started = performance.now();
  let evaluations = 0;
  while (performance.now() - started < seconds * 1000) {
    const results = await executor.evaluate(jobsFor(generation, size, names), generation);
    generation += 1;
    const failed = results.find((r) => r.fitness === null);
    if (failed) throw new Error(`evaluation failed: ${failed.error}`);
    evaluations += results.length;
  }
  const rate = evaluations / ((performance.now() - started) / 1000);
  const after = cpu();
  const per = (key: 'coordinator' | 'workers' | 'redis') => (after[key] - before[key]) / evaluations;
  return { rate, cpu: { coordinator: per('coordinator'), workers: per('workers'), redis: per('redis') } };
}

async function bullmq(
  redis: BenchRedis,
  objective: ObjectiveConfig,
  names: string[],
  batch: number,
  req = request(objective, names),
) {
  const config = bullmqExecutor.configSchema.parse({ kind: 'bullmq', redis: redis.url, batch });
  return BullmqExecutor.create(config, req, () => undefined);
}

async function overhead(redis: BenchRedis, settings: BenchSettings, report: Report): Promise<void> {
  const names = Array.from({ length: 10 }, (_, i) => `x${i}`);
  const objective: ObjectiveConfig = { builtin: 'sphere' };
  const seconds = settings.quick ? 2 : 4;
  const size = 200;
  const local = await createExecutor(undefined, request(objective, names));
  const localRun = await throughput(local, size, seconds, names, () => ({
    ...cpuNow([], redis),
    redis: 0,
  }));
  const localRate = localRun.rate;
  await local.close();
  const workers = await startWorkers(redis.url, 2, ['--concurrency', '4'], workerNodeArgs);
  const rows: (string | number)[][] = [
    [
      'local pool (1 worker, in-process)',
      '-',
      Math.round(localRate),
      '-',
      (1000 / localRate).toFixed(4),
      '-',
      localRun.cpu.coordinator.toFixed(4),
      '-',
      '-',
    ],
  ];
  const measured: {
    batch: number;
    rate: number;
    cpu: { coordinator: number; workers: number; redis: number };
  }[] = [];
  try {
    for (const batch of [1, 10, 100]) {
      const executor = await bullmq(redis, objective, names, batch);
      try {
        const { rate, cpu } = await throughput(executor, size, seconds, names, () => cpuNow(workers, redis));
        measured.push({ batch, rate, cpu });
        rows.push([
          `bullmq, ${batch} candidate(s) per job`,
          batch,
          Math.round(rate),
          Math.round(rate / batch),
          (1000 / rate).toFixed(4),
          (1000 / rate - 1000 / localRate).toFixed(4),
          cpu.coordinator.toFixed(4),
          cpu.workers.toFixed(4),
          cpu.redis.toFixed(4),
        ]);
      } finally {
        await executor.close();
      }
    }
  } finally {
    await stopWorkers(workers);
  }
  report.text(
    `No-op objective (built-in sphere, 10 parameters), generations of ${size}, ${seconds} s each after two warm-up generations. ` +
      'Distributed: 2 `evobox worker` processes with --concurrency 4 on this machine, Redis on loopback. ' +
      '"overhead" = ms per evaluation minus the local pool\'s; "CPU ms" = CPU time per evaluation of the coordinator (this process), ' +
      'both workers together, and redis-server, from /proc over the timed generations: where the time goes, whatever else loads the machine.',
  );
  report.text();
  report.table(
    [
      'executor',
      'batch',
      'evaluations/s',
      'jobs/s',
      'ms per evaluation',
      'overhead ms',
      'CPU ms coordinator',
      'CPU ms workers',
      'CPU ms redis',
    ],
    rows,
  );
  const single = measured.find((m) => m.batch === 1)!;
  const best = measured.reduce((a, b) => (b.rate > a.rate ? b : a));
  const cpuSum = single.cpu.coordinator + single.cpu.workers + single.cpu.redis;
  report.check(
    'overhead per evaluation through Redis ≤ 1 ms (1 candidate per job)',
    `${(1000 / single.rate).toFixed(3)} ms (${Math.round(single.rate)} jobs/s); CPU ${cpuSum.toFixed(3)} ms per job over all processes`,
    1000 / single.rate <= 1,
    `a job costs ${cpuSum.toFixed(2)} ms of CPU (coordinator ${single.cpu.coordinator.toFixed(2)}: addBulk + QueueEvents; ` +
      `workers ${single.cpu.workers.toFixed(2)}: BullMQ fetch/complete scripts, the answer record; redis ${single.cpu.redis.toFixed(2)}: BullMQ's Lua) ` +
      `on 2 cores that the rest of the load average shares`,
  );
  report.check(
    '≥ 5 000 evaluations/s with small evaluations batched into jobs',
    `${Math.round(best.rate)}/s at ${best.batch} per job`,
    best.rate >= 5000,
    'the coordinator, the workers and Redis share 2 cores with the rest of the load',
  );
}

async function speedup(redis: BenchRedis, settings: BenchSettings, report: Report): Promise<void> {
  const names = ['x', 'y'];
  const sleepMs = 200;
  const objective: ObjectiveConfig = {
    command: pythonCommand,
    args: [`${fixtures}timed_line.py`, 'sleep', String(sleepMs)],
    protocol: 'line',
  };
  const population = 16;
  const generations = settings.quick ? 3 : 5;
  const workers: BenchWorker[] = [];
  const rows: (string | number)[][] = [];
  let base = Number.NaN;
  let atEight = Number.NaN;
  let eightDetail = '';
  try {
    for (const count of [1, 2, 4, 8]) {
      workers.push(...(await startWorkers(redis.url, count - workers.length, ['--concurrency', '1'])));
      const executor = await bullmq(redis, objective, names, 1);
      try {
        // Two warm-up generations: every new worker starts its Python process.
        await executor.evaluate(jobsFor(0, population, names), 0);
        await executor.evaluate(jobsFor(1, population, names), 1);
        let evaluationMs = 0;
        let slowest = 0;
        const started = performance.now();
        for (let g = 2; g < 2 + generations; g++) {
          const results = await executor.evaluate(jobsFor(g, population, names), g);
          for (const r of results) {
            evaluationMs += r.ms;
            slowest = Math.max(slowest, r.ms);
          }
        }
        const perGeneration = (performance.now() - started) / 1000 / generations;
        const meanMs = evaluationMs / (generations * population);
        // The generation's floor with these evaluation times: rounds of `count` in a row.
        const rounds = Math.ceil(population / count);
        const queueMs = (perGeneration * 1000) / rounds - meanMs;
        if (count === 1) base = perGeneration;
        const ratio = base / perGeneration;
        if (count === 8) {
          atEight = ratio;
          eightDetail = `evaluations took ${meanMs.toFixed(0)} ms on average (slowest ${slowest.toFixed(0)} ms) instead of ${sleepMs}; ${queueMs.toFixed(0)} ms per round beyond the mean evaluation`;
        }
        rows.push([
          count,
          perGeneration.toFixed(3),
          ((population * sleepMs) / 1000 / count).toFixed(2),
          meanMs.toFixed(1),
          slowest.toFixed(0),
          queueMs.toFixed(1),
          formatRatio(ratio),
        ]);
      } finally {
        await executor.close();
      }
    }
  } finally {
    await killWorkers(workers);
  }
  report.text(
    `Python \`line\` objective sleeping ${sleepMs} ms per evaluation, λ = ${population}, ${generations} timed generations after two warm-up ones; ` +
      'k `evobox worker` processes with one slot each. "evaluation ms" is what the workers measured around each evaluation ' +
      '(a 200 ms sleep overshoots when the machine is loaded); "beyond mean ms" = generation time / rounds of k − mean evaluation ms: ' +
      "the queue's cost per round plus waiting for the slowest evaluation of the round.",
  );
  report.text();
  report.table(
    [
      'workers',
      's per generation',
      'ideal s',
      'evaluation ms (mean)',
      'slowest ms',
      'beyond mean ms',
      'speed-up',
    ],
    rows,
  );
  report.check('speed-up ≥ 7× with 8 workers', formatRatio(atEight), atEight >= 7, eightDetail);
}

async function failover(redis: BenchRedis, report: Report): Promise<void> {
  const names = ['x', 'y'];
  const evaluationMs = 1000;
  const objective: ObjectiveConfig = {
    command: pythonCommand,
    args: [`${fixtures}timed_line.py`, 'sleep', String(evaluationMs)],
    protocol: 'line',
  };
  const rows: (string | number)[][] = [];
  const queue = new Queue('evaluations', { connection: redisOptions(redis.url), prefix: keyPrefix });
  try {
    for (const stall of [2, 2, 5, 5]) {
      const workers = await startWorkers(redis.url, 2, [
        '--concurrency',
        '1',
        '--stall-seconds',
        String(stall),
      ]);
      const req = request(objective, names);
      const executor = await bullmq(redis, objective, names, 1, req);
      try {
        await executor.evaluate(jobsFor(0, 2, names), 0); // both workers warm
        const job = jobsFor(1, 1, names);
        const done = executor.evaluate(job, 1);
        const id = `${req.runId}:1:${job[0].index}`;
        let holder: BenchWorker | undefined;
        const deadline = Date.now() + 10_000;
        while (!holder && Date.now() < deadline) {
          const processedBy = (await queue.getJob(id))?.processedBy;
          holder = workers.find((w) => processedBy?.includes(`-${w.child.pid}-`));
          if (!holder) await new Promise((wake) => setTimeout(wake, 20));
        }
        if (!holder) throw new Error(`no worker took job ${id}`);
        await new Promise((wake) => setTimeout(wake, 200));
        const killedAt = performance.now();
        holder.child.kill('SIGKILL');
        const [result] = await done;
        if (result.fitness === null) throw new Error(`the job failed: ${result.error}`);
        const seconds = (performance.now() - killedAt) / 1000;
        // How often the surviving worker's stalled-job check put the job back (more than once: the
        // survivor itself missed a lock renewal on a loaded machine).
        const requeued = workers
          .filter((w) => w !== holder)
          .reduce((n, w) => n + w.output().split(`job ${id} had stalled`).length - 1, 0);
        rows.push([
          stall,
          seconds.toFixed(2),
          (seconds - evaluationMs / 1000).toFixed(2),
          requeued,
          `${(stall * 2).toFixed(0)} s`,
        ]);
      } finally {
        await executor.close();
        await killWorkers(workers);
      }
    }
  } finally {
    await queue.close();
  }
  report.text(
    `A worker killed with -9 200 ms into a ${evaluationMs / 1000} s evaluation; another idle worker is running. ` +
      '"to re-queue" = death to finished elsewhere minus the re-run evaluation.',
  );
  report.text();
  report.table(
    [
      '--stall-seconds',
      'death → finished elsewhere (s)',
      'to re-queue (s)',
      'times re-queued',
      'bound (2 × stall)',
    ],
    rows,
  );
  report.target({
    target: 'documented time from a worker death to its job running elsewhere',
    measured: rows.map((r) => `${r[2]} s at --stall-seconds ${r[0]}`).join(', '),
    status: 'not checked',
    reason: 'reported, no target',
  });
}

export const distributedBench: Benchmark = {
  name: 'distributed',
  description: 'BullMQ/Redis executor: per-evaluation overhead, speed-up with 1-8 workers, failover time',
  async run(settings: BenchSettings, report: Report) {
    if (!redisServerPath) {
      report.target({
        target: 'distributed benchmarks',
        measured: '-',
        status: 'skipped',
        reason: 'redis-server is not installed',
      });
      return;
    }
    const redis = new BenchRedis(port);
    await redis.start();
    // EVOBOX_BENCH_DISTRIBUTED=overhead,speedup,failover: only those sections (default all).
    const only = process.env.EVOBOX_BENCH_DISTRIBUTED?.split(',');
    const wanted = (section: string) => !only || only.includes(section);
    try {
      if (wanted('overhead')) {
        report.text('### Overhead per evaluation');
        report.text();
        await overhead(redis, settings, report);
      }
      if (wanted('speedup')) {
        report.text('### Speed-up on sleep-bound evaluations');
        report.text();
        await speedup(redis, settings, report);
      }
      if (wanted('failover')) {
        report.text('### A worker dies');
        report.text();
        await failover(redis, report);
      }
    } finally {
      await redis.stop();
    }
  },
};
