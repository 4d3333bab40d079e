/**
 * The backend behind both transports: the Electron engine host (utility process) and the
 * browser-mode HTTP server call `invoke(channel, payload)` and forward `emit`ted events.
 * Every request is validated against the IPC contract here, whatever transport it came
 * through. Each run executes on its own worker thread (run-thread.ts), so a run that keeps
 * its thread busy never blocks requests, pause/stop or event delivery; progress events are
 * batched before they leave.
 */
import { basename, resolve } from 'node:path';
import {
  exportFiles,
  parseRequest,
  RequestError,
  type AppInfo,
  type EventChannel,
  type EventPayloads,
  type InvokeChannel,
  type InvokeResponses,
  type ProbeResult,
  type ProblemDraft,
  type RunDetail,
  type RunStatus,
  type RunStatusEvent,
  type StrategyInfo,
  type ValidationResult,
} from '../ipc-contract';
import { describeStrategies } from '../../engine/core/strategy-info';
import { problemCatalog } from '../../engine/problem/catalog';
import { EventBatcher } from './compact-events';
import { readGenerations } from './evaluations/generations';
import { RunEvaluations } from './evaluations/run-evaluations';
import {
  evoboxVersion,
  exportRun,
  parseProblem,
  probeProblem,
  defaultStopGraceSeconds,
  killOwnRunProcesses,
  openRunFolder,
  readQueueStatus,
  strategies,
  type GenerationEvent,
  type RunHandle,
  type RunResult,
} from './engine';
import { listExamples, listFolder, openProblem, problemFromExecutable, saveProblem } from './problem-files';
import { LiveRun, LiveRunRegistry } from './live-runs';
import { listRuns, readRun } from './run-history';
import { runOnThread } from './run-thread';
import { TrainService } from './train-service';

export type EmitEvent = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void;

export interface BackendOptions {
  mode: AppInfo['mode'];
  runsDir: string;
  examplesDir: string;
  /** Folder the browser-mode file picker starts in. */
  cwd?: string;
  emit: EmitEvent;
  /** Batching interval of progress events (50–100 ms keeps charts smooth and IPC light). */
  batchIntervalMs?: number;
}

/** The strategies as the GUI lists them: the same shape as `evobox strategies --json`. */
export function strategyInfos(dimension: number): StrategyInfo[] {
  return describeStrategies(strategies, dimension);
}

/** A run folder's problem as it was run (null when unreadable: resume reports the real error). */
function readRunProblem(runDir: string): ProblemDraft | null {
  return openRunFolder(runDir).problemJson<ProblemDraft>();
}

const directionOf = (problem: ProblemDraft | null): 'minimize' | 'maximize' =>
  problem?.objective?.direction === 'maximize' ? 'maximize' : 'minimize';

/** Generations of a resumed run's earlier sessions a page is sent when it attaches. */
const earlierCurvePoints = 1000;

/** How long runs:read with `partial` waits for a long journal before answering with part of it. */
const partialAnswerMs = 400;

export class Backend {
  /** The source of truth for live runs: every page attaches through it. */
  private readonly runs = new LiveRunRegistry();
  private readonly batcher: EventBatcher;
  private readonly runsDir: string;
  private readonly evaluations = new RunEvaluations();
  private statusSeq = 0;
  private readonly train: TrainService;

  constructor(private readonly options: BackendOptions) {
    this.runsDir = resolve(options.runsDir);
    this.train = new TrainService(this.runsDir);
    this.batcher = new EventBatcher((batch) => {
      this.runs.record(batch); // kept for pages that attach later, in the order they were sent
      options.emit('run:progress', batch);
    }, options.batchIntervalMs ?? 75);
  }

  /** Validates and answers one request. Throws RequestError for bad payloads, Error for failures. */
  async invoke<C extends InvokeChannel>(channel: C, payload: unknown): Promise<InvokeResponses[C]> {
    return (await this.dispatch(channel, payload)) as InvokeResponses[C];
  }

  private get defaultStrategy(): string {
    return strategies['cma-es'] ? 'cma-es' : (Object.keys(strategies)[0] ?? 'cma-es');
  }

