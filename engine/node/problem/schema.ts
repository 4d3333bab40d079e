/**
 * The problem file (`*.problem.json` / `problem.json`): validated with zod, unknown fields
 * rejected, every error naming its field (`parameters[2].lower: expected a number`).
 * Relative paths (command, module, templates, cwd) resolve against the problem file's folder.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { boundaryMaps, SearchSpace, type BoundaryMap, type ParameterSpec } from '../../core/search-space';
import { builtinFunctions } from '../../objectives/index';
import { protocolIds } from '../../problem/protocols';
import { parseExecutorConfig, type ExecutorConfig } from '../executors/index';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const direction = z.enum(['minimize', 'maximize']).optional();

const builtinObjective = z
  .object({
    builtin: z.string(),
    dimension: z.number().int().min(1).optional(),
    noise: z.number().min(0).optional(),
    direction,
  })
  .strict();

const moduleObjective = z
  .object({
    module: z.string().min(1),
    export: z.string().min(1).optional(),
    direction,
    timeoutSeconds: z.number().positive().optional(),
  })
  .strict();

const commandObjective = z
  .object({
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    protocol: z.enum(protocolIds).default('args'),
    timeoutSeconds: z.number().positive().optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().optional(),
    templates: z
      .array(z.object({ source: z.string().min(1), target: z.string().min(1) }).strict())
      .optional(),
    result: z
      .object({ regex: z.string().min(1).optional(), file: z.string().min(1).optional() })
      .strict()
      .optional(),
    direction,
  })
  .strict();

const parameter = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_.-]*$/,
        'expected a name of letters, digits, _ . - (not starting with a digit)',
      ),
    lower: finite.optional(),
    upper: finite.optional(),
    scale: z.enum(['linear', 'log']).optional(),
    type: z.enum(['real', 'integer']).optional(),
    init: finite.optional(),
    fixed: finite.optional(),
  })
  .strict();

const problemFile = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . - (it names the run folder)'),
    description: z.string().optional(),
    objective: z.record(z.string(), z.unknown()),
    parameters: z.array(parameter).min(1).optional(),
    strategy: z
      .object({ name: z.string(), options: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .default({ name: 'cma-es' }),
    budget: z
      .object({
        evaluations: z.number().int().positive().optional(),
        seconds: z.number().positive().optional(),
        target: finite.optional(),
      })
      .strict()
      .optional(),
    stop: z
      .object({
        tolX: z.number().positive().optional(),
        tolFun: z.number().positive().optional(),
        stagnationGenerations: z.number().int().positive().optional(),
        tolFlatFitness: z.number().int().min(0).optional(),
        maxConsecutiveFailures: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    restarts: z
      .object({
        mode: z.enum(['none', 'ipop', 'bipop']),
        maxRestarts: z.number().int().min(0).optional(),
        populationFactor: z.number().min(1).optional(),
      })
      .strict()
      .optional(),
    seed: z.number().int().min(0).optional(),
    workers: z.number().int().min(1).max(256).optional(),
    /** Where evaluations run; each kind's own fields are checked by its executor (engine/node/executors). */
    executor: z.looseObject({ kind: z.string() }).optional(),
    checkpointSeconds: z.number().positive().optional(),
    /** How internal coordinates map onto bounded ranges (engine/core/search-space.ts). */
    boundary: z.enum(boundaryMaps).optional(),
  })
  .strict();

export type BuiltinObjective = z.infer<typeof builtinObjective>;
export type ModuleObjective = z.infer<typeof moduleObjective>;
export type CommandObjective = z.infer<typeof commandObjective>;
export type Objective = BuiltinObjective | ModuleObjective | CommandObjective;

export interface Problem {
  name: string;
  description?: string;
  objective: Objective;
  parameters: ParameterSpec[];
  strategy: { name: string; options?: Record<string, unknown> };
  budget: { evaluations?: number; seconds?: number; target?: number };
  stop?: z.infer<typeof problemFile>['stop'];
  restarts?: z.infer<typeof problemFile>['restarts'];
  seed: number;
  workers: number;
  /** Where evaluations run (default: this machine's pool). */
  executor?: ExecutorConfig;
  checkpointSeconds?: number;
  boundary?: BoundaryMap;
  /** Folder relative paths were resolved against. */
  baseDir: string;
}

export class ProblemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProblemError';
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
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

function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProblemError(describeIssues(result.error, prefix));
  return result.data;
}

function resolveCommand(command: string, baseDir: string): string {
  if (command.includes('/')) return isAbsolute(command) ? command : resolve(baseDir, command);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking along PATH
    }
  }
  throw new ProblemError(`objective.command: ${JSON.stringify(command)} was not found on PATH`);
}

function checkExecutable(path: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new ProblemError(`objective.command: ${path} does not exist`);
  }
  if (!stats.isFile()) throw new ProblemError(`objective.command: ${path} is not a file`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new ProblemError(
      `objective.command: ${path} is not executable (chmod +x it, or run it through an interpreter)`,
    );
  }
}

