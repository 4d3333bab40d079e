/**
 * A one-look reading of a BullMQ queue for the GUI's Workers panel: queue depth and the
 * workers heard from in their last heartbeats. Independent of any run (the run itself lives
 * in its own thread): it reads what `evobox worker` processes publish in Redis.
 */
import { Redis } from 'ioredis';
import {
  defaultQueue,
  keyPrefix,
  keys,
  redactedUrl,
  redisOptions,
  taggedQueue,
  type WorkerHeartbeat,
} from './bullmq-protocol';

import type { QueueStatus } from '../../core/run-records';

export type { QueueStatus };

/** One connection per URL, kept: the panel reads every couple of seconds. */
const clients = new Map<string, Redis>();

function clientFor(url: string): Redis {
  let client = clients.get(url);
  if (!client) {
    client = new Redis({
      ...redisOptions(url),
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    client.on('error', () => undefined);
    clients.set(url, client);
  }
  return client;
}

export async function readQueueStatus(url: string, queue = defaultQueue, tag?: string): Promise<QueueStatus> {
  const name = taggedQueue(queue, tag);
  const base = { url: redactedUrl(url), queue: name, readAt: Date.now() };
  const client = clientFor(url);
  try {
    if (client.status === 'wait' || client.status === 'end') await client.connect();
    const prefix = `${keyPrefix}:${name}`;
    const [waiting, prioritized, active, ids] = await Promise.all([
      client.llen(`${prefix}:wait`),
      client.zcard(`${prefix}:prioritized`),
      client.llen(`${prefix}:active`),
      client.smembers(keys.workers(name)),
    ]);
    const beats = ids.length ? await client.mget(...ids.map((id) => keys.worker(name, id))) : [];
    const workers = beats
      .filter((raw): raw is string => typeof raw === 'string')
      .map((raw) => JSON.parse(raw) as WorkerHeartbeat)
      .sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
    return { ...base, reachable: true, waiting: waiting + prioritized, active, workers };
  } catch (error) {
    return { ...base, reachable: false, error: (error as Error).message, waiting: 0, active: 0, workers: [] };
  }
}

export async function closeQueueStatusClients(): Promise<void> {
  for (const client of clients.values()) client.disconnect();
  clients.clear();
}