  private async dispatch(channel: InvokeChannel, payload: unknown): Promise<unknown> {
    switch (channel) {
      case 'app:info': {
        parseRequest(channel, payload);
        const info: AppInfo = {
          mode: this.options.mode,
          version: evoboxVersion,
          runsDir: this.runsDir,
          examplesDir: this.options.examplesDir,
          cwd: this.options.cwd ?? process.cwd(),
          builtinHeatMaps: true,
          catalog: problemCatalog(),
        };
        return info;
      }
      case 'examples:list':
        parseRequest(channel, payload);
        return listExamples(this.options.examplesDir);
      case 'fs:list': {
        const { dir } = parseRequest(channel, payload);
        return listFolder(dir || this.options.cwd || process.cwd());
      }
      case 'problem:open':
        return openProblem(parseRequest(channel, payload).path);
      case 'problem:from-executable':
        return problemFromExecutable(parseRequest(channel, payload).path, this.defaultStrategy);
      case 'problem:validate': {
        const { draft, baseDir } = parseRequest(channel, payload);
        try {
          const problem = parseProblem(draft, baseDir);
          const free = problem.parameters.filter((p) => p.fixed === undefined).map((p) => p.name);
          const result: ValidationResult = { ok: true, dimension: free.length, freeNames: free };
          return result;
        } catch (error) {
          const result: ValidationResult = { ok: false, errors: (error as Error).message.split('\n') };
          return result;
        }
      }
      case 'problem:save': {
        const { draft, baseDir, path } = parseRequest(channel, payload);
        return saveProblem(draft, baseDir, path);
      }
      case 'problem:probe': {
        const { draft, baseDir } = parseRequest(channel, payload);
        const problem = parseProblem(draft, baseDir);
        const report = await probeProblem(problem);
        const result: ProbeResult = {
          params: report.params,
          fitness: report.result.fitness,
          ms: report.result.ms,
          ...(report.result.error ? { error: report.result.error } : {}),
          ...(report.result.stderrTail ? { stderrTail: report.result.stderrTail } : {}),
          ...(report.result.stdoutTail ? { stdoutTail: report.result.stdoutTail } : {}),
          ...(report.result.extras ? { extras: report.result.extras } : {}),
        };
        return result;
      }
      case 'strategies:list':
        return strategyInfos(parseRequest(channel, payload).dimension);
      case 'run:start': {
        const { draft, baseDir, problemPath } = parseRequest(channel, payload);
        parseProblem(draft, baseDir); // field-named errors at once, before a thread starts
        const ref: { runDir?: string } = {};
        const handle = await runOnThread(
          {
            kind: 'start',
            draft,
            baseDir,
            runsDir: this.runsDir,
            ...(problemPath ? { problemFile: problemPath } : {}),
          },
          this.callbacks(ref, directionOf(draft)),
        );
        ref.runDir = this.track(handle, { problem: readRunProblem(handle.runDir), resumed: false });
        return { runDir: handle.runDir };
      }
      case 'run:control': {
        const { runDir, action } = parseRequest(channel, payload);
        const handle = this.runs.get(resolve(runDir))?.handle;
        if (!handle) throw new Error(`no run in progress in ${runDir}`);
        if (action === 'pause') handle.pause();
        else if (action === 'resume') handle.resume();
        else handle.stop();
        return { status: handle.status };
      }
      case 'run:resume-dir': {
        const request = parseRequest(channel, payload);
        const runDir = resolve(request.runDir);
        if (this.runs.has(runDir)) throw new Error(`${runDir} is already running`);
        const ref: { runDir?: string } = {};
        const problem = readRunProblem(runDir);
        const handle = await runOnThread(
          { kind: 'resume', runDir, ...(request.budget ? { budget: request.budget } : {}) },
          this.callbacks(ref, directionOf(problem)),
        );
        ref.runDir = this.track(handle, { problem: readRunProblem(runDir), resumed: true });
        return { runDir: handle.runDir };
      }
      case 'runs:live':
        parseRequest(channel, payload);
        return this.runs.list();
      case 'run:attach': {
        const runDir = resolve(parseRequest(channel, payload).runDir);
        const run = this.runs.get(runDir);
        if (!run) return { live: false, runDir };
        this.batcher.flush(); // the snapshot then holds every generation sent so far
        return run.snapshot();
      }
      case 'runs:list':
        parseRequest(channel, payload);
        return listRuns(this.runsDir, this.runs.statuses());
      case 'runs:read': {
        const { runDir, maxPoints, partial } = parseRequest(channel, payload);
        const dir = resolve(runDir);
        // The journal through the evaluations cache (read in slices, shared with the table);
        // a folder whose problem no longer loads is read directly.
        const journal = await this.evaluations
          .summary(dir, partial ? partialAnswerMs : Infinity)
          .catch(() => undefined);
        return readRun(dir, maxPoints ?? 5000, this.runs.get(dir)?.handle.status, journal);
      }
      case 'run:export': {
        const { runDir, format } = parseRequest(channel, payload);
        const content = exportRun(resolve(runDir), format);
        const file = exportFiles[format];
        return { filename: `${basename(runDir)}-${file.suffix}`, mimeType: file.mimeType, content };
      }
      case 'executor:status': {
        const { redis, queue, tag } = parseRequest(channel, payload);
        return readQueueStatus(redis, queue, tag);
      }
      case 'runs:evaluations': {
        const { runDir, offset, limit, sort, filter } = parseRequest(channel, payload);
        return this.evaluations.page(resolve(runDir), offset, limit, sort, filter);
      }
      case 'runs:evaluation': {
        const { runDir, row } = parseRequest(channel, payload);
        return this.evaluations.detail(resolve(runDir), row);
      }
      case 'runs:evaluation-sample': {
        const { runDir, maxRows } = parseRequest(channel, payload);
        return this.evaluations.sample(resolve(runDir), maxRows);
      }
      case 'runs:generations': {
        const { runDir, from } = parseRequest(channel, payload);
        return readGenerations(resolve(runDir), from);
      }
      case 'train:preview':
      case 'train:trainers':
      case 'train:start':
      case 'train:control':
      case 'train:read':
      case 'train:list':
      case 'train:export':
      case 'train:open':
        return this.train.invoke(channel, payload);
      case 'dialog:open-file':
      case 'dialog:save-file':
        parseRequest(channel, payload);
        throw new RequestError(`${channel} is only available in the desktop app`);
      default: {
        const unknown: never = channel;
        throw new RequestError(`unknown channel ${String(unknown)}`);
      }
    }
  }

