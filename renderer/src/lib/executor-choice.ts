/**
 * The executor a problem asks for, as the picker edits it (the Strategy step's and the Train
 * workbench's), and the Workers panel's throughput from two successive queue readings. Pure
 * functions (tested without a DOM).
 */
import type { ExecutorStatus } from '../../../electron/ipc-contract';

export interface BullmqChoice {
  kind: 'bullmq';
  redis: string;
  queue?: string;
  tag?: string;
  batch?: number;
}

export type ExecutorChoice = { kind: 'local' } | BullmqChoice;

/** The draft's `executor` field read back (anything unknown counts as local). */
export function executorOf(draft: object | null | undefined): ExecutorChoice {
  const raw = (draft as { executor?: unknown } | null | undefined)?.executor as
    Record<string, unknown> | undefined;
  if (raw?.kind === 'bullmq' && typeof raw.redis === 'string') {
    return {
      kind: 'bullmq',
      redis: raw.redis,
      ...(typeof raw.queue === 'string' ? { queue: raw.queue } : {}),
      ...(typeof raw.tag === 'string' ? { tag: raw.tag } : {}),
      ...(typeof raw.batch === 'number' ? { batch: raw.batch } : {}),
    };
  }
  return { kind: 'local' };
}

/** The default Redis URL a newly chosen queue executor starts from. */
export const defaultRedisUrl = 'redis://127.0.0.1:6379/0';

/** The choice after picking `kind` in the picker (a queue executor keeps its URL). */
export function chooseKind(current: ExecutorChoice, kind: string): ExecutorChoice {
  if (kind !== 'bullmq') return { kind: 'local' };
  return { kind: 'bullmq', redis: current.kind === 'bullmq' ? current.redis : defaultRedisUrl };
}

/** The choice with one queue field edited; an empty optional field is dropped. */
export function withField(
  current: ExecutorChoice,
  name: 'redis' | 'queue' | 'tag',
  value: string,
): ExecutorChoice {
  if (current.kind !== 'bullmq') return current;
  const next: BullmqChoice = { ...current };
  if (value.trim() === '' && name !== 'redis') delete next[name];
  else next[name] = value.trim();
  return next;
}

/** The problem's `executor` field for a choice: none for the local pool (the default). */
export function executorField(choice: ExecutorChoice): {
  executor?: { kind: string } & Record<string, unknown>;
} {
  return choice.kind === 'local' ? {} : { executor: { ...choice } };
}

/** What is wrong with a Redis URL typed in the picker, or null (the engine checks the rest). */
export function redisUrlProblem(url: string): string | null {
  if (!/^rediss?:\/\/[^/\s]+/.test(url.trim())) return 'expected redis://host:6379/0 or rediss://…';
  return null;
}

/** Evaluations per second between two readings of the same queue's workers. */
export function throughput(previous: ExecutorStatus | null, current: ExecutorStatus): number | null {
  if (!previous || !previous.reachable || !current.reachable) return null;
  const seconds = (current.readAt - previous.readAt) / 1000;
  if (seconds <= 0) return null;
  const before = new Map(previous.workers.map((w) => [w.id, w.evaluationsDone]));
  let done = 0;
  for (const worker of current.workers)
    done += worker.evaluationsDone - (before.get(worker.id) ?? worker.evaluationsDone);
  return Math.max(0, done) / seconds;
}
