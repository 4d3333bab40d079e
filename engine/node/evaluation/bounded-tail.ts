/**
 * Keeps only the last `limit` bytes of a stream, so a program that floods stderr costs a
 * constant amount of memory and never blocks (the pipe is always drained).
 */
export class BoundedTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (chunk.length >= this.limit) {
      this.chunks = [chunk.subarray(chunk.length - this.limit)];
      this.size = this.limit;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) {
      this.size -= this.chunks[0].length;
      this.chunks.shift();
    }
  }

  /** Bytes seen in total, including those dropped. */
  get bytesSeen(): number {
    return this.total;
  }

  /** The tail as text; a multi-byte character cut at the start is dropped. */
  text(): string {
    const joined = Buffer.concat(this.chunks);
    const tail = joined.subarray(Math.max(0, joined.length - this.limit)).toString('utf8');
    const trimmed = tail.replace(/^\uFFFD+/, '');
    return this.total > this.limit ? `…${trimmed}` : trimmed;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.total = 0;
  }
}
