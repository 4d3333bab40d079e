/**
 * `evobox worker`: takes evaluation jobs from a BullMQ queue and runs them with the same
 * evaluation pool as a local run (engine/node/evaluation/pool.ts), so protocols, scratch
 * folders, timeouts and failure reasons are exactly the local ones. One pool per run and
 * objective, with `concurrency` slots: a `line` objective keeps one long-lived process per
 * slot. Connections are outbound only (to Redis).
 *
 * Delivery is at-least-once: the worker records the first answer for a job in Redis
 * before completing it and returns that first answer, so a job evaluated twice (its first
 * worker was stopped past the stall interval and came back) keeps one answer; a different
 * second one is recorded as a warning for the coordinator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createEvaluator, type Evaluator } from '../evaluation/pool';
import { parsePathMap, type PathMapping } from './bullmq-protocol';

export { parsePathMap, type PathMapping };
import {
  isBuiltinObjective,
  isExecutableObjective,
  isModuleObjective,
  type ObjectiveConfig,
} from '../evaluation/types';
import {
  defaultQueue,
  heartbeatMs,
  heartbeatTtlSeconds,
  keepJobsSeconds,
  keyPrefix,
  keys,
  redactedUrl,
  redisOptions,
  taggedQueue,
  type DuplicateWarning,
  type EvaluationJobAnswer,
  type EvaluationJobData,
  type RemoteResult,
  type WorkerHeartbeat,
} from './bullmq-protocol';

export interface WorkerOptions {
  redis: string;
  queue?: string;
  concurrency?: number;
  pathMap?: PathMapping[];
  tags?: string[];
  /** Root for scratch folders (default: a fresh temporary folder, removed at exit). */
  scratchDir?: string;
  /**
   * Seconds a job's lock lasts without renewal; a worker unheard of for longer loses its
   * jobs to the stalled-job check, which runs every `stallSeconds` too. Default 30: a dead
   * worker's job is running elsewhere within about 2 × 30 s.
   */
  stallSeconds?: number;
  /** Times a job may be taken back from a dead worker before it fails. Default 3. */
  maxStalled?: number;
  /** Exit after this many seconds without a job (pilot jobs under Slurm). */
  idleExitSeconds?: number;
  log?: (line: string) => void;
}

interface PoolEntry {
  evaluator: Evaluator;
  runId: string;
  lastUsed: number;
  active: number;
}

/** Idle pools are closed after this long (their `line` processes end with them). */
const poolIdleMs = 5 * 60_000;
const maxPools = 8;
/** How often quick jobs are summed up in the log. */
const summaryMs = 5000;

function mapPath(value: string, mappings: readonly PathMapping[]): string {
  for (const { from, to } of mappings) {
    if (value === from || value.startsWith(`${from}/`)) return to + value.slice(from.length);
  }
  return value;
}

/** The coordinator's paths as this machine sees them (`--path-map /shared=/mnt/shared`). */
export function mapObjective(objective: ObjectiveConfig, mappings: readonly PathMapping[]): ObjectiveConfig {
  if (mappings.length === 0 || isBuiltinObjective(objective)) return objective;
  if (isModuleObjective(objective)) return { ...objective, module: mapPath(objective.module, mappings) };
  if (!isExecutableObjective(objective)) return objective;
  const map = (value: string) => mapPath(value, mappings);
  return {
    ...objective,
    command: map(objective.command),
    ...(objective.args ? { args: objective.args.map(map) } : {}),
    ...(objective.cwd ? { cwd: map(objective.cwd) } : {}),
    ...(objective.env
      ? { env: Object.fromEntries(Object.entries(objective.env).map(([k, v]) => [k, map(v)])) }
      : {}),
    ...(objective.templates
      ? { templates: objective.templates.map((t) => ({ ...t, source: map(t.source) })) }
      : {}),
  };
}

function sameAnswer(a: RemoteResult[], b: RemoteResult[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (r, i) =>
      Object.is(r.fitness, b[i].fitness) &&
      JSON.stringify(r.extras ?? null) === JSON.stringify(b[i].extras ?? null),
  );
}

/**
 * Stores an answer under the job id unless one is there already; returns the stored one then
 * (nil when this answer is the first). KEYS[1] answers hash; ARGV: job id, answer, TTL s.
 */
const recordFirstScript = `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then return stored end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return false
`;

type RecordingRedis = Redis & {
  evoboxRecordFirst(key: string, id: string, answer: string, ttlSeconds: number): Promise<string | null>;
};

