/**
 * A small shared-memory block through which the pool and its worker threads coordinate
 * without messages: worker ids, the "closing" flag, the shutdown barrier, the pid of each
 * worker's running child (so `close()` can kill children even mid-evaluation) and, for module
 * objectives, which evaluation each worker is running since when (the timeout watchdog).
 *
 * Layout: Int32 words [next id, closing, arrivals, S, pid × S, busy index + 1 × S,
 * released id + 1 × S], then Float64 [busy since (epoch ms) × S], with S slots per table (one
 * per worker id).
 */
const nextWorkerId = 0;
const closingFlag = 1;
const shutdownArrivals = 2;
const slotCount = 3;
const firstPidSlot = 4;

function slotsFor(workers: number): number {
  // Spare slots for threads piscina starts to replace crashed or timed-out ones.
  return 2 * workers + 8;
}

function intWords(slots: number): number {
  const words = firstPidSlot + 3 * slots;
  return words + (words % 2); // so that the Float64 table is 8-byte aligned
}

export class WorkerControl {
  readonly words: Int32Array;
  private readonly slots: number;
  /** Where the busy-index and released-id tables start in `words`. */
  private readonly busyTable: number;
  private readonly releasedTable: number;
  private readonly busySince: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    const slots = new Int32Array(buffer, 0, firstPidSlot)[slotCount];
    this.slots = slots;
    this.busyTable = firstPidSlot + slots;
    this.releasedTable = firstPidSlot + 2 * slots;
    this.words = new Int32Array(buffer, 0, intWords(slots));
    this.busySince = new Float64Array(buffer, intWords(slots) * Int32Array.BYTES_PER_ELEMENT, slots);
  }

  static allocate(workers: number): SharedArrayBuffer {
    const slots = slotsFor(workers);
    const buffer = new SharedArrayBuffer((intWords(slots) + 2 * slots) * Int32Array.BYTES_PER_ELEMENT);
    new Int32Array(buffer, 0, firstPidSlot)[slotCount] = slots;
    return buffer;
  }

  /** A fresh id, or one a stopped thread released (so ids stay within the slot tables). */
  claimWorkerId(): number {
    const released = this.releasedTable;
    for (let i = 0; i < this.slots; i++) {
      const value = Atomics.load(this.words, released + i);
      if (value > 0 && Atomics.compareExchange(this.words, released + i, value, 0) === value)
        return value - 1;
    }
    return Atomics.add(this.words, nextWorkerId, 1);
  }

  /** The pool stopped the thread with this id: a replacement thread may take it. */
  releaseWorkerId(worker: number): void {
    this.setBusy(worker, null);
    this.setPid(worker, undefined);
    for (let i = 0; i < this.slots; i++) {
      if (Atomics.compareExchange(this.words, this.releasedTable + i, 0, worker + 1) === 0) return;
    }
  }

  /** Worker side: evaluation `index` starts now, or (null) the worker is idle. */
  setBusy(worker: number, index: number | null): void {
    if (worker >= this.slots) return;
    this.busySince[worker] = index === null ? 0 : Date.now();
    Atomics.store(this.words, this.busyTable + worker, index === null ? 0 : index + 1);
  }

  /** Pool side: workers running one evaluation for longer than `ms`. */
  overdue(ms: number, now = Date.now()): { worker: number; index: number }[] {
    const found: { worker: number; index: number }[] = [];
    for (let worker = 0; worker < this.slots; worker++) {
      const index = Atomics.load(this.words, this.busyTable + worker) - 1;
      const since = this.busySince[worker];
      if (index >= 0 && since > 0 && now - since > ms) found.push({ worker, index });
    }
    return found;
  }

  setClosing(): void {
    Atomics.store(this.words, closingFlag, 1);
  }

  isClosing(): boolean {
    return Atomics.load(this.words, closingFlag) === 1;
  }

  setPid(worker: number, pid: number | undefined): void {
    if (worker < this.slots) Atomics.store(this.words, firstPidSlot + worker, pid ?? 0);
  }

  pids(): number[] {
    const pids: number[] = [];
    for (let i = 0; i < this.slots; i++) {
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
