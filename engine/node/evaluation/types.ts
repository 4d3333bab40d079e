/**
 * The objective configurations the evaluation layer accepts and the results it returns.
 * The problem-file schema (engine/node/problem) validates user JSON into these shapes and
 * resolves relative paths (module, command, cwd, templates[].source) to absolute ones
 * before they reach the evaluator.
 */
import type { Direction } from '../../core/optimizer';
import type { BuiltinObjectiveSpec } from '../../objectives/builtin';

export type { Direction };

/** One of the built-in test functions, evaluated in-process (or chunked onto threads). */
export interface BuiltinObjectiveConfig extends BuiltinObjectiveSpec {
  builtin: string;
  /** Dimension when the problem gives no parameters. Default 10. */
  dimension?: number;
  /** Standard deviation of additive Gaussian noise. Default 0. */
  noise?: number;
  direction?: Direction;
}

/**
 * A JS/TS module whose export is called once per evaluation:
 * `evaluate(params, context) => number | { fitness, ...extras } | Promise<…>`.
 * Imported once per worker thread.
 */
export interface ModuleObjectiveConfig {
  /** Absolute path of the module (.mjs, .js, .ts). */
  module: string;
  /** Name of the exported function. Default `evaluate`. */
  export?: string;
  direction?: Direction;
  /**
   * Seconds one call may take; past it the evaluation fails and its worker thread is stopped
   * and replaced (a hung synchronous loop cannot be interrupted any other way). No limit when unset.
   */
  timeoutSeconds?: number;
}

export type ExecutableProtocol = 'args' | 'json-stdin' | 'line';

export interface TemplateConfig {
  /** Absolute path of the template file. */
  source: string;
  /** Path relative to the evaluation's scratch directory (placeholders allowed). */
  target: string;
}

export interface ResultConfig {
  /**
   * A regular expression (JavaScript syntax, `^`/`$` match at line ends) with one capture
   * group; the last match's group is the fitness.
   */
  regex?: string;
  /**
   * Read the result from this file after the process exits (placeholders `{workdir}`, `{id}`
   * allowed), relative to the process's working directory (the scratch directory when
   * templates are used). Without `regex`, its last non-empty line is parsed like stdout.
   * A file outside a scratch directory is deleted before each evaluation, so a stale one is
   * never scored; with several workers it must be per evaluation (templates, `{workdir}` or
   * `{id}`). With `line` the reply line is the process's signal that the file is ready.
   */
  file?: string;
}

/** An external program; never run through a shell. */
export interface ExecutableObjectiveConfig {
  /** Absolute path, or a bare name looked up on PATH. */
  command: string;
  /**
   * Argument array; `{name}` placeholders for parameters plus `{workdir}` (the evaluation's
   * scratch directory), `{id}` (the evaluation index) and `{problemdir}` (the problem file's
   * folder — with templates the process runs in its scratch directory, so a script next to
   * the problem file is `{problemdir}/script.py`).
   */
  args?: string[];
  protocol: ExecutableProtocol;
  /**
   * Per evaluation. For `line`: per reply, counted from the previous reply (for a fresh
   * process the first reply's time includes its start-up). Default 30.
   */
  timeoutSeconds?: number;
  /** Added to (and overriding) the inherited environment. */
  env?: Record<string, string>;
  /** Working directory (absolute). Default: the problem file's folder, passed as `cwd`. */
  cwd?: string;
  templates?: TemplateConfig[];
  result?: ResultConfig;
  direction?: Direction;
}

export type ObjectiveConfig = BuiltinObjectiveConfig | ModuleObjectiveConfig | ExecutableObjectiveConfig;

export function isBuiltinObjective(objective: ObjectiveConfig): objective is BuiltinObjectiveConfig {
  return 'builtin' in objective;
}
export function isModuleObjective(objective: ObjectiveConfig): objective is ModuleObjectiveConfig {
  return 'module' in objective;
}
export function isExecutableObjective(objective: ObjectiveConfig): objective is ExecutableObjectiveConfig {
  return 'command' in objective;
}

export type ParamValues = Record<string, number>;

export interface EvaluationJob {
  /** Global evaluation index (the `{id}` placeholder and the JSON request id). */
  index: number;
  params: ParamValues;
  /** Internal coordinates; informational, objectives receive `params`. */
  x?: ArrayLike<number>;
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
