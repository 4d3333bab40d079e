/**
 * The `line` protocol: one long-lived process per worker, one JSON request per line on its
 * stdin (`{"id","params"}`, plus `"workdir"` with templates), one reply line per request on
 * stdout, in order. A worker's whole share of a generation is written at once and the
 * replies are read as they come (pipelining: a round trip per request costs ~100 µs, a
 * pipelined request ~4 µs).
 *
 * Faults: a process that crashes, times out (no reply within `timeoutSeconds` of the
 * previous one) or sends an oversized line is killed with its whole process group and
 * restarted, and the unanswered requests are resent. The request at the head of the queue
 * when the process died is retried once and then marked failed; an oversized reply fails
 * its request at once. A process that keeps dying before its first reply fails the rest of
 * the batch instead of being restarted forever.
 */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BoundedTail } from './bounded-tail';
import type { ExecutableSetup } from './executable-setup';
import { describeExit, describeSpawnError, killGroup, spawnInGroup } from './process-group';
import { parseOutput, parseResultLine, parseResultObject, type ParsedResult } from './result-parser';
import { formatBytes, formatSeconds, stderrTailBytes } from './run-process';
import { substitute } from './placeholders';
import type { ProtocolSession, SessionContext } from './protocols/types';
import { readResult } from './result-file';
import type { EvaluationJob, EvaluationResult } from './types';

/** Deaths before the first reply, in a row, after which the rest of a batch is failed. */
const maxSilentDeaths = 4;
/** Attempts for the request that was being answered when the process died. */
const maxAttempts = 2;
const closeGraceMs = 1000;

/** One running line process: splits stdout into lines, keeps a stderr tail, reports its end once. */
class LineProcess {
  readonly child: ChildProcess;
  readonly stderr = new BoundedTail(stderrTailBytes);
  replies = 0;
  spawnError: string | undefined;
  exitDescription = 'exited';
  ended = false;
  readonly dead: Promise<void>;
  onLine: ((line: string) => void) | undefined;
  onOversize: (() => void) | undefined;
  onDeath: (() => void) | undefined;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private discarding = false;

  constructor(setup: ExecutableSetup) {
    this.child = spawnInGroup({
      command: setup.objective.command,
      args: setup.args.map((arg) => substitute(arg, { params: {}, id: -1, problemdir: setup.problemDir })),
      cwd: setup.cwd,
      // Python block-buffers stdout into a pipe: without this, a script that prints its
      // replies without flushing would never be heard. objective.env may override it.
      env: { PYTHONUNBUFFERED: '1', ...setup.objective.env },
      stdin: 'pipe',
    });
    let markDead: () => void;
    this.dead = new Promise((resolve) => (markDead = resolve));
    let graceTimer: NodeJS.Timeout | undefined;
    const end = () => {
      if (this.ended) return;
      this.ended = true;
      clearTimeout(graceTimer);
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      markDead();
      this.onDeath?.();
    };
    this.child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.child.pid === undefined) {
        this.spawnError = describeSpawnError(error, setup.objective.command, setup.cwd);
        end();
      }
    });
    this.child.on('exit', (code, signal) => {
      this.exitDescription = describeExit(code, signal);
      killGroup(this.child);
      graceTimer = setTimeout(end, closeGraceMs);
    });
    this.child.on('close', end);
    this.child.stdin?.on('error', () => {
      // EPIPE after the process died; its exit is handled above.
    });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk, setup.maxOutputBytes));
  }

  private receive(chunk: Buffer, maxLineBytes: number): void {
    let start = 0;
    while (!this.discarding) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) break;
      const pieceStart = start;
      start = newline + 1;
      if (this.partialBytes + (newline - pieceStart) > maxLineBytes) return this.oversize();
      // Decoding straight from the chunk avoids a Buffer view per reply.
      const line = this.partial.length
        ? Buffer.concat([...this.partial, chunk.subarray(pieceStart, newline)]).toString('utf8')
        : chunk.toString('utf8', pieceStart, newline);
      this.partial = [];
      this.partialBytes = 0;
      // Blank lines are never replies (a stray print()); skipping them keeps the stream in step.
      if (line.trim() === '') continue;
      this.replies += 1;
      this.onLine?.(line);
    }
    if (this.discarding || start >= chunk.length) return;
    const rest = chunk.subarray(start);
    if (this.partialBytes + rest.length > maxLineBytes) return this.oversize();
    this.partial.push(rest);
    this.partialBytes += rest.length;
  }

  private oversize(): void {
    this.partial = [];
    this.partialBytes = 0;
    this.kill();
    this.onOversize?.();
  }

  write(text: string): void {
    if (!this.ended) this.child.stdin?.write(text);
  }

  endInput(): void {
    this.child.stdin?.end();
  }

  /** Kills the process group; later output is ignored. */
  kill(): void {
    this.discarding = true;
    killGroup(this.child);
  }
}

