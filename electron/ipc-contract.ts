/**
 * The one contract between the UI and the backend. Electron main + preload, the utility
 * process that hosts the engine, the browser-mode HTTP/SSE server and the Svelte renderer
 * all use these channel names, request schemas and response types, so the two transports
 * (Electron IPC and HTTP + server-sent events) cannot drift apart.
 *
 * Requests are validated with zod at every boundary they cross; responses come from the
 * trusted backend and are described by TypeScript types only.
 *
 * Pure TypeScript: no Node, no DOM, and of the engine only pure modules — the problem model
 * (engine/problem), run statuses and strategy metadata (engine/core) — as the renderer
 * bundles this file.
 */
import { z } from 'zod';
import { exportFormats, type RunStatus } from '../engine/core/run-status';
import type {
  GenerationRecord,
  QueueStatus,
  TrainStepRecord,
  WorkerHeartbeat,
} from '../engine/core/run-records';
import type { StrategyInfo } from '../engine/core/strategy-info';
import type { ProblemCatalog } from '../engine/problem/catalog';
import {
  executorChoiceSchema,
  findProtoKey,
  parameterDraftSchema,
  reservedNameMessage,
  problemDraftSchema as problemModelDraftSchema,
  type ParameterDraft,
} from '../engine/problem/schema';
import type { EventChannel, InvokeChannel } from './ipc-channels';

export {
  electronOnlyChannels,
  eventChannelNames,
  invokeChannelNames,
  isEventChannel,
  isInvokeChannel,
  type EventChannel,
  type InvokeChannel,
} from './ipc-channels';

/* ------------------------------------------------------------------ shared shapes */

/** Longest path string any request may carry. */
const MAX_PATH = 4096;
const path = z.string().min(1).max(MAX_PATH);

/**
 * One row of the parameter table and a problem as the UI edits it: the problem model's own
 * draft schemas (engine/problem/schema.ts) — the problem file's fields, types and sizes.
 * Values are the engine's to judge: its validation reports field-named errors.
 */
export const parameterSchema = parameterDraftSchema;
export const problemDraftSchema = problemModelDraftSchema;

export type ParameterRow = ParameterDraft;
export type ProblemDraft = z.infer<typeof problemDraftSchema>;

export {
  exportFiles,
  exportFormats,
  runStatuses,
  type ExportFormat,
  type RunStatus,
} from '../engine/core/run-status';
export type { OptionInfo, StrategyInfo } from '../engine/core/strategy-info';
export type { ProblemCatalog, ProtocolInfo } from '../engine/problem/catalog';

const empty = z.object({}).strict();

/* ------------------------------------------------------------------ train a model (issue 15; append-only) */

/** Hidden sizes, activation and output names of the model, as the workbench edits them. */
const trainColumn = z.string().min(1).max(200);
export const trainActions = ['pause', 'resume', 'stop'] as const;

/** A training problem as the workbench builds it: the `evobox train` file's shape, checked by the engine. */
export const trainProblemDraftSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    data: z
      .object({
        file: path,
        inputs: z.array(trainColumn).min(1).max(1000),
        targets: z.array(trainColumn).min(1).max(1000),
        validation: z.object({ fraction: z.number() }).strict().optional(),
      })
      .strict(),
    model: z
      .object({
        hidden: z.array(z.number().int()).max(16),
        activation: z.string().max(40).optional(),
        outputs: z.array(trainColumn).min(1).max(1000),
      })
      .strict(),
    /** An executable F, or a JS module F (whose optional gradient export the `oracle` trainer uses). */
    blackBox: z.union([
      z
        .object({
          command: path,
          protocol: z.enum(['line', 'json-stdin', 'args']).optional(),
          args: z.array(z.string().max(MAX_PATH)).max(200).optional(),
          timeoutSeconds: z.number().optional(),
          batch: z.boolean().optional(),
        })
        .strict(),
      z
        .object({
          module: path,
          export: z.string().min(1).max(200).optional(),
          gradient: z.string().min(1).max(200).optional(),
          timeoutSeconds: z.number().optional(),
        })
        .strict(),
    ]),
    trainer: z
      .object({
        name: z.string().min(1).max(100),
        batchSize: z.number().int().optional(),
        options: z
          .record(z.string().max(100), z.union([z.number(), z.boolean(), z.string().max(1000)]))
          .optional(),
      })
      .strict(),
    budget: z.object({ steps: z.number().int().optional(), fCalls: z.number().int().optional() }).strict(),
    validateEvery: z.number().int().optional(),
    checkpointEvery: z.number().int().optional(),
    seed: z.number().int().optional(),
    workers: z.number().int().optional(),
    /** Where F runs, as in an optimisation problem; each executor kind checks its own fields. */
    executor: executorChoiceSchema.optional(),
  })
  .strict();
