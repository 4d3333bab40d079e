/**
 * What the BullMQ coordinator (executors/bullmq.ts) and `evobox worker`
 * (executors/bullmq-worker.ts) agree on: the job payload and answer, the Redis key names
 * beside BullMQ's own, and how a `redis://` URL becomes connection options (password, ACL
 * user, `rediss://` TLS and the database number pass through to ioredis untouched).
 */
import { isAbsolute } from 'node:path';
import type { RedisOptions } from 'bullmq';
import type { EvaluationJob, EvaluationResult, ObjectiveConfig } from '../evaluation/types';

/** BullMQ key prefix: every key evobox writes starts with `evobox:`. */
export const keyPrefix = 'evobox';
export const defaultQueue = 'evaluations';
/** How often workers write their heartbeat; a worker unheard of for 5× this is gone. */
export const heartbeatMs = 2000;
export const heartbeatTtlSeconds = 10;
/** Completed and failed jobs stay this long, so a coordinator resumed within it reuses them. */
export const keepJobsSeconds = 7 * 24 * 3600;

/** The payload of one job: one candidate, or a few consecutive ones (`batch` > 1). */
export interface EvaluationJobData {
  v: 1;
  runId: string;
  generation: number;
  objective: ObjectiveConfig;
  parameterNames: string[];
  cwd: string;
  seed: number | string;
  jobs: EvaluationJob[];
  /** Digest of the candidates' parameters, echoed in the answer: a stale job of another run with the same id is recognised. */
  digest: string;
  /** Digest of objective, parameterNames, cwd and seed (the same for a run's jobs): a worker's pool key. Absent from older coordinators. */
  setup?: string;
}

/** An evaluation result as a worker returns it: the host that ran it is recorded in the journal. */
export type RemoteResult = EvaluationResult & { host?: string };

export interface EvaluationJobAnswer {
  v: 1;
  digest: string;
  host: string;
  workerId: string;
  results: RemoteResult[];
}

export type { WorkerHeartbeat } from '../../core/run-records';

/** A second, different answer for a job that already had one. */
export interface DuplicateWarning {
  jobId: string;
  runId: string;
  first: { host: string; fitness: (number | null)[] };
  second: { host: string; fitness: (number | null)[] };
  at: number;
}

export const keys = {
  workers: (queue: string) => `${keyPrefix}:${queue}:workers`,
  worker: (queue: string, id: string) => `${keyPrefix}:${queue}:worker:${id}`,
  answers: (queue: string, runId: string) => `${keyPrefix}:${queue}:answers:${runId}`,
  warnings: (queue: string, runId: string) => `${keyPrefix}:${queue}:warnings:${runId}`,
  cancel: (queue: string) => `${keyPrefix}:${queue}:cancel`,
  cancelled: (queue: string, runId: string) => `${keyPrefix}:${queue}:cancelled:${runId}`,
};

/** The queue a job with `tag` goes to: a worker started with `--tag gpu` reads `queue-gpu`. */
export function taggedQueue(queue: string, tag: string | undefined): string {
  return tag ? `${queue}-${tag}` : queue;
}

export function jobId(runId: string, generation: number, index: number): string {
  return `${runId}:${generation}:${index}`;
}

/** Run ids become the first part of `runId:generation:index`; BullMQ allows no further `:`. */
export function safeRunId(runId: string): string {
  return runId.replace(/[:\s]/g, '_');
}

/** FNV-1a over the candidates' parameter JSON: cheap, and enough to tell two runs' jobs apart. */
export function digestOf(jobs: readonly EvaluationJob[]): string {
  return digestOfText(JSON.stringify(jobs.map((job) => [job.index, job.params])));
}

/** The `setup` of a run's jobs (computed once per run by the coordinator). */
export function setupOf(
  data: Pick<EvaluationJobData, 'objective' | 'parameterNames' | 'cwd' | 'seed'>,
): string {
  return digestOfText(JSON.stringify([data.objective, data.parameterNames, data.cwd, data.seed]));
}

function digestOfText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${(hash >>> 0).toString(16)}-${text.length}`;
}

export class RedisUrlError extends Error {}

/**
 * `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). A password may also come
 * from EVOBOX_REDIS_PASSWORD, so it need not sit in a problem file or a process list.
 */
export function redisOptions(url: string, field = 'redis'): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(
      `${field}: expected a URL such as redis://127.0.0.1:6379/0 (got ${JSON.stringify(url)})`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUrlError(
      `${field}: expected redis:// or rediss:// (got ${JSON.stringify(parsed.protocol)})`,
    );
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new RedisUrlError(
      `${field}: the path must be a database number such as /0 (got ${JSON.stringify(parsed.pathname)})`,
    );
  }
  const password = parsed.password ? decodeURIComponent(parsed.password) : process.env.EVOBOX_REDIS_PASSWORD;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: db ? Number(db) : 0,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(password ? { password } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
    // Commands wait through an outage instead of failing after 20 retries: the run pauses.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(250 * times, 2000),
  };
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** A coordinator path prefix and what it is on this worker (`--path-map /shared=/mnt/shared`). */
export interface PathMapping {
  from: string;
  to: string;
}

export function parsePathMap(text: string): PathMapping {
  const eq = text.indexOf('=');
  const from = text.slice(0, eq);
  const to = text.slice(eq + 1);
  if (eq < 1 || !isAbsolute(from) || !isAbsolute(to)) {
    throw new Error(`--path-map expects /coordinator/path=/worker/path (got ${JSON.stringify(text)})`);
  }
  return { from: from.replace(/\/+$/, ''), to: to.replace(/\/+$/, '') };
}
