/**
 * A small shared-memory block through which the pool and its worker threads coordinate
 * without messages: worker ids, the "closing" flag, the shutdown barrier and the pid of
 * each worker's running child (so `close()` can kill children even mid-evaluation).
 */
const nextWorkerId = 0;
const closingFlag = 1;
const shutdownArrivals = 2;
const firstPidSlot = 3;

export class WorkerControl {
  readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
  }

  static allocate(workers: number): SharedArrayBuffer {
    // Spare slots for threads piscina starts to replace crashed ones.
    return new SharedArrayBuffer((firstPidSlot + 2 * workers + 8) * Int32Array.BYTES_PER_ELEMENT);
  }

  get pidSlots(): number {
    return this.words.length - firstPidSlot;
  }

  claimWorkerId(): number {
    return Atomics.add(this.words, nextWorkerId, 1);
  }

  setClosing(): void {
    Atomics.store(this.words, closingFlag, 1);
  }

  isClosing(): boolean {
    return Atomics.load(this.words, closingFlag) === 1;
  }

  setPid(worker: number, pid: number | undefined): void {
    if (worker < this.pidSlots) Atomics.store(this.words, firstPidSlot + worker, pid ?? 0);
  }

  pids(): number[] {
    const pids: number[] = [];
    for (let i = 0; i < this.pidSlots; i++) {
      const pid = Atomics.load(this.words, firstPidSlot + i);
      if (pid > 0) pids.push(pid);
    }
    return pids;
  }

  /**
   * Blocks the calling worker thread until `count` workers have arrived (or the deadline),
   * so that each of `count` shutdown tasks lands on a different thread.
   */
  arriveAndWait(count: number, timeoutMs: number): void {
    Atomics.add(this.words, shutdownArrivals, 1);
    Atomics.notify(this.words, shutdownArrivals);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const arrived = Atomics.load(this.words, shutdownArrivals);
      const left = deadline - Date.now();
      if (arrived >= count || left <= 0) return;
      Atomics.wait(this.words, shutdownArrivals, arrived, left);
    }
  }
}
