/**
 * The BullMQ executor: a generation's candidates become jobs on a Redis queue, read by
 * `evobox worker` processes on any machine that can reach Redis.
 *
 * Semantics (README "Running on many machines"):
 * - Job ids are `runId:generation:index` (index of the first candidate of the job), so
 *   adding a job again is a no-op, and a resumed coordinator finds the jobs its predecessor
 *   queued: finished ones are used as they are, unfinished ones keep going.
 * - `evaluate` resolves only when every job of the generation is final, with the results in
 *   candidate order: the optimizer sees exactly what a local run sees, however many workers
 *   come and go and in whatever order they finish.
 * - At-least-once: a worker that dies or stops holds its job only until its lock expires;
 *   BullMQ's stalled-job check (run by the other workers) puts it back in the queue. The
 *   first answer wins (workers record it in Redis before completing); a different second
 *   answer becomes a "non-deterministic objective" warning.
 * - Redis unreachable: every call waits (ioredis reconnects), a message says so, and the
 *   generation goes on when Redis is back. Jobs and answers are lost only if Redis itself
 *   loses them (run it with appendonly yes); a job that vanished is queued again.
 */
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { EvaluationJob, EvaluationResult } from '../evaluation/types';
import {
  defaultQueue,
  digestOf,
  jobId,
  keepJobsSeconds,
  keyPrefix,
  keys,
  redactedUrl,
  redisOptions,
  RedisUrlError,
  safeRunId,
  setupOf,
  taggedQueue,
  type DuplicateWarning,
  type EvaluationJobAnswer,
  type EvaluationJobData,
  type WorkerHeartbeat,
} from './bullmq-protocol';
import type { Executor, ExecutorKind, ExecutorRequest } from './types';

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
  .superRefine((url, ctx) => {
    try {
      redisOptions(url);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^redis: /, '') });
    }
  });

export const bullmqConfigSchema = z
  .object({
    kind: z.literal('bullmq'),
    redis: redisUrl,
    queue: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . - (no ":")')
      .default(defaultQueue),
    /** Only workers started with `--tag <tag>` take this run's jobs. */
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . -')
      .optional(),
    /** Candidates per job: >1 amortises the queue's cost when evaluations take microseconds. */
    batch: z.number().int().min(1).max(10_000).default(1),
    /** Infrastructure attempts per job (a worker that cannot start the objective); objective failures are results, not retried. */
    attempts: z.number().int().min(1).max(100).default(3),
  })
  .strict();

export type BullmqConfig = z.input<typeof bullmqConfigSchema>;
type ParsedConfig = z.output<typeof bullmqConfigSchema>;

/** How often outstanding jobs are looked up directly, in case an event was missed (an outage, a resumed coordinator). */
const pollMs = 1000;
/** How long `create` waits for Redis before saying it cannot be reached. */
const connectTimeoutMs = 10_000;

interface Pending {
  id: string;
  digest: string;
  data: EvaluationJobData;
  addedAt: number;
  settle(results: EvaluationResult[]): void;
}

function cancelledResults(count: number, why: string): EvaluationResult[] {
  return Array.from({ length: count }, () => ({
    fitness: null,
    error: `cancelled: ${why}`,
    ms: 0,
    worker: -1,
  }));
}

function failedResults(count: number, reason: string): EvaluationResult[] {
  return Array.from({ length: count }, () => ({
    fitness: null,
    error: `no worker could evaluate it: ${reason}`,
    ms: 0,
    worker: -1,
  }));
}

export interface BullmqExecutorStatus {
  queue: string;
  waiting: number;
  active: number;
  completedSinceStart: number;
  workers: WorkerHeartbeat[];
  redisConnected: boolean;
  warnings: DuplicateWarning[];
}

export class BullmqExecutor implements Executor {
  readonly kind = 'bullmq';
  private readonly queueName: string;
  private readonly runId: string;
  private readonly pending = new Map<string, Pending>();
  private readonly poller: NodeJS.Timeout;
  private liveWorkers: WorkerHeartbeat[] = [];
  private firstEvaluate = true;
  private cancelled = false;
  private closed = false;
  private connected = true;
  private completedCount = 0;
  private warningsSeen = 0;
  readonly warnings: DuplicateWarning[] = [];
  private polling = false;
  private setup: string | undefined;

