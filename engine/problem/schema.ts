/**
 * The problem model, defined once: the problem file's zod schema, the limits it enforces and
 * the types inferred from it. Pure (no Node, no DOM), so the engine, the IPC contract and
 * the renderer all derive their types, limits and checks from this one module.
 *
 * What needs the file system stays in engine/node/problem: reading the file, resolving
 * relative paths against the problem file's folder, looking a command up on PATH, checking
 * that it is executable and that modules and templates exist.
 *
 * Every error names its field (`parameters[2].lower: expected a finite number`).
 */
import { ProblemError } from './problem-error';
import { z } from 'zod';
import type { Direction } from '../core/optimizer';
import { boundaryMaps, type BoundaryMap } from '../core/search-space';
import { problemLimits } from './limits';
import { protocolIds } from './protocols';

/* ------------------------------------------------------------------ limits */

// The limits and defaults are plain data in limits.ts (no zod there), re-exported from here.
export { problemDefaults, problemLimits, type ProblemLimits } from './limits';

const problemNamePattern = new RegExp(problemLimits.name.pattern);
const parameterNamePattern = new RegExp(problemLimits.parameterName.pattern);

/**
 * Names every JavaScript object already has (`__proto__`, `constructor`, `toString`, …).
 * Parameter values travel as objects keyed by name (journal, JSON requests, checkpoints, the
 * UI), where such a key is dropped (`__proto__`) or collides with the inherited property, so
 * these names are refused rather than carried.
 */
export const reservedNames: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

export function reservedNameMessage(name: string): string {
  return `${JSON.stringify(name)} is reserved (every JavaScript object has a property of that name); choose another name`;
}

/** What is wrong with a parameter name, or undefined when it is a valid one. */
export function parameterNameProblem(name: string): string | undefined {
  if (!parameterNamePattern.test(name)) return problemLimits.parameterName.message;
  if (name.length > problemLimits.parameterName.maxLength)
    return `expected at most ${problemLimits.parameterName.maxLength} characters`;
  if (reservedNames.has(name)) return reservedNameMessage(name);
  return undefined;
}

/**
 * The path of the first own `__proto__` key in parsed JSON. JSON.parse keeps such a key, but
 * copying the object (as zod's records do) drops it silently, so it is refused up front.
 */
