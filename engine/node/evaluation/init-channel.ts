/**
 * How pool threads started before their objective was known (warm-pool.ts) get it: over a
 * BroadcastChannel of their own pool. A thread asks when it boots; the pool answers once it
 * has the objective, and broadcasts it once when it gets it, so a thread that asked too early,
 * and one piscina starts later to replace a stopped thread, are both served.
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';

const ask = 'evobox:init?';
/** Channel names are per process; this tells apart the pools one thread creates. */
let pools = 0;

/** The pool's end: `deliver` once, `close` when the pool is destroyed. */
export class InitChannel<T> {
  readonly name = `evobox-pool-${threadId}-${++pools}`;
  private readonly channel = new BroadcastChannel(this.name);
  private init: T | undefined;

  constructor() {
    this.channel.unref(); // the pool's threads keep the process alive, not this channel
    this.channel.onmessage = (event) => {
      if (event.data === ask && this.init !== undefined) this.channel.postMessage(this.init);
    };
  }

  deliver(init: T): void {
    this.init = init;
    this.channel.postMessage(init);
  }

  close(): void {
    this.channel.close();
  }
}

/** A thread's end: resolves with the pool's init, however early or late the thread started. */
export function receiveInit<T>(name: string): Promise<T> {
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (event) => {
      const data = event.data as unknown;
      if (data === ask) return; // a sibling thread asking
      channel.close();
      resolve(data as T);
    };
    channel.postMessage(ask);
  });
}