export type TrainProblemDraft = z.infer<typeof trainProblemDraftSchema>;

const trainRequestSchemas = {
  /** The columns and first rows of a CSV / JSON-lines data file. */
  'train:preview': z.object({ path, rows: z.number().int().min(1).max(200).optional() }).strict(),
  /** The trainers and their options, defaults resolved for `dimension` model weights. */
  'train:trainers': z.object({ dimension: z.number().int().min(1).max(10_000_000) }).strict(),
  'train:start': z.object({ problem: trainProblemDraftSchema, baseDir: path }).strict(),
  'train:control': z.object({ runDir: path, action: z.enum(trainActions) }).strict(),
  /** A training run: journal lines from index `from` on, the latest predictions, status. */
  'train:read': z.object({ runDir: path, from: z.number().int().min(0) }).strict(),
  'train:list': empty,
  'train:export': z.object({ runDir: path, format: z.enum(['json', 'mjs', 'py']) }).strict(),
  /** A training problem file (`evobox train`'s), paths resolved, as the workbench's setup. */
  'train:open': z.object({ path }).strict(),
} as const;

/* ------------------------------------------------------------------ request schemas */

const draftWithBase = z.object({ draft: problemDraftSchema, baseDir: path }).strict();

/** Sort of the evaluations table: a fixed column, `param:<name>` or `extra:<name>`. */
export const evaluationSortSchema = z
  .object({ column: z.string().min(1).max(300), descending: z.boolean().optional() })
  .strict();
export type EvaluationSort = z.infer<typeof evaluationSortSchema>;

/** Filter of the evaluations table; all given conditions must hold. */
export const evaluationFilterSchema = z
  .object({
    failedOnly: z.boolean().optional(),
    /** Fitness ≤ this (failed evaluations never match). */
    fitnessBelow: z.number().optional(),
    /** Fitness ≥ this. */
    fitnessAbove: z.number().optional(),
    ranges: z
      .array(
        z
          .object({ parameter: z.string().max(200), min: z.number().optional(), max: z.number().optional() })
          .strict(),
      )
      .max(100)
      .optional(),
  })
  .strict();
export type EvaluationFilter = z.infer<typeof evaluationFilterSchema>;

