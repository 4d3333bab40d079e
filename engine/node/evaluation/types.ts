/**
 * The objective configurations the evaluation layer accepts and the results it returns.
 * The objective shapes are the pure problem model's (engine/problem/schema.ts), inferred from
 * its zod schema; the node loader (engine/node/problem) resolves their relative paths
 * (module, command, cwd, templates[].source) to absolute ones before they reach the
 * evaluator, so here every path is absolute.
 */
import type { Direction } from '../../core/optimizer';
import type { ParamValues } from '../../core/search-space';
import type {
  BuiltinObjective,
  CommandObjective,
  ModuleObjective,
  Objective,
  ResultSource,
  Template,
} from '../../problem/schema';
import type { ProtocolId } from '../../problem/protocols';

export type { Direction, ParamValues };

/** One of the built-in test functions, evaluated in-process (or chunked onto threads). */
export type BuiltinObjectiveConfig = BuiltinObjective;

/** A JS/TS module (absolute path) whose export is called once per evaluation. */
export type ModuleObjectiveConfig = ModuleObjective;

/** The catalog in engine/problem/protocols.ts is the one list of protocols. */
export type ExecutableProtocol = ProtocolId;

/** A template file (absolute `source`) rendered into the evaluation's scratch directory. */
export type TemplateConfig = Template;

/** Where the fitness is read from: stdout's last line, a regex, or a result file. */
export type ResultConfig = ResultSource;

/** An external program (absolute `command`, or a bare name found on PATH); never run through a shell. */
export type ExecutableObjectiveConfig = CommandObjective;

export type ObjectiveConfig = Objective;

export function isBuiltinObjective(objective: ObjectiveConfig): objective is BuiltinObjectiveConfig {
  return 'builtin' in objective;
}
export function isModuleObjective(objective: ObjectiveConfig): objective is ModuleObjectiveConfig {
  return 'module' in objective;
}
export function isExecutableObjective(objective: ObjectiveConfig): objective is ExecutableObjectiveConfig {
  return 'command' in objective;
}

export interface EvaluationJob {
  /** Global evaluation index (the `{id}` placeholder and the JSON request id). */
  index: number;
  params: ParamValues;
  /**
   * `params`' values in the evaluator's `parameterNames` order, when the caller has them as
   * numbers (the run loop does): evaluators that need only the numbers (packed module chunks,
   * built-ins) read these and leave `params` unread, which the run loop builds on first read.
   */
  values?: ArrayLike<number>;
  /** Internal coordinates; informational, objectives receive `params`. */
  x?: ArrayLike<number>;
  /**
   * A batched request (`evobox train`'s `blackBox.batch`): the program receives
   * `{"id", "batch": [params, …]}` instead of `params` and answers `{"y": [[…], …]}`, one
   * row per item; engine/node/train checks the rows. Line and json-stdin protocols only.
   */
  batch?: ParamValues[];
}

export interface EvaluationResult {
  /** The objective's value, or null when the evaluation failed. */
  fitness: number | null;
  /** Other fields of a JSON result object (`{"fitness": 1, "loss": 2}` → `{ loss: 2 }`). */
  extras?: Record<string, unknown>;
  /** Why the evaluation failed (short, one line). */
  error?: string;
  /** The last ~2 KB of the program's stderr on failure, ≤ 1 KB on success (when not empty). */
  stderrTail?: string;
  /** The last ≤ 1 KB of the program's stdout (one-shot protocols), for the evaluation's details. */
  stdoutTail?: string;
  /** Wall-clock milliseconds spent on this evaluation. */
  ms: number;
  /** Which worker evaluated it, 0..workers−1. */
  worker: number;
  /** The machine that evaluated it, set by distributed executors (journaled as `host`). */
  host?: string;
}

export interface EvaluatorOptions {
  /** Worker threads. Built-ins run in the calling thread when ≤ 1. Default 1. */
  workers?: number;
  /** Default working directory for executables (the problem file's folder). */
  cwd: string;
  /** Root for per-evaluation scratch directories. Default: a fresh temporary directory. */
  scratchDir?: string;
  /** Seeds built-in noise. */
  seed?: number | string;
  /** Number of parameters (built-ins). Default: parameterNames.length or the built-in's own. */
  dimension?: number;
  /** Parameter names in declaration order: the built-ins' vector order, the known placeholders. */
  parameterNames: string[];
  /** Keep scratch directories: never (default), of failed evaluations, or always. */
  keepScratch?: 'never' | 'failed' | 'always';
  /** Cap on stdout per evaluation (and per reply line for `line`). Default 1 MiB. */
  maxOutputBytes?: number;
}

export interface Evaluator {
  readonly workers: number;
  /** Evaluates the jobs in parallel; results come back in job order. */
  evaluate(jobs: EvaluationJob[]): Promise<EvaluationResult[]>;
  /** Stops the worker threads and kills their child processes. */
  close(): Promise<void>;
}