function parseObjective(raw: Record<string, unknown>, baseDir: string): Objective {
  if ('builtin' in raw) {
    const objective = parseWith(builtinObjective, raw, 'objective');
    if (!builtinFunctions[objective.builtin]) {
      throw new ProblemError(
        `objective.builtin: expected one of ${Object.keys(builtinFunctions).join(', ')} (got ${JSON.stringify(objective.builtin)})`,
      );
    }
    return objective;
  }
  if ('module' in raw) {
    const objective = parseWith(moduleObjective, raw, 'objective');
    const path = resolve(baseDir, objective.module);
    try {
      statSync(path);
    } catch {
      throw new ProblemError(`objective.module: ${path} does not exist`);
    }
    return { ...objective, module: path };
  }
  if ('command' in raw) {
    const objective = parseWith(commandObjective, raw, 'objective');
    const command = resolveCommand(objective.command, baseDir);
    checkExecutable(command);
    const templates = objective.templates?.map((t, i) => {
      const source = resolve(baseDir, t.source);
      try {
        statSync(source);
      } catch {
        throw new ProblemError(`objective.templates[${i}].source: ${source} does not exist`);
      }
      if (isAbsolute(t.target) || t.target.split(/[\\/]/).includes('..')) {
        throw new ProblemError(
          `objective.templates[${i}].target: expected a relative path inside the work folder`,
        );
      }
      return { source, target: t.target };
    });
    if (objective.result?.regex !== undefined) {
      let regex: RegExp;
      try {
        regex = new RegExp(objective.result.regex);
      } catch (error) {
        throw new ProblemError(`objective.result.regex: ${(error as Error).message}`);
      }
      const groups = new RegExp(`${regex.source}|`).exec('')!.length - 1;
      if (groups < 1)
        throw new ProblemError('objective.result.regex: expected one capture group around the number');
    }
    return {
      ...objective,
      command,
      cwd: resolve(baseDir, objective.cwd ?? '.'),
      ...(templates ? { templates } : {}),
    };
  }
  throw new ProblemError('objective: expected one of the fields "command", "module" or "builtin"');
}

function defaultParameters(objective: Objective): ParameterSpec[] {
  if (!('builtin' in objective))
    throw new ProblemError('parameters: required (a list of {name, lower, upper, …})');
  const fn = builtinFunctions[objective.builtin];
  const n = fn.fixedDimension ?? objective.dimension ?? 2;
  const [lower, upper] = fn.domain;
  return Array.from({ length: n }, (_, i) => ({ name: `x${i + 1}`, lower, upper }));
}

function parseExecutor(raw: unknown): ExecutorConfig {
  try {
    return parseExecutorConfig(raw);
  } catch (error) {
    throw new ProblemError((error as Error).message);
  }
}

/** Validates a parsed problem object; `baseDir` is where relative paths start. */
export function parseProblem(json: unknown, baseDir: string): Problem {
  const file = parseWith(problemFile, json);
  const objective = parseObjective(file.objective, baseDir);
  const parameters = file.parameters ?? defaultParameters(objective);
  const names = new Set<string>();
  parameters.forEach((p, i) => {
    if (names.has(p.name))
      throw new ProblemError(`parameters[${i}].name: duplicate name ${JSON.stringify(p.name)}`);
    names.add(p.name);
  });
  try {
    new SearchSpace(parameters, { boundary: file.boundary });
  } catch (error) {
    throw new ProblemError((error as Error).message);
  }
  if ('builtin' in objective) {
    const fn = builtinFunctions[objective.builtin];
    const free = parameters.length;
    if (fn.fixedDimension !== undefined && free !== fn.fixedDimension) {
      throw new ProblemError(`parameters: ${fn.id} takes ${fn.fixedDimension} parameter(s) (got ${free})`);
    }
    if (objective.dimension !== undefined && objective.dimension !== free) {
      throw new ProblemError(
        `objective.dimension: ${objective.dimension} does not match the ${free} parameters`,
      );
    }
  }
  return {
    name: file.name,
    description: file.description,
    objective,
    parameters,
    strategy: file.strategy,
    budget: file.budget ?? {},
    stop: file.stop,
    restarts: file.restarts,
    seed: file.seed ?? 1,
    workers: file.workers ?? 1,
    ...(file.executor ? { executor: parseExecutor(file.executor) } : {}),
    checkpointSeconds: file.checkpointSeconds,
    ...(file.boundary ? { boundary: file.boundary } : {}),
    baseDir,
  };
}

/** Reads and validates a problem file. Throws ProblemError with field-named messages. */
export function loadProblem(path: string): Problem {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProblemError(
      `cannot read problem file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProblemError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseProblem(json, dirname(resolve(path)));
}

/** The problem as a JSON problem file again (absolute paths), for run folders and "Save problem". */
export function problemToJson(problem: Problem): Record<string, unknown> {
  const { baseDir: _baseDir, ...rest } = problem;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