export function findProtoKey(value: unknown, path: PropertyKey[] = []): PropertyKey[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findProtoKey(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [...path, key];
    const found = findProtoKey((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/* ------------------------------------------------------------------ field schemas */

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const direction = z.enum(['minimize', 'maximize']).optional() satisfies z.ZodType<Direction | undefined>;

export const builtinObjectiveSchema = z
  .object({
    builtin: z.string(),
    /** Dimension when the problem gives no parameters. Default 2 (or the function's own). */
    dimension: z.number().int().min(1).optional(),
    /** Standard deviation of additive Gaussian noise. Default 0. */
    noise: z.number().min(0).optional(),
    direction,
  })
  .strict();

/**
 * A JS/TS module whose export is called once per evaluation:
 * `evaluate(params, context) => number | { fitness, ...extras } | Promise<…>`.
 * Imported once per worker thread.
 */
export const moduleObjectiveSchema = z
  .object({
    /** Path of the module (.mjs, .js, .ts); absolute once the node loader resolved it. */
    module: z.string().min(1),
    /** Name of the exported function. Default `evaluate`. */
    export: z.string().min(1).optional(),
    direction,
    /**
     * Seconds one call may take; past it the evaluation fails and its worker thread is stopped
     * and replaced (a hung synchronous loop cannot be interrupted any other way). No limit when unset.
     */
    timeoutSeconds: z.number().positive().optional(),
    /**
     * Calls the module on the run's own thread instead of a worker thread: no copying of
     * candidates and results between threads, which for a cheap objective is most of a
     * generation (pycma's `es.optimize(f)` calls f in process too). Needs `workers: 1` and no
     * `timeoutSeconds` (a hung call cannot be stopped on the run's thread, and a crash of the
     * module is a crash of the run). Default false.
     */
    inline: z.boolean().optional(),
    /**
     * What the function receives: `params` (default), an object of named values, or `vector`,
     * a Float64Array of every parameter's value in declaration order (its own copy), as pycma
     * and evosax pass x. With thousands of parameters a vector is far cheaper to build and read
     * than an object with that many keys.
     */
    input: z.enum(['params', 'vector']).optional(),
  })
  .strict();

export const templateSchema = z
  .object({
    /** Path of the template file; absolute once the node loader resolved it. */
    source: z.string().min(1),
    /** Path relative to the evaluation's scratch directory (placeholders allowed). */
    target: z.string().min(1),
  })
  .strict();

export const resultSchema = z
  .object({
    /**
     * A regular expression (JavaScript syntax, `^`/`$` match at line ends) with one capture
     * group; the last match's group is the fitness.
     */
    regex: z.string().min(1).optional(),
    /**
     * Read the result from this file after the process exits (placeholders `{workdir}`, `{id}`
     * allowed), relative to the process's working directory (the scratch directory when
     * templates are used). Without `regex`, its last non-empty line is parsed like stdout.
     * A file outside a scratch directory is deleted before each evaluation, so a stale one is
     * never scored; with several workers it must be per evaluation (templates, `{workdir}` or
     * `{id}`). With `line` the reply line is the process's signal that the file is ready.
     */
    file: z.string().min(1).optional(),
  })
  .strict();

/** An external program; never run through a shell. */
export const commandObjectiveSchema = z
  .object({
    /** Path (relative to the problem file) or a bare name looked up on PATH; absolute once resolved. */
    command: z.string().min(1),
    /**
     * Argument array; `{name}` placeholders for parameters plus `{workdir}` (the evaluation's
     * scratch directory), `{id}` (the evaluation index) and `{problemdir}` (the problem file's
     * folder — with templates the process runs in its scratch directory, so a script next to
     * the problem file is `{problemdir}/script.py`).
     */
    args: z.array(z.string()).optional(),
    protocol: z.enum(protocolIds).default('args'),
    /**
     * Per evaluation. For `line`: per reply, counted from the previous reply (for a fresh
     * process the first reply's time includes its start-up). Default 30.
     */
    timeoutSeconds: z.number().positive().optional(),
    /** Added to (and overriding) the inherited environment. */
    env: z.record(z.string(), z.string()).optional(),
    /** Working directory. Default: the problem file's folder; absolute once resolved. */
    cwd: z.string().optional(),
    templates: z.array(templateSchema).optional(),
    result: resultSchema.optional(),
    direction,
  })
  .strict();

/** The three objective kinds, told apart by their key field. */
export const objectiveKinds = {
  builtin: builtinObjectiveSchema,
  module: moduleObjectiveSchema,
  command: commandObjectiveSchema,
} as const;

/**
 * Value rules apply to problem files; drafts (what the UI edits) get the same fields and
 * types without them, so the engine reports a bad value as a field-named validation error
 * instead of the transport refusing the request.
 */
function parameterObject(rules: boolean) {
  const number = rules ? finite : z.number();
  const name = z.string().max(problemLimits.parameterName.maxLength);
  return z
    .object({
      name: rules
        ? name.regex(parameterNamePattern, problemLimits.parameterName.message).superRefine((value, ctx) => {
            if (reservedNames.has(value))
              ctx.addIssue({ code: 'custom', message: reservedNameMessage(value) });
          })
        : name,
      lower: number.optional(),
      upper: number.optional(),
      scale: z.enum(['linear', 'log']).optional(),
      type: z.enum(['real', 'integer']).optional(),
      init: number.optional(),
      fixed: number.optional(),
    })
    .strict();
}

/** One parameter of the problem file (bounds, scale and type are checked by the search space). */
export const parameterSchema = parameterObject(true);
/** One row of the UI's parameter table: the fields and types of `parameterSchema`. */
export const parameterDraftSchema = parameterObject(false);

export const strategyChoiceSchema = z
  .object({
    name: z.string().max(problemLimits.name.maxLength),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const budgetSchema = z
  .object({
    evaluations: z.number().int().positive().optional(),
    seconds: z.number().positive().optional(),
    target: finite.optional(),
  })
  .strict();

const stopSchema = z
  .object({
    tolX: z.number().positive().optional(),
    tolFun: z.number().positive().optional(),
    stagnationGenerations: z.number().int().positive().optional(),
    tolFlatFitness: z.number().int().min(0).optional(),
    maxConsecutiveFailures: z.number().int().positive().optional(),
  })
  .strict();

const restartsSchema = z
  .object({
    mode: z.enum(['none', 'ipop', 'bipop']),
    maxRestarts: z.number().int().min(0).optional(),
    populationFactor: z.number().min(1).optional(),
  })
  .strict();

/**
 * Where evaluations run (default: the local worker pool). Only `kind` is checked here; each
 * executor kind validates its own fields (engine/node/executors).
 */
export const executorChoiceSchema = z.object({ kind: z.string().min(1) }).passthrough();

/** The problem file's top level. The objective is checked per kind (see `objectiveKinds`). */
export const problemFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().max(problemLimits.name.maxLength).regex(problemNamePattern, problemLimits.name.message),
    description: z.string().max(problemLimits.description.maxLength).optional(),
    objective: z.record(z.string(), z.unknown()),
    parameters: z.array(parameterSchema).min(1).max(problemLimits.parameters.max).optional(),
    strategy: strategyChoiceSchema.default({ name: 'cma-es' }),
    budget: budgetSchema.optional(),
    stop: stopSchema.optional(),
    restarts: restartsSchema.optional(),
    seed: z.number().int().min(problemLimits.seed.min).optional(),
    workers: z.number().int().min(problemLimits.workers.min).max(problemLimits.workers.max).optional(),
    checkpointSeconds: z.number().positive().optional(),
    executor: executorChoiceSchema.optional(),
    /** How internal coordinates map onto bounded ranges (engine/core/search-space.ts). */
    boundary: z.enum(boundaryMaps).optional(),
  })
  .strict();

/**
 * A problem as the UI edits it: the problem file's fields with their types and sizes, unknown
 * fields passed on (the engine names them), values checked by the engine's validation.
 */
export const problemDraftSchema = z
  .object({
    name: z.string().max(problemLimits.name.maxLength),
    description: z.string().max(problemLimits.description.maxLength).optional(),
    objective: z.record(z.string(), z.unknown()),
    parameters: z.array(parameterDraftSchema).max(problemLimits.parameters.max).optional(),
    strategy: strategyChoiceSchema.optional(),
    budget: z
      .object({
        evaluations: z.number().optional(),
        seconds: z.number().optional(),
        target: z.number().optional(),
      })
      .strict()
      .optional(),
    seed: z.number().optional(),
    workers: z.number().optional(),
  })
  .passthrough();

/* ------------------------------------------------------------------ types */

export type BuiltinObjective = z.output<typeof builtinObjectiveSchema>;
export type ModuleObjective = z.output<typeof moduleObjectiveSchema>;
export type CommandObjective = z.output<typeof commandObjectiveSchema>;
export type Objective = BuiltinObjective | ModuleObjective | CommandObjective;
export type ObjectiveKind = keyof typeof objectiveKinds;
export type Template = z.output<typeof templateSchema>;
export type ResultSource = z.output<typeof resultSchema>;
export type ParameterSpec = z.output<typeof parameterSchema>;
export type ParameterDraft = z.output<typeof parameterDraftSchema>;
export type ProblemFile = z.input<typeof problemFileSchema>;
export type ProblemDraft = z.output<typeof problemDraftSchema>;
export type ExecutorChoice = z.output<typeof executorChoiceSchema>;
type ProblemFileOutput = z.output<typeof problemFileSchema>;

/**
 * A validated problem with defaults applied (strategy, seed, workers, generated parameters
 * for a built-in). Paths are as written in the file; the node loader resolves them.
 */
export interface ProblemModel<O extends Objective = Objective> {
  name: string;
  description?: string;
  objective: O;
  parameters: ParameterSpec[];
  strategy: ProblemFileOutput['strategy'];
  budget: NonNullable<ProblemFileOutput['budget']>;
  stop?: ProblemFileOutput['stop'];
  restarts?: ProblemFileOutput['restarts'];
  seed: number;
  workers: number;
  checkpointSeconds?: number;
  executor?: ExecutorChoice;
  boundary?: BoundaryMap;
}

/* ------------------------------------------------------------------ errors */

export { ProblemError };

/** `['parameters', 2, 'lower']` → `parameters[2].lower`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const base = fieldPath(issue.path);
      const path = [prefix, base].filter(Boolean).join('.').replace('.[', '[');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown field`).join('\n');
      }
      const message = issue.message.replace(/^Invalid input: /, '');
      return `${path || '(problem)'}: ${message}`;
    })
    .join('\n');
}

/** Parses with a schema; a failure throws ProblemError listing every issue by field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProblemError(describeIssues(result.error, prefix));
  return result.data;
}

/** The file's top level, parsed (the objective still a plain record). */
export type ParsedProblemFile = ProblemFileOutput;

export function parseProblemFile(json: unknown): ParsedProblemFile {
  const protoKey = findProtoKey(json);
  if (protoKey) throw new ProblemError(`${fieldPath(protoKey)}: ${reservedNameMessage('__proto__')}`);
  return parseWith(problemFileSchema, json);
}