/** Request payload schema of every invoke channel. */
export const requestSchemas = {
  /** Where the UI runs, the runs folder, the bundled examples folder. */
  'app:info': empty,
  /** Bundled examples: examples/<name>/problem.json. */
  'examples:list': empty,
  /** Browser mode's file picker: a folder's entries. Empty `dir` means the working folder. */
  'fs:list': z.object({ dir: z.string().max(MAX_PATH).optional() }).strict(),
  /** Reads a problem file for editing (does not require it to be valid). */
  'problem:open': z.object({ path }).strict(),
  /** A starting problem around an executable chosen by the user. */
  'problem:from-executable': z.object({ path }).strict(),
  /** Runs the engine's problem schema over a draft. */
  'problem:validate': draftWithBase,
  /** Writes a draft as a problem file the CLI accepts. */
  'problem:save': z.object({ draft: problemDraftSchema, baseDir: path, path }).strict(),
  /** Evaluates the start point once. */
  'problem:probe': draftWithBase,
  /** Every registered strategy with option metadata, defaults resolved for `dimension`. */
  'strategies:list': z.object({ dimension: z.number().int().min(1).max(100_000) }).strict(),
  'run:start': z.object({ draft: problemDraftSchema, baseDir: path, problemPath: path.optional() }).strict(),
  'run:control': z.object({ runDir: path, action: z.enum(['pause', 'resume', 'stop']) }).strict(),
  /**
   * Continues an interrupted run from its folder. With `budget`, also a finished or stopped
   * run ("Continue"): the new totals (evaluations so far count), as `evobox resume --budget`.
   */
  'run:resume-dir': z
    .object({
      runDir: path,
      budget: z
        .object({
          evaluations: z.number().int().min(1).max(1e12).optional(),
          seconds: z.number().positive().max(1e9).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  /** Runs the backend is executing now (its registry), newest first. */
  'runs:live': empty,
  /** Everything a page needs to show a live run and control it (or `live: false`). */
  'run:attach': z.object({ runDir: path }).strict(),
  /** Past and current runs in the runs folder, newest first. */
  'runs:list': empty,
  /** One run's curve, best, problem and failures, read from its folder. */
  'runs:read': z
    .object({
      runDir: path,
      maxPoints: z.number().int().min(10).max(100_000).optional(),
      /** Answer within a moment with what is read so far (marked `reading`) rather than wait for a long journal. */
      partial: z.boolean().optional(),
    })
    .strict(),
  'run:export': z.object({ runDir: path, format: z.enum(exportFormats) }).strict(),
  /** A distributed executor's queue depth and workers (the Run view's Workers panel). */
  'executor:status': z
    .object({
      redis: z.string().min(1).max(2000),
      queue: z.string().max(200).optional(),
      tag: z.string().max(200).optional(),
    })
    .strict(),
  /** A page of a run's evaluations (journal rows), sorted and filtered; read-only. */
  'runs:evaluations': z
    .object({
      runDir: path,
      offset: z.number().int().min(0),
      limit: z.number().int().min(0).max(5000),
      sort: evaluationSortSchema.optional(),
      filter: evaluationFilterSchema.optional(),
    })
    .strict(),
  /** One journal row in full, with the command line that evaluates it again. */
  'runs:evaluation': z.object({ runDir: path, row: z.number().int().min(0) }).strict(),
  /** At most `maxRows` evaluations as columns (evenly spaced), for the analysis views. */
  'runs:evaluation-sample': z
    .object({ runDir: path, maxRows: z.number().int().min(10).max(200_000) })
    .strict(),
  /** The per-generation log (generations.jsonl) from byte `from` on. */
  'runs:generations': z.object({ runDir: path, from: z.number().int().min(0) }).strict(),
  /** Electron only: native open dialog. */
  'dialog:open-file': z.object({ kind: z.enum(['executable', 'problem']) }).strict(),
  /** Electron only: native save dialog; writes `content` there when given, and returns the path. */
  'dialog:save-file': z
    .object({
      suggestedName: z.string().min(1).max(255),
      content: z.string().max(200_000_000).optional(),
      /** Starting folder of the dialog. */
      defaultDir: z.string().max(MAX_PATH).optional(),
    })
    .strict(),
  ...trainRequestSchemas,
} as const satisfies Record<InvokeChannel, z.ZodType>;

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof requestSchemas)[C]>;

export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Validates a request payload; the error names the channel and the offending field. */
export function parseRequest<C extends InvokeChannel>(
  channel: C,
  payload: unknown,
): z.output<(typeof requestSchemas)[C]> {
  const schema = requestSchemas[channel];
  // zod's copies drop a `__proto__` key without a word; refuse it instead (JSON.parse keeps it).
  const protoKey = findProtoKey(payload);
  if (protoKey) {
    throw new RequestError(
      `${channel}: invalid request (${protoKey.map(String).join('.')}: ${reservedNameMessage('__proto__')})`,
    );
  }
  const result = schema.safeParse(payload ?? {});
  if (!result.success) {
    const detail = result.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`)
      .join('; ');
    throw new RequestError(`${channel}: invalid request (${detail})`);
  }
  return result.data as z.output<(typeof requestSchemas)[C]>;
}

/* ------------------------------------------------------------------ response types */

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
  runsDir: string;
  examplesDir: string;
  /** Folder the file browser starts in. */
  cwd: string;
  /** A built-in objective is tabulated in the renderer for heat maps. */
  builtinHeatMaps: boolean;
  /** Protocols and problem limits (engine/problem/catalog.ts); strategies come from strategies:list. */
  catalog: ProblemCatalog;
}

export interface ExampleInfo {
  name: string;
  path: string;
  description?: string;
  /** Objective kind, for the list's badge. */
  kind: 'builtin' | 'module' | 'command' | 'train' | 'unknown';
}

export interface FileEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
  executable: boolean;
}

export interface FileListing {
  dir: string;
  parent: string | null;
  entries: FileEntry[];
}

export interface OpenedProblem {
  draft: ProblemDraft;
  baseDir: string;
  /** File the draft came from (absent for a new problem around an executable). */
  path?: string;
  /** The engine's complaint when the file does not validate (it is still opened for editing). */
  error?: string;
}

export type ValidationResult =
  { ok: true; dimension: number; freeNames: string[] } | { ok: false; errors: string[] };

export interface ProbeResult {
  params: Record<string, number>;
  fitness: number | null;
  ms: number;
  error?: string;
  stderrTail?: string;
  stdoutTail?: string;
  extras?: Record<string, unknown>;
}

export interface RunStarted {
  runDir: string;
}

export interface RunSummary {
  runDir: string;
  name: string;
  createdAt: string;
  status: RunStatus | 'interrupted';
  strategy?: string;
  evaluations: number;
  bestFitness: number | null;
  stopReason?: string;
}

/** Per-generation series of a run, decimated to at most `maxPoints` generations. */
export interface RunCurve {
  evaluations: number[];
  bestSoFar: (number | null)[];
  generationMin: (number | null)[];
  generationMedian: (number | null)[];
}

export interface FailureInfo {
  index: number;
  error: string;
  stderrTail?: string;
  /** The parameters the evaluation failed at. */
  params?: Record<string, number>;
}

export interface RunDetail {
  summary: RunSummary;
  problem: ProblemDraft | null;
  best: { params: Record<string, number>; fitness: number } | null;
  curve: RunCurve;
  failures: FailureInfo[];
  failedEvaluations: number;
  /**
   * Present when `partial` was asked for and the journal (a long one, first opened) is still
   * being read: the curve and failures are those of the rows read so far; ask again.
   */
  reading?: { bytesRead: number; bytes: number };
}

/** One run in the backend's registry of live runs. */
export interface LiveRunInfo {
  runDir: string;
  name: string;
  status: RunStatus;
  evaluations: number;
  /** When this backend started (or resumed) it, ISO time. */
  startedAt: string;
}

/**
 * A live run as a page attaching to it needs it: what happened before this backend took it
 * up (a resumed run's curve, read from its journal) and the views sent since, bounded for
 * long runs (older views thinned, bulky samples and shapes kept only for the recent ones).
 * Events that arrive later continue it; views at or below the last evaluation count are
 * duplicates.
 */
export interface LiveRunSnapshot extends LiveRunInfo {
  live: true;
  /** `seq` of the last status event sent before this snapshot (older events are stale). */
  statusSeq: number;
  problem: ProblemDraft | null;
  earlier: RunCurve;
  earlierBest: { params: Record<string, number>; fitness: number } | null;
  generations: GenerationView[];
  failures: FailureInfo[];
  failedEvaluations: number;
}

export type RunAttachment = LiveRunSnapshot | { live: false; runDir: string };

export interface ExportedFile {
  filename: string;
  mimeType: string;
  content: string;
}

/** One `evobox worker` as its last heartbeat described it; a queue as the Workers panel reads it. */
export type ExecutorWorker = WorkerHeartbeat;
export type ExecutorStatus = QueueStatus;

/** One row of the evaluations table; `params` and `extras` follow the page's name lists. */
export interface EvaluationRow {
  /** Journal line number (the key for runs:evaluation). */
  row: number;
  index: number;
  generation: number;
  params: number[];
  fitness: number | null;
  extras: (number | string | null)[];
  ms: number;
  worker: number;
  error?: string;
}

export interface EvaluationPage {
  /** Rows in the journal. */
  total: number;
  /** Rows matching the filter. */
  matched: number;
  failed: number;
  offset: number;
  parameterNames: string[];
  extraNames: string[];
  rows: EvaluationRow[];
  /**
   * Present while the journal is still being read (a long one, first opened): `total` and
   * `matched` count the rows read so far; ask again for the rest.
   */
  reading?: { bytesRead: number; bytes: number };
}

/** How to evaluate one record again by hand. */
export interface EvaluationCommand {
  kind: 'executable' | 'in-process';
  protocol?: string;
  argv?: string[];
  /** Working folder the program runs in. */
  cwd?: string;
  env?: Record<string, string>;
  /** What evobox wrote to the program's stdin (json-stdin and line). */
  stdin?: string;
  /** A POSIX shell line doing all of it (cd, env, the piped request). */
  shell: string;
  description?: string;
}

export interface EvaluationDetail {
  row: EvaluationRow;
  params: Record<string, number>;
  extras?: Record<string, unknown>;
  stdoutTail?: string;
  stderrTail?: string;
  command: EvaluationCommand;
}

/** Evaluations as columns for the analysis views (parallel coordinates, slices, importance). */
export interface EvaluationSample {
  total: number;
  parameters: { name: string; lower?: number; upper?: number; scale?: 'linear' | 'log' }[];
  direction: 'minimize' | 'maximize';
  index: number[];
  generation: number[];
  fitness: (number | null)[];
  /** One array per parameter, aligned with `index`. */
  params: number[][];
}

export type { GenerationRecord };

export interface GenerationLog {
  records: GenerationRecord[];
  /** Byte offset to ask from next time. */
  next: number;
}

export interface InvokeResponses {
  'app:info': AppInfo;
  'examples:list': ExampleInfo[];
  'fs:list': FileListing;
  'problem:open': OpenedProblem;
  'problem:from-executable': OpenedProblem;
  'problem:validate': ValidationResult;
  /** The saved draft with relative paths rewritten against the new file's folder. */
  'problem:save': OpenedProblem;
  'problem:probe': ProbeResult;
  'strategies:list': StrategyInfo[];
  'run:start': RunStarted;
  'run:control': { status: RunStatus };
  'run:resume-dir': RunStarted;
  'runs:live': LiveRunInfo[];
  'run:attach': RunAttachment;
  'runs:list': RunSummary[];
  'runs:read': RunDetail;
  'run:export': ExportedFile;
  'executor:status': ExecutorStatus;
  'runs:evaluations': EvaluationPage;
  'runs:evaluation': EvaluationDetail;
  'runs:evaluation-sample': EvaluationSample;
  'runs:generations': GenerationLog;
  'dialog:open-file': { path: string } | null;
  'dialog:save-file': { path: string } | null;
  'train:preview': TrainDataPreview;
  'train:trainers': TrainerInfo[];
  'train:start': { runDir: string };
  'train:control': { status: TrainRunStatus };
  'train:read': TrainRunView;
  'train:list': TrainRunSummary[];
  'train:export': ExportedFile;
  'train:open': TrainProblemDraft;
}

/* ------------------------------------------------------------------ events */

/** A search distribution in internal coordinates (as engine/node/run/types.ts). */
export interface DistributionView {
  mean: number[];
  /** Row-major n×n including σ²; omitted for large n except on the last event of a batch. */
  covariance?: number[];
  stdDevs?: number[];
  stepSize: number;
}

/**
 * One generation as the UI needs it. A fast run's batch merges consecutive generations into
 * one view (the last of them), so views are not necessarily one per generation.
 */
export interface GenerationView {
  generation: number;
  evaluations: number;
  failedEvaluations: number;
  elapsedMs: number;
  /** Best generation value of the generations this view stands for (see compactBatch). */
  min: number | null;
  median: number | null;
  /** Best so far when it changed since the previous view, else null (unchanged). */
  best: { params: Record<string, number>; fitness: number; index: number } | null;
  metrics: Record<string, number>;
  /** Internal coordinates; within a batch only for the last views and a strided subset. */
  samples?: number[][];
  sampleFitness?: (number | null)[];
  distribution: DistributionView | null;
  /** √(largest / smallest eigenvalue) of the covariance (or of the stdDevs²). */
  axisRatio: number | null;
  restart: number;
  restartedBecause?: string;
  stopReason?: string;
}

export interface RunProgressBatch {
  runDir: string;
  generations: GenerationView[];
  failures: FailureInfo[];
}

export interface RunStatusEvent {
  runDir: string;
  status: RunStatus;
  /** Increases with every status event of a backend: orders events against snapshots. */
  seq?: number;
  result?: {
    stopReason: string;
    evaluations: number;
    failedEvaluations: number;
    elapsedMs: number;
    best: { params: Record<string, number>; fitness: number } | null;
    error?: string;
  };
}

export interface EventPayloads {
  'run:progress': RunProgressBatch;
  'run:status': RunStatusEvent;
}

// Every event channel has a payload type and vice versa.
type AssertSame<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const eventChannelsMatch: AssertSame<keyof EventPayloads, EventChannel> = true;
export const invokeChannelsMatch: AssertSame<keyof InvokeResponses, InvokeChannel> = true;

/* ------------------------------------------------------------------ the API the renderer sees */

export type InvokeResult<C extends InvokeChannel> = InvokeResponses[C];

/**
 * The transport's link to the backend: browser mode watches a heartbeat on its event stream
 * and says `lost` within ~2 s of the server going away, then reconnects by itself.
 */
export type ConnectionState = 'connecting' | 'connected' | 'lost';

/** Browser mode's event stream sends this event every 500 ms (transport only, no payload). */
export const heartbeatEvent = 'heartbeat';

export interface EvoboxApi {
  readonly mode: 'electron' | 'browser';
  /** Connection changes (Electron's IPC is always connected and may leave this out). */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponses[C]>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** The object the Electron preload puts on `window.evobox`. */
export interface PreloadBridge {
  invoke(channel: string, request: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** Wire format of an invoke answer (HTTP body, and IPC between main and the engine host). */
export type InvokeEnvelope = { ok: true; value: unknown } | { ok: false; error: string };

/* ------------------------------------------------------------------ train a model: responses (append-only) */

export interface TrainDataPreview {
  path: string;
  columns: string[];
  /** The first rows, cells as read. */
  rows: string[][];
  rowCount: number;
  /** Columns whose previewed cells are all numbers (the ones X and Y can be). */
  numeric: string[];
}

export type TrainerInfo = StrategyInfo & { needsGradient: boolean };

export type TrainRunStatus = 'running' | 'paused' | 'stopped' | 'completed' | 'failed' | 'interrupted';

/** One journal line of a training run. */
export type TrainJournalLine = TrainStepRecord;

export interface TrainRunSummary {
  runDir: string;
  name: string;
  trainer: string;
  status: TrainRunStatus;
  createdAt: string;
  steps: number;
  fCalls: number;
  failures: number;
  validationLoss: number | null;
}

export interface TrainRunView extends TrainRunSummary {
  inputs: string[];
  targets: string[];
  outputs: string[];
  budget: { steps?: number; fCalls?: number };
  /** Journal lines from the requested index on; `total` is the journal's length. */
  journal: TrainJournalLine[];
  total: number;
  /** F(x, NN(x)) and targets of the validation rows at the last validation. */
  predictions: { step: number; fCalls: number; targets: number[][]; predictions: (number[] | null)[] } | null;
  error?: string;
}