  private constructor(
    private readonly config: ParsedConfig,
    private readonly request: ExecutorRequest,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly log: (line: string) => void,
  ) {
    this.queueName = taggedQueue(config.queue, config.tag);
    this.runId = safeRunId(request.runId);
    this.events.on('completed', ({ jobId: id, returnvalue }) => {
      const pending = this.pending.get(id);
      if (pending) this.accept(pending, returnvalue as unknown);
    });
    this.events.on('failed', ({ jobId: id }) => {
      const pending = this.pending.get(id);
      if (pending) void this.inspect(pending);
    });
    this.poller = setInterval(() => void this.poll(), pollMs);
    this.poller.unref();
  }

  static async create(
    config: ParsedConfig,
    request: ExecutorRequest,
    log: (line: string) => void = (line) => process.stderr.write(`evobox: ${line}\n`),
  ): Promise<BullmqExecutor> {
    // Loaded here, not at start-up: every evobox command would pay for them (≈ 0.3 s).
    const [{ Queue, QueueEvents }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
    const options = redisOptions(config.redis);
    const url = redactedUrl(config.redis);
    const redis = new Redis({ ...options, lazyConnect: true });
    redis.on('error', () => undefined); // reported through the status below
    try {
      await Promise.race([
        redis.connect(),
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`no answer within ${connectTimeoutMs / 1000} s`)),
            connectTimeoutMs,
          ).unref(),
        ),
      ]);
    } catch (error) {
      redis.disconnect();
      throw new RedisUrlError(
        `executor.redis: cannot reach Redis at ${url} (${(error as Error).message}); start redis-server there or fix the URL`,
      );
    }
    const queueName = taggedQueue(config.queue, config.tag);
    const connection = { ...options };
    const queue = new Queue(queueName, { connection, prefix: keyPrefix });
    const events = new QueueEvents(queueName, { connection, prefix: keyPrefix });
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const executor = new BullmqExecutor(config, request, queue, events, redis, log);
    redis.on('close', () => executor.setConnected(false));
    redis.on('ready', () => executor.setConnected(true));
    log(
      `evaluations go to the queue ${queueName} on ${url}; start workers with: evobox worker --redis ${url}${config.queue !== defaultQueue ? ` --queue ${config.queue}` : ''}${config.tag ? ` --tag ${config.tag}` : ''}`,
    );
    await executor.refreshWorkers();
    return executor;
  }

  /** Slots of the workers heard from in the last heartbeats (0 while none is running). */
  get slots(): number {
    return this.liveWorkers.reduce((sum, w) => sum + w.slots, 0);
  }

  private setConnected(connected: boolean): void {
    if (connected === this.connected || this.closed) return;
    this.connected = connected;
    const url = redactedUrl(this.config.redis);
    this.log(
      connected
        ? `Redis at ${url} is back; the run goes on`
        : `Redis at ${url} is unreachable; the run is paused until it is back (evaluations on workers keep going)`,
    );
  }

  async evaluate(jobs: EvaluationJob[], generation: number): Promise<EvaluationResult[]> {
    if (this.closed) throw new Error('the bullmq executor is closed');
    if (this.cancelled) return cancelledResults(jobs.length, 'the run was stopped');
    const { batch } = this.config;
    const groups: EvaluationJob[][] = [];
    for (let from = 0; from < jobs.length; from += batch) {
      groups.push(
        jobs.slice(from, from + batch).map((job) => ({
          index: job.index,
          params: job.params,
          ...(job.x ? { x: Array.from(job.x) } : {}),
          ...(job.batch ? { batch: job.batch } : {}), // evobox train's batched requests
        })),
      );
    }
    const { objective, parameterNames, cwd, seed } = this.request;
    this.setup ??= setupOf({ objective, parameterNames, cwd, seed });
    const promises: Promise<EvaluationResult[]>[] = [];
    const fresh: Pending[] = [];
    for (const group of groups) {
      const id = jobId(this.runId, generation, group[0].index);
      const digest = digestOf(group);
      const data: EvaluationJobData = {
        v: 1,
        runId: this.runId,
        generation,
        objective,
        parameterNames,
        cwd,
        seed,
        jobs: group,
        digest,
        setup: this.setup,
      };
      promises.push(
        new Promise<EvaluationResult[]>((settle) => {
          const pending: Pending = { id, digest, data, addedAt: Date.now(), settle };
          this.pending.set(id, pending);
          fresh.push(pending);
        }),
      );
    }
    await this.add(fresh);
    if (this.firstEvaluate) {
      // A resumed coordinator: its predecessor may have left these jobs finished (or failed) in Redis.
      this.firstEvaluate = false;
      await Promise.all(fresh.map((p) => this.inspect(p)));
    }
    // Warnings (a second, different answer) are read by the poll, not here: a round trip less per generation.
    return (await Promise.all(promises)).flat();
  }

  private async add(pending: Pending[]): Promise<void> {
    if (pending.length === 0) return;
    await this.queue.addBulk(
      pending.map((p) => ({
        name: 'evaluate',
        data: p.data,
        opts: {
          jobId: p.id,
          attempts: this.config.attempts,
          backoff: { type: 'fixed', delay: 500 },
          removeOnComplete: { age: keepJobsSeconds },
          removeOnFail: { age: keepJobsSeconds },
        },
      })),
    );
  }

  private settle(pending: Pending, results: EvaluationResult[]): void {
    if (this.pending.get(pending.id) !== pending) return;
    this.pending.delete(pending.id);
    this.completedCount += 1;
    pending.settle(results);
  }

  /** A completed job's answer; a stale one (another run's job under the same id) is replaced by ours. */
  private accept(pending: Pending, value: unknown): void {
    const answer = (typeof value === 'string' ? JSON.parse(value) : value) as EvaluationJobAnswer | null;
    if (!answer || answer.v !== 1 || !Array.isArray(answer.results)) {
      this.settle(
        pending,
        failedResults(
          pending.data.jobs.length,
          'a worker answered in an unknown format (another evobox version?)',
        ),
      );
      return;
    }
    if (answer.digest !== pending.digest || answer.results.length !== pending.data.jobs.length) {
      void this.replace(pending, 'it held other parameters (a run folder name reused on this Redis?)');
      return;
    }
    this.settle(
      pending,
      answer.results.map((r) => ({ ...r, host: r.host ?? answer.host })),
    );
  }

  /** Removes a job that cannot be ours and queues our own under its id. */
  private async replace(pending: Pending, why: string): Promise<void> {
    this.log(`job ${pending.id} found in Redis but ${why}: queued again`);
    try {
      await this.queue.remove(pending.id);
    } catch {
      // active elsewhere: the next poll looks again
      return;
    }
    pending.addedAt = Date.now();
    await this.add([pending]);
  }

  /** Looks a job up directly: the path for missed events, jobs a predecessor left, and failures. */
  private async inspect(pending: Pending): Promise<void> {
    let job: Job | undefined;
    try {
      job = await this.queue.getJob(pending.id);
    } catch {
      return; // Redis unreachable: the next poll tries again
    }
    if (this.pending.get(pending.id) !== pending) return;
    if (!job) {
      // Gone (removed, or Redis restarted without persistence): queue it again.
      if (Date.now() - pending.addedAt > pollMs) {
        pending.addedAt = Date.now();
        await this.add([pending]).catch(() => undefined);
      }
      return;
    }
    const data = job.data as EvaluationJobData;
    if (data?.digest !== pending.digest) {
      const state = await job.getState().catch(() => 'unknown');
      if (state !== 'active')
        await this.replace(pending, 'it held other parameters (a run folder name reused on this Redis?)');
      return;
    }
    if (job.finishedOn && job.returnvalue !== null && job.returnvalue !== undefined) {
      this.accept(pending, job.returnvalue);
      return;
    }
    const state = await job.getState().catch(() => 'unknown');
    if (state === 'failed') {
      const reason = job.failedReason ?? 'unknown';
      if (reason.startsWith('cancelled') || (job.finishedOn ?? 0) < this.createdAt) {
        // Failed for a coordinator before this one (cancelled by Stop, or before a resume): evaluate again.
        pending.addedAt = Date.now();
        await job.retry('failed').catch(() => undefined);
        return;
      }
      this.settle(
        pending,
        failedResults(pending.data.jobs.length, `${reason} (${job.attemptsMade} attempt(s))`),
      );
    }
  }

  private readonly createdAt = Date.now();

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      await this.refreshWorkers();
      const now = Date.now();
      const due = [...this.pending.values()].filter((p) => now - p.addedAt >= pollMs);
      // Only a sample per tick when many jobs are outstanding: events deliver the rest.
      await Promise.all(due.slice(0, 200).map((p) => this.inspect(p)));
      await this.drainWarnings();
    } catch {
      // Redis unreachable: reported by the connection status
    } finally {
      this.polling = false;
    }
  }

  private async refreshWorkers(): Promise<void> {
    const setKey = keys.workers(this.queueName);
    const ids = await this.redis.smembers(setKey);
    const live: WorkerHeartbeat[] = [];
    for (const id of ids) {
      const raw = await this.redis.get(keys.worker(this.queueName, id));
      if (!raw) {
        await this.redis.srem(setKey, id);
        continue;
      }
      live.push(JSON.parse(raw) as WorkerHeartbeat);
    }
    this.liveWorkers = live;
  }

  private async drainWarnings(): Promise<void> {
    const list = await this.redis
      .lrange(keys.warnings(this.queueName, this.runId), this.warningsSeen, -1)
      .catch(() => []);
    for (const raw of list) {
      this.warningsSeen += 1;
      const warning = JSON.parse(raw) as DuplicateWarning;
      this.warnings.push(warning);
      this.log(
        `warning: non-deterministic objective: job ${warning.jobId} gave ${JSON.stringify(warning.first.fitness)} on ${warning.first.host} and ${JSON.stringify(warning.second.fitness)} on ${warning.second.host}; the first answer was kept`,
      );
    }
  }

  /** Queue depth, workers and warnings: what the Run view's Workers panel shows. */
  async status(): Promise<BullmqExecutorStatus> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'prioritized');
    return {
      queue: this.queueName,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      completedSinceStart: this.completedCount,
      workers: this.liveWorkers,
      redisConnected: this.connected,
      warnings: [...this.warnings],
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const outstanding = [...this.pending.values()];
    for (const pending of outstanding)
      this.settle(pending, cancelledResults(pending.data.jobs.length, 'the run was stopped'));
    // Workers drop this run's queued jobs and end its running evaluations.
    const multi = this.redis.multi();
    multi.set(keys.cancelled(this.queueName, this.runId), '1', 'EX', 3600);
    multi.publish(keys.cancel(this.queueName), this.runId);
    void multi.exec().catch(() => undefined);
    void Promise.all(outstanding.map((p) => this.queue.remove(p.id).catch(() => undefined)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    await this.drainWarnings();
    for (const pending of [...this.pending.values()]) {
      this.settle(pending, cancelledResults(pending.data.jobs.length, 'the executor was closed'));
    }
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.disconnect();
  }
}

export const bullmqExecutor: ExecutorKind<ParsedConfig> = {
  kind: 'bullmq',
  summary:
    'evaluations as jobs on a Redis queue (BullMQ), run by `evobox worker` processes on other machines',
  configSchema: bullmqConfigSchema as unknown as z.ZodType<ParsedConfig>,
  create: (config, request) => BullmqExecutor.create(config, request),
};

/** `--executor redis://…` on the command line. */
export function bullmqConfigFromUrl(url: string): BullmqConfig {
  return { kind: 'bullmq', redis: url };
}