interface PendingRequest {
  slot: number;
  job: EvaluationJob;
  workdir: string | undefined;
  line: string;
  attempts: number;
}

type ExchangeEnd = 'done' | 'timeout' | 'oversize' | 'crash';

export class LineSession implements ProtocolSession {
  private process: LineProcess | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly context: SessionContext) {}

  /** Evaluates a batch through the persistent process; batches run one after another. */
  evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]> {
    const run = this.queue.then(() => this.runBatch(jobs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private spawn(): LineProcess {
    const lineProcess = new LineProcess(this.context.setup);
    this.context.onSpawn?.(lineProcess.child.pid);
    void lineProcess.dead.then(() => this.context.onSpawn?.(undefined));
    return lineProcess;
  }

  private async runBatch(jobs: EvaluationJob[]): Promise<EvaluationResult[]> {
    const { setup, scratch, worker } = this.context;
    const batchStarted = performance.now();
    const sinceBatchStart = () => performance.now() - batchStarted;
    const results: EvaluationResult[] = new Array(jobs.length);
    const completions: Promise<void>[] = [];
    const failResult = (error: string, ms: number, stderrTail?: string): EvaluationResult => ({
      fitness: null,
      error,
      ...(stderrTail ? { stderrTail } : {}),
      ms,
      worker,
    });

    const pending: PendingRequest[] = [];
    const requestLine = (job: EvaluationJob, workdir: string | undefined) =>
      `${JSON.stringify({ id: job.index, ...(job.batch ? { batch: job.batch } : { params: job.params }), ...(workdir !== undefined ? { workdir } : {}) })}\n`;
    if (!setup.needsWorkdir) {
      // The common case builds the requests synchronously: no promise per request.
      for (let slot = 0; slot < jobs.length; slot++) {
        const job = jobs[slot];
        pending.push({ slot, job, workdir: undefined, line: requestLine(job, undefined), attempts: 0 });
      }
    } else {
      await Promise.all(
        jobs.map(async (job, slot) => {
          const started = performance.now();
          let workdir: string | undefined;
          try {
            workdir = await scratch.create(job.index);
            await setup.templates.render(workdir, {
              params: job.params,
              workdir,
              id: job.index,
              problemdir: setup.problemDir,
            });
          } catch (error) {
            if (workdir !== undefined) await scratch.remove(workdir);
            results[slot] = failResult((error as Error).message, performance.now() - started);
            return;
          }
          pending[slot] = { slot, job, workdir, line: requestLine(job, workdir), attempts: 0 };
        }),
      );
    }
    const queue = pending.filter((request) => request !== undefined);

    const toResult = (parsed: ParsedResult, ms: number, stderrTail: () => string): EvaluationResult =>
      'error' in parsed
        ? failResult(parsed.error, ms, stderrTail())
        : { fitness: parsed.fitness, ...(parsed.extras ? { extras: parsed.extras } : {}), ms, worker };
    const finishRequest = (
      request: PendingRequest,
      outcome: ParsedResult | Promise<ParsedResult>,
      ms: number,
      stderrTail: () => string,
    ) => {
      // The common case (no scratch directory, no result file) stays synchronous: at tens of
      // thousands of pipelined replies per second, a promise chain per reply shows.
      if (request.workdir === undefined && !(outcome instanceof Promise)) {
        results[request.slot] = toResult(outcome, ms, stderrTail);
        return;
      }
      completions.push(
        Promise.resolve(outcome)
          .catch((error: Error): ParsedResult => ({ error: error.message }))
          .then(async (parsed) => {
            let result = toResult(parsed, ms, stderrTail);
            if (request.workdir !== undefined) {
              const keep =
                this.context.keepScratch === 'always' ||
                (this.context.keepScratch === 'failed' && result.fitness === null);
              if (keep && result.error)
                result = { ...result, error: `${result.error} (scratch directory kept: ${request.workdir})` };
              if (!keep) await scratch.remove(request.workdir);
            }
            results[request.slot] = result;
          }),
      );
    };
    const failAll = (reason: string, stderrTail = '') => {
      for (const request of queue.splice(0))
        finishRequest(request, { error: reason }, sinceBatchStart(), () => stderrTail);
    };

    let silentDeaths = 0;
    while (queue.length) {
      if (this.context.isClosing?.()) {
        failAll('evaluator closed before this evaluation finished');
        break;
      }
      if (this.process?.ended) this.process = undefined;
      const lineProcess = (this.process ??= this.spawn());
      const end = await this.exchange(lineProcess, queue, (request, line, ms) =>
        finishRequest(request, this.parseReply(request, line), ms, () => ''),
      );
      if (end === 'done') break;

      this.process = undefined;
      await lineProcess.dead;
      if (lineProcess.spawnError) {
        failAll(lineProcess.spawnError);
        break;
      }
      const stderrTail = lineProcess.stderr.text();
      silentDeaths = lineProcess.replies === 0 ? silentDeaths + 1 : 0;
      const reason =
        end === 'timeout'
          ? `no reply within ${formatSeconds(setup.timeoutMs)} (line process group killed and restarted)`
          : end === 'oversize'
            ? `reply line too large: more than ${formatBytes(setup.maxOutputBytes)} (line process restarted)`
            : `line process ${lineProcess.exitDescription} while this request was pending (restarted)`;
      const head = queue[0];
      if (head) {
        // An oversized reply would be oversized again; anything else may be a fluke.
        head.attempts = end === 'oversize' ? maxAttempts : head.attempts + 1;
        if (head.attempts >= maxAttempts) {
          queue.shift();
          const tries = end === 'oversize' ? '' : ` (${head.attempts} attempts)`;
          finishRequest(
            head,
            Promise.resolve({ error: `${reason}${tries}` }),
            sinceBatchStart(),
            () => stderrTail,
          );
        }
      }
      if (silentDeaths >= maxSilentDeaths) {
        failAll(
          `line process keeps dying before its first reply (${silentDeaths} times in a row): ${reason}`,
          stderrTail,
        );
        break;
      }
    }
    await Promise.all(completions);
    return results;
  }

  /**
   * Writes every queued request and hands replies to `onReply` in order until the queue is
   * empty or the process stops answering. Replies are removed from the queue as they come.
   */
  private exchange(
    lineProcess: LineProcess,
    queue: PendingRequest[],
    onReply: (request: PendingRequest, line: string, ms: number) => void,
  ): Promise<ExchangeEnd> {
    const timeoutMs = this.context.setup.timeoutMs;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let mark = performance.now();
      const settle = (end: ExchangeEnd) => {
        clearTimeout(timer);
        lineProcess.onLine = undefined;
        lineProcess.onOversize = undefined;
        lineProcess.onDeath = undefined;
        resolve(end);
      };
      // One timer for the whole exchange: each reply only moves `mark`, and the timer, when
      // it fires, re-arms itself for whatever is left of the time since the last reply.
      const check = () => {
        const left = mark + timeoutMs - performance.now();
        if (left > 0) {
          timer = setTimeout(check, left);
          return;
        }
        lineProcess.kill();
        settle('timeout');
      };
      lineProcess.onLine = (line) => {
        const request = queue.shift()!;
        const now = performance.now();
        onReply(request, line, now - mark);
        mark = now;
        if (queue.length === 0) settle('done');
      };
      lineProcess.onOversize = () => settle('oversize');
      lineProcess.onDeath = () => settle('crash');
      if (lineProcess.ended) return settle('crash');
      lineProcess.write(queue.map((request) => request.line).join(''));
      timer = setTimeout(check, timeoutMs);
    });
  }

  private parseReply(request: PendingRequest, line: string): ParsedResult | Promise<ParsedResult> {
    const { setup } = this.context;
    const trimmed = line.trim();
    if (setup.regex === undefined && setup.objective.result?.file === undefined && trimmed.startsWith('{')) {
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        return parseResultLine(trimmed, 'reply');
      }
      const id = (value as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && id !== request.job.index) {
        return {
          error: `reply id ${id} does not match request id ${request.job.index} (replies must come in request order)`,
        };
      }
      return parseResultObject(value, 'reply');
    }
    const values = {
      params: request.job.params,
      workdir: request.workdir,
      id: request.job.index,
      problemdir: setup.problemDir,
    };
    if (setup.objective.result?.file !== undefined) {
      return readResult(setup, line, request.workdir ?? setup.cwd, values);
    }
    return setup.regex ? parseOutput(line, setup.regex, 'reply') : parseResultLine(line, 'reply');
  }

  /** Closes the process's stdin (a well-behaved script exits on EOF), then kills its group. */
  async close(): Promise<void> {
    const lineProcess = this.process;
    this.process = undefined;
    if (!lineProcess) return;
    lineProcess.endInput();
    const timer = setTimeout(() => lineProcess.kill(), closeGraceMs);
    await lineProcess.dead;
    clearTimeout(timer);
    lineProcess.kill();
    this.context.onSpawn?.(undefined);
  }
}
