/**
 * Paces a panel's reads of a run: at most one read per `refreshMs` while the run goes, one
 * shortly after it stops, never two at once. A read asked for while one is in flight runs
 * right after it, because the one in flight may have read the journal before the run's last
 * records (dropping it left a panel short of the run's final evaluations).
 */
export class PacedPoll {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private epoch = 0;

  constructor(
    private readonly read: () => Promise<void>,
    private readonly refreshMs: number,
    private readonly settleMs = 300,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Read now, for a new run: a read in flight for the old one no longer holds this one back. */
  restart(): void {
    this.epoch++;
    this.inFlight = null;
    this.again = false;
    void this.poll();
  }

  /** The run moved (`live`) or stopped: read within `refreshMs`, or `settleMs` after a stop. */
  soon(live: boolean): void {
    if (this.timer) return;
    const wait = live ? Math.max(0, this.last + this.refreshMs - this.now()) : this.settleMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.last = this.now();
      void this.poll();
    }, wait);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.epoch++;
  }

  /** Resolves when the read (and any asked for meanwhile) is done. */
  async poll(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const epoch = this.epoch;
    const running = (async () => {
      try {
        do {
          this.again = false;
          await this.read();
        } while (this.again && epoch === this.epoch);
      } finally {
        if (epoch === this.epoch) this.inFlight = null;
      }
    })();
    this.inFlight = running;
    return running;
  }
}