  /**
   * Callbacks for one run. The run folder is known only once the run has started, so status
   * changes go through `ref`; pause/resume can only happen after that. The end of a run is
   * reported from `done`, with its result.
   */
  private callbacks(ref: { runDir?: string }, direction: 'minimize' | 'maximize') {
    return {
      onGeneration: (event: GenerationEvent) => {
        this.batcher.setDirection(event.runDir, direction);
        this.batcher.add(event);
      },
      onStatus: (status: RunStatus) => {
        if (ref.runDir && (status === 'running' || status === 'paused'))
          this.emitStatus({ runDir: ref.runDir, status });
      },
    };
  }

  private emitStatus(event: RunStatusEvent): void {
    this.batcher.flush();
    const seq = ++this.statusSeq;
    const live = this.runs.get(event.runDir);
    if (live) {
      live.status = event.status;
      live.statusSeq = seq;
    }
    this.options.emit('run:status', { ...event, seq });
  }

  /**
   * Enters a started run in the registry. A resumed run takes its earlier sessions' curve
   * from the journal (once, bounded), so a page attaching later draws the whole run.
   */
  private track(handle: RunHandle, setup: { problem: ProblemDraft | null; resumed: boolean }): string {
    const runDir = resolve(handle.runDir);
    let earlier: RunDetail | null = null;
    if (setup.resumed) {
      try {
        earlier = readRun(runDir, earlierCurvePoints);
      } catch {
        earlier = null; // the run itself reports unreadable folders
      }
    }
    this.runs.add(
      new LiveRun({
        runDir,
        name: setup.problem?.name ?? basename(runDir),
        handle,
        problem: setup.problem,
        direction: directionOf(setup.problem),
        ...(earlier ? { earlier: earlier.curve, earlierBest: earlier.best } : {}),
      }),
    );
    this.emitStatus({ runDir, status: handle.status });
    handle.done
      .then((result: RunResult) => {
        this.runs.delete(runDir);
        this.emitStatus({
          runDir,
          status: result.error ? 'failed' : 'finished',
          result: {
            stopReason: result.stopReason,
            evaluations: result.evaluations,
            failedEvaluations: result.failedEvaluations,
            elapsedMs: result.elapsedMs,
            best: result.best,
            ...(result.error ? { error: result.error } : {}),
          },
        });
      })
      .catch((error: unknown) => {
        this.runs.delete(runDir);
        this.emitStatus({
          runDir,
          status: 'failed',
          result: {
            stopReason: 'error',
            evaluations: 0,
            failedEvaluations: 0,
            elapsedMs: 0,
            best: null,
            error: (error as Error).message ?? String(error),
          },
        });
      });
    return runDir;
  }

  /**
   * Stops every run this backend started: evaluations still running get the grace period,
   * then are ended (run again on resume); waits (bounded) for the checkpoints to be written.
   * Whatever has not ended by then has its evaluation processes killed, so none outlives us.
   */
  async dispose(timeoutMs = 10_000, graceMs = defaultStopGraceSeconds * 1000): Promise<void> {
    const handles = this.runs.handles();
    const pending: Promise<unknown>[] = handles.map((handle) => {
      handle.stop({ graceMs });
      return handle.done.catch(() => undefined);
    });
    pending.push(this.train.close());
    await Promise.race([Promise.all(pending), new Promise((done) => setTimeout(done, timeoutMs).unref())]);
    for (const handle of handles) killOwnRunProcesses(handle.runDir);
    this.batcher.flush();
    this.batcher.dispose();
  }
}
