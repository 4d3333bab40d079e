/**
 * A bare JSON-line conversation with a child process, without evobox's pool, threads or
 * fault handling: the floor that the `line` protocol is compared with.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export class RawLineChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private waiting: {
    count: number;
    lines: string[];
    resolve: (lines: string[]) => void;
    reject: (error: Error) => void;
  } | null = null;
  private readonly exited: Promise<void>;

  constructor(command: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { stdio: 'pipe', env: { ...process.env, ...env } });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.receive(chunk));
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        this.waiting?.reject(new Error(`${command} exited (${code}) before replying`));
        resolve();
      }),
    );
    this.child.on('error', (error) => this.waiting?.reject(error));
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while (this.waiting && (newline = this.buffered.indexOf('\n')) >= 0) {
      this.waiting.lines.push(this.buffered.slice(0, newline));
      this.buffered = this.buffered.slice(newline + 1);
      if (this.waiting.lines.length === this.waiting.count) {
        const { lines, resolve } = this.waiting;
        this.waiting = null;
        resolve(lines);
      }
    }
  }

  /** Writes all requests at once and resolves with as many reply lines, in order. */
  exchange(requests: string[]): Promise<string[]> {
    if (this.waiting) throw new Error('RawLineChild: one exchange at a time');
    const replies = new Promise<string[]>((resolve, reject) => {
      this.waiting = { count: requests.length, lines: [], resolve, reject };
    });
    this.child.stdin.write(`${requests.join('\n')}\n`);
    this.receive('');
    return replies;
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}
