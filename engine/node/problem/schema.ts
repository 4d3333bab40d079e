/**
 * Loads a problem file (`*.problem.json` / `problem.json`): the pure problem model
 * (engine/problem: schema, limits, every rule that needs no file system) plus what needs
 * Node — reading the file, resolving relative paths (command, module, templates, cwd)
 * against the problem file's folder, PATH lookup, and checking that the executable, the
 * module and the templates exist. Every error names its field.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import {
  ProblemError,
  type BuiltinObjective,
  type CommandObjective,
  type ModuleObjective,
  type Objective,
  type ProblemModel,
} from '../../problem/schema';
import { checkProblem } from '../../problem/validate';
import { parseExecutorConfig } from '../executors/index';

export { ProblemError };
export type { BuiltinObjective, CommandObjective, ModuleObjective, Objective };

/**
 * A validated problem whose paths are absolute: `objective.command` (looked up on PATH when
 * bare), `objective.module`, `objective.cwd` (always set for a command) and
 * `objective.templates[].source`.
 */
export interface Problem extends ProblemModel {
  /** Folder relative paths were resolved against. */
  baseDir: string;
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

function resolveModule(objective: ModuleObjective, baseDir: string): ModuleObjective {
  const path = resolve(baseDir, objective.module);
  try {
    statSync(path);
  } catch {
    throw new ProblemError(`objective.module: ${path} does not exist`);
  }
  return { ...objective, module: path };
}

function resolveCommandObjective(objective: CommandObjective, baseDir: string): CommandObjective {
  const command = resolveCommand(objective.command, baseDir);
  checkExecutable(command);
  const templates = objective.templates?.map((t, i) => {
    const source = resolve(baseDir, t.source);
    try {
      statSync(source);
    } catch {
      throw new ProblemError(`objective.templates[${i}].source: ${source} does not exist`);
    }
    return { source, target: t.target };
  });
  return {
    ...objective,
    command,
    cwd: resolve(baseDir, objective.cwd ?? '.'),
    ...(templates ? { templates } : {}),
  };
}

function resolveObjective(objective: Objective, baseDir: string): Objective {
  if ('module' in objective) return resolveModule(objective, baseDir);
  if ('command' in objective) return resolveCommandObjective(objective, baseDir);
  return objective;
}

/** Validates a parsed problem object; `baseDir` is where relative paths start. */
export function parseProblem(json: unknown, baseDir: string): Problem {
  const model = checkProblem(json);
  // The executor kind's own fields (engine/node/executors), with the field named.
  let executor = model.executor;
  if (executor) {
    try {
      executor = parseExecutorConfig(executor);
    } catch (error) {
      throw new ProblemError((error as Error).message);
    }
  }
  return {
    ...model,
    ...(executor ? { executor } : {}),
    objective: resolveObjective(model.objective, baseDir),
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
