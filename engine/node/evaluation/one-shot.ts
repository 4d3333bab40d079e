/**
 * One process per evaluation (the `args` and `json-stdin` protocols): the protocols differ
 * only in what they write to stdin. The process runs in the evaluation's scratch directory
 * when templates are used, else in the objective's working directory.
 */
import { performance } from 'node:perf_hooks';
import { substitute, type PlaceholderValues } from './placeholders';
import type { ProtocolSession, SessionContext } from './protocols/types';
import { clearStaleResultFile, readResult } from './result-file';
import { runProcess } from './run-process';
import type { EvaluationJob, EvaluationResult, ParamValues } from './types';

export interface OneShotRequest {
  id: number;
  /** Absent for a batched request, which carries `batch` instead. */
  params?: ParamValues;
  batch?: ParamValues[];
  workdir?: string;
}

/** Kept of a successful evaluation's output: enough to see what the program said, small enough for a journal line. */
export const successTailBytes = 1024;

/** The last `limit` bytes of a text (whole characters), marked with … when cut. */
export function textTail(text: string, limit = successTailBytes): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= limit) return text;
  return `…${bytes
    .subarray(bytes.length - limit)
    .toString('utf8')
    .replace(/^\uFFFD+/, '')}`;
}

/** What a per-evaluation protocol writes to the process's stdin; undefined leaves stdin at /dev/null. */
export type StdinWriter = (request: OneShotRequest) => string | undefined;

/** A session that starts a fresh process for every job, all jobs at once. */
export function oneShotSession(context: SessionContext, stdinFor: StdinWriter): ProtocolSession {
  return {
    evaluate: (jobs) => Promise.all(jobs.map((job) => evaluateOneShot(job, context, stdinFor))),
    close: async () => undefined,
  };
}

async function evaluateOneShot(
  job: EvaluationJob,
  context: SessionContext,
  stdinFor: StdinWriter,
): Promise<EvaluationResult> {
  const { setup, scratch, worker } = context;
  const started = performance.now();
  const fail = (error: string, stderrTail?: string): EvaluationResult => ({
    fitness: null,
    error,
    ...(stderrTail ? { stderrTail } : {}),
    ms: performance.now() - started,
    worker,
  });
  if (context.isClosing?.()) return fail('evaluator closed before this evaluation started');

  let workdir: string | undefined;
  let result: EvaluationResult;
  try {
    if (setup.needsWorkdir) workdir = await scratch.create(job.index);
    const values: PlaceholderValues = {
      params: job.params,
      workdir,
      id: job.index,
      problemdir: setup.problemDir,
    };
    if (workdir !== undefined) await setup.templates.render(workdir, values);
    const processCwd = setup.templates.size > 0 && workdir !== undefined ? workdir : setup.cwd;
    if (workdir === undefined) await clearStaleResultFile(setup, processCwd, values);

    const request = {
      id: job.index,
      ...(job.batch ? { batch: job.batch } : { params: job.params }),
      ...(workdir !== undefined ? { workdir } : {}),
    };
    const stdinText = stdinFor(request);
    const outcome = await runProcess(
      {
        command: setup.objective.command,
        args: setup.args.map((arg) => substitute(arg, values)),
        cwd: processCwd,
        env: setup.objective.env,
        stdin: stdinText === undefined ? 'ignore' : 'pipe',
      },
      {
        timeoutMs: setup.timeoutMs,
        maxOutputBytes: setup.maxOutputBytes,
        stdinText,
        onSpawn: context.onSpawn,
      },
    );
    if (outcome.failure && context.isClosing?.()) {
      result = fail(`cancelled: the evaluator was closed (${outcome.failure})`, outcome.stderrTail);
    } else if (outcome.failure) {
      result = fail(outcome.failure, outcome.stderrTail);
      if (outcome.stdout) result.stdoutTail = textTail(outcome.stdout);
    } else {
      const parsed = await readResult(setup, outcome.stdout, processCwd, values);
      result =
        'error' in parsed
          ? {
              ...fail(parsed.error, outcome.stderrTail),
              ...(outcome.stdout ? { stdoutTail: textTail(outcome.stdout) } : {}),
            }
          : {
              fitness: parsed.fitness,
              ...(parsed.extras ? { extras: parsed.extras } : {}),
              ...(outcome.stdout ? { stdoutTail: textTail(outcome.stdout) } : {}),
              ...(outcome.stderrTail ? { stderrTail: textTail(outcome.stderrTail) } : {}),
              ms: performance.now() - started,
              worker,
            };
    }
  } catch (error) {
    result = fail((error as Error).message);
  }

  if (workdir !== undefined) {
    const keep =
      context.keepScratch === 'always' || (context.keepScratch === 'failed' && result.fitness === null);
    if (keep) {
      if (result.error) result.error += ` (scratch directory kept: ${workdir})`;
    } else {
      await scratch.remove(workdir);
    }
  }
  return result;
}