export class EvoboxWorker {
  readonly id: string;
  readonly host = hostname();
  private readonly queueNames: string[];
  private readonly concurrency: number;
  private readonly mappings: PathMapping[];
  private readonly log: (line: string) => void;
  private readonly scratchRoot: string;
  private readonly ownedScratch: boolean;
  private readonly pools = new Map<string, PoolEntry>();
  private readonly workers: Worker[] = [];
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly current = new Map<string, { job: Job; token: string | undefined; abort?: () => void }>();
  private readonly cancelledRuns = new Set<string>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private idleSince = Date.now();
  private jobsDone = 0;
  private evaluationsDone = 0;
  private failures = 0;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;
  private readonly exited: Promise<void>;
  private resolveExited!: () => void;

  constructor(private readonly options: WorkerOptions) {
    const queue = options.queue ?? defaultQueue;
    const tags = options.tags ?? [];
    this.queueNames = tags.length ? tags.map((tag) => taggedQueue(queue, tag)) : [queue];
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.mappings = options.pathMap ?? [];
    this.log = options.log ?? ((line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
    this.id = `${this.host}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.ownedScratch = options.scratchDir === undefined;
    this.scratchRoot = options.scratchDir ?? mkdtempSync(join(tmpdir(), 'evobox-worker-'));
    const connection = redisOptions(options.redis, '--redis');
    this.redis = new Redis(connection);
    this.redis.defineCommand('evoboxRecordFirst', { numberOfKeys: 1, lua: recordFirstScript });
    this.subscriber = new Redis(connection);
    let reported = false;
    for (const client of [this.redis, this.subscriber]) {
      client.on('error', (error: Error) => {
        if (reported) return;
        reported = true;
        this.log(`Redis at ${redactedUrl(options.redis)} is unreachable (${error.message}); retrying`);
      });
      client.on('ready', () => {
        if (reported) this.log('Redis is back');
        reported = false;
      });
    }
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Connects, announces itself and starts taking jobs. */
  async start(): Promise<void> {
    const stallMs = Math.round((this.options.stallSeconds ?? 30) * 1000);
    const connection = redisOptions(this.options.redis, '--redis');
    await this.redis.ping();
    await this.subscriber.subscribe(...this.queueNames.map((q) => keys.cancel(q)));
    this.subscriber.on('message', (_channel: string, runId: string) => this.cancelRun(runId));
    for (const name of this.queueNames) {
      const worker = new Worker(name, (job, token, signal) => this.process(name, job, token, signal), {
        connection,
        prefix: keyPrefix,
        // Recorded as each job's processedBy: which worker holds a job.
        name: this.id,
        concurrency: this.concurrency,
        lockDuration: stallMs,
        stalledInterval: stallMs,
        maxStalledCount: this.options.maxStalled ?? 3,
        // The lock is what tells the others this worker is alive: renew it well before it lapses.
        lockRenewTime: Math.max(250, Math.floor(stallMs / 3)),
      });
      worker.on('error', (error) => this.log(`queue ${name}: ${error.message}`));
      worker.on('stalled', (id) => this.log(`job ${id} had stalled on another worker: queued again`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch(() => undefined), heartbeatMs);
    this.log(
      `worker ${this.id}: ${this.concurrency} slot(s) on ${this.queueNames.join(', ')} at ${redactedUrl(this.options.redis)}` +
        (this.mappings.length ? `; paths ${this.mappings.map((m) => `${m.from}→${m.to}`).join(', ')}` : ''),
    );
  }

  /** Resolves when the worker has shut down. */
  get done(): Promise<void> {
    return this.exited;
  }

  private async heartbeat(): Promise<void> {
    const beat: WorkerHeartbeat = {
      id: this.id,
      host: this.host,
      pid: process.pid,
      slots: this.stopping ? 0 : this.concurrency,
      queues: this.queueNames,
      tags: this.options.tags ?? [],
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
      jobsDone: this.jobsDone,
      evaluationsDone: this.evaluationsDone,
      failures: this.failures,
      current: [...this.current.keys()],
    };
    const multi = this.redis.multi();
    for (const queue of this.queueNames) {
      multi.set(keys.worker(queue, this.id), JSON.stringify(beat), 'EX', heartbeatTtlSeconds);
      multi.sadd(keys.workers(queue), this.id);
    }
    await multi.exec();
    const idleSeconds = this.options.idleExitSeconds;
    if (
      idleSeconds !== undefined &&
      this.current.size === 0 &&
      Date.now() - this.idleSince > idleSeconds * 1000
    ) {
      this.log(`no job for ${idleSeconds} s: exiting`);
      void this.stop();
    }
  }

  private async poolFor(data: EvaluationJobData): Promise<PoolEntry> {
    const objective = mapObjective(data.objective, this.mappings);
    const cwd = mapPath(data.cwd, this.mappings);
    // The coordinator names the setup once per run (`setup`): no JSON of the objective per job.
    const key = data.setup
      ? `${data.runId}\n${data.setup}`
      : JSON.stringify([data.runId, objective, data.parameterNames, cwd, data.seed]);
    let entry = this.pools.get(key);
    if (!entry) {
      await this.trimPools();
      const scratchDir = mkdtempSync(join(this.scratchRoot, `${data.runId.slice(0, 40)}-`));
      const evaluator = await createEvaluator(objective, {
        // Built-ins take microseconds: threads would only add a message round trip per job
        // (and seconds of thread start-up per run); BullMQ's concurrency still overlaps jobs.
        workers: isBuiltinObjective(objective) ? 1 : this.concurrency,
        cwd,
        scratchDir,
        seed: data.seed,
        parameterNames: data.parameterNames,
      });
      entry = { evaluator, runId: data.runId, lastUsed: Date.now(), active: 0 };
      this.pools.set(key, entry);
      this.log(`run ${data.runId}: new pool for ${describeObjective(objective)}`);
    }
    entry.lastUsed = Date.now();
    return entry;
  }

  private async trimPools(): Promise<void> {
    const now = Date.now();
    const entries = [...this.pools.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, entry] of entries) {
      if (entry.active > 0) continue;
      if (now - entry.lastUsed > poolIdleMs || this.pools.size >= maxPools) {
        this.pools.delete(key);
        await entry.evaluator.close().catch(() => undefined);
      }
    }
  }

  private async process(
    queue: string,
    job: Job,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<EvaluationJobAnswer> {
    const data = job.data as EvaluationJobData;
    const id = job.id ?? '?';
    if (data?.v !== 1)
      throw new UnrecoverableError(`job ${id} is not an evobox evaluation job (v ${String(data?.v)})`);
    if (await this.isCancelled(queue, data.runId)) {
      throw new UnrecoverableError('cancelled: the run was stopped');
    }
    if (this.stopping) {
      // Shutting down: hand the job back at once rather than start it.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    this.current.set(id, { job, token });
    this.idleSince = Date.now();
    const started = Date.now();
    let entry: PoolEntry | undefined;
    try {
      entry = await this.poolFor(data);
      entry.active += 1;
      const pool = entry;
      const aborted = new Promise<never>((_, reject) => {
        const abort = () => reject(new UnrecoverableError('cancelled: the run was stopped'));
        if (signal?.aborted) abort();
        signal?.addEventListener('abort', abort, { once: true });
        this.current.get(id)!.abort = abort;
      });
      const results = (await Promise.race([pool.evaluator.evaluate(data.jobs), aborted])).map(
        (r): RemoteResult => ({ ...r, host: this.host }),
      );
      const answer = await this.recordFirst(queue, data, id, results);
      this.jobsDone += 1;
      this.evaluationsDone += answer.results.length;
      this.failures += results.filter((r) => r.fitness === null).length;
      this.report(id, results, Date.now() - started);
      return answer;
    } catch (error) {
      const message = (error as Error).message;
      this.log(`job ${id}: ${message}`);
      if (error instanceof UnrecoverableError) throw error;
      // The objective could not be set up here (a missing file on this machine…): say where.
      throw new Error(`on ${this.host}: ${message}`, { cause: error });
    } finally {
      if (entry) entry.active -= 1;
      this.current.delete(id);
      this.idleSince = Date.now();
    }
  }

  /**
   * Says what it did: every job that failed or took a second or more, and a summary of the
   * rest every few seconds (a fast objective answers thousands of jobs a second).
   */
  private report(id: string, results: RemoteResult[], ms: number): void {
    const failed = results.filter((r) => r.fitness === null);
    if (failed.length || ms >= 1000) {
      const what = results
        .map((r) => (r.fitness === null ? `failed (${r.error})` : String(r.fitness)))
        .join(', ');
      this.log(`job ${id}: ${what} in ${ms} ms`);
      return;
    }
    this.quiet.jobs += 1;
    this.quiet.evaluations += results.length;
    this.quiet.last = id;
    const now = Date.now();
    if (now - this.quiet.since >= summaryMs) {
      this.log(
        `${this.quiet.jobs} job(s), ${this.quiet.evaluations} evaluation(s) in ${((now - this.quiet.since) / 1000).toFixed(1)} s (last ${this.quiet.last})`,
      );
      this.quiet = { jobs: 0, evaluations: 0, last: '', since: now };
    }
  }

  private quiet = { jobs: 0, evaluations: 0, last: '', since: 0 };

  /** The first answer for a job wins; a different later one is recorded as a warning. */
  private async recordFirst(
    queue: string,
    data: EvaluationJobData,
    id: string,
    results: RemoteResult[],
  ): Promise<EvaluationJobAnswer> {
    const answer: EvaluationJobAnswer = {
      v: 1,
      digest: data.digest,
      host: this.host,
      workerId: this.id,
      results,
    };
    const key = keys.answers(queue, data.runId);
    // One round trip, and nothing to read back in the usual case (this answer is the first).
    const stored = await (this.redis as RecordingRedis).evoboxRecordFirst(
      key,
      id,
      JSON.stringify(answer),
      keepJobsSeconds,
    );
    if (typeof stored !== 'string') return answer;
    const first = JSON.parse(stored) as EvaluationJobAnswer;
    if (first.workerId !== this.id && first.digest === data.digest && !sameAnswer(first.results, results)) {
      const warning: DuplicateWarning = {
        jobId: id,
        runId: data.runId,
        first: { host: first.host, fitness: first.results.map((r) => r.fitness) },
        second: { host: this.host, fitness: results.map((r) => r.fitness) },
        at: Date.now(),
      };
      await this.redis.rpush(keys.warnings(queue, data.runId), JSON.stringify(warning));
      await this.redis.expire(keys.warnings(queue, data.runId), keepJobsSeconds);
      this.log(
        `job ${id}: non-deterministic objective: the first answer (${first.host}) differs from this one; the first is kept`,
      );
    }
    return first.digest === data.digest ? first : answer;
  }

  /**
   * A stopped run's jobs are dropped. Stop is announced on a channel; the key behind it is
   * read at most once a second per run (for a worker that started after the announcement),
   * so a fast run does not pay a round trip per job for it.
   */
  private async isCancelled(queue: string, runId: string): Promise<boolean> {
    if (this.cancelledRuns.has(runId)) return true;
    const checked = this.cancelChecks.get(runId) ?? 0;
    if (Date.now() - checked < 1000) return false;
    this.cancelChecks.set(runId, Date.now());
    if (this.cancelChecks.size > 1000) this.cancelChecks.clear();
    if (await this.redis.exists(keys.cancelled(queue, runId))) this.cancelledRuns.add(runId);
    return this.cancelledRuns.has(runId);
  }

  private readonly cancelChecks = new Map<string, number>();

  private cancelRun(runId: string): void {
    this.cancelledRuns.add(runId);
    let ended = 0;
    for (const [key, entry] of this.pools) {
      if (entry.runId !== runId) continue;
      this.pools.delete(key);
      void entry.evaluator.close().catch(() => undefined);
    }
    for (const [id, running] of this.current) {
      if ((running.job.data as EvaluationJobData).runId === runId) {
        running.abort?.();
        ended += 1;
        void id;
      }
    }
    this.log(`run ${runId} was stopped: ${ended} running job(s) cancelled, its queued jobs dropped`);
  }

  /**
   * Graceful shutdown: no new jobs; running ones finish (`handBack`: end them now and put
   * them back in the queue for another worker).
   */
  stop(handBack = false): Promise<void> {
    if (this.stopping && !handBack) return this.stopping;
    const previous = this.stopping;
    this.stopping = (async () => {
      if (handBack) {
        const running = [...this.current.values()];
        this.log(`handing back ${running.length} running job(s)`);
        for (const pool of this.pools.values()) await pool.evaluator.close().catch(() => undefined);
        await Promise.all(running.map((r) => r.job.moveToWait(r.token).catch(() => undefined)));
        await Promise.all(this.workers.map((w) => w.close(true)));
      } else {
        this.log(`finishing ${this.current.size} running job(s), taking no new ones`);
        await Promise.all(this.workers.map((w) => w.close()));
      }
      await previous?.catch(() => undefined);
      clearInterval(this.heartbeatTimer);
      for (const pool of this.pools.values()) await pool.evaluator.close().catch(() => undefined);
      this.pools.clear();
      const multi = this.redis.multi();
      for (const queue of this.queueNames) {
        multi.del(keys.worker(queue, this.id));
        multi.srem(keys.workers(queue), this.id);
      }
      await Promise.race([multi.exec(), new Promise((wake) => setTimeout(wake, 1000))]).catch(
        () => undefined,
      );
      this.redis.disconnect();
      this.subscriber.disconnect();
      if (this.ownedScratch) rmSync(this.scratchRoot, { recursive: true, force: true });
      this.log(`worker ${this.id} stopped after ${this.jobsDone} job(s)`);
      this.resolveExited();
    })();
    return this.stopping;
  }
}

function describeObjective(objective: ObjectiveConfig): string {
  if (isBuiltinObjective(objective)) return `built-in ${objective.builtin}`;
  if (isModuleObjective(objective)) return `module ${objective.module}`;
  if (isExecutableObjective(objective)) return `${objective.command} (${objective.protocol})`;
  return 'objective';
}
