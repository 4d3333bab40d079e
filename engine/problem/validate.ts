/**
 * The problem model's rules that need no file system: the objective's kind and fields, the
 * built-in's name and dimension, parameter names, bounds (through the search space itself),
 * result regexes and template targets. The node loader (engine/node/problem) runs this and
 * then resolves paths; the GUI's "validate" reaches it through the backend.
 */
import { SearchSpace, type BoundaryMap } from '../core/search-space';
import { builtinFunctions } from '../objectives/index';
import { checkArgPlaceholders } from './placeholders';
import {
  objectiveKinds,
  parseProblemFile,
  parseWith,
  problemDefaults,
  ProblemError,
  type Objective,
  type ParameterSpec,
  type ProblemModel,
} from './schema';

function checkObjective(raw: Record<string, unknown>): Objective {
  if ('builtin' in raw) {
    const objective = parseWith(objectiveKinds.builtin, raw, 'objective');
    if (!Object.hasOwn(builtinFunctions, objective.builtin)) {
      throw new ProblemError(
        `objective.builtin: expected one of ${Object.keys(builtinFunctions).join(', ')} (got ${JSON.stringify(objective.builtin)})`,
      );
    }
    return objective;
  }
  if ('module' in raw) return parseWith(objectiveKinds.module, raw, 'objective');
  if ('command' in raw) {
    const objective = parseWith(objectiveKinds.command, raw, 'objective');
    objective.templates?.forEach((template, i) => {
      if (template.target.startsWith('/') || template.target.split(/[\\/]/).includes('..')) {
        throw new ProblemError(
          `objective.templates[${i}].target: expected a relative path inside the work folder`,
        );
      }
    });
    if (objective.result?.regex !== undefined) checkResultRegex(objective.result.regex);
    return objective;
  }
  throw new ProblemError('objective: expected one of the fields "command", "module" or "builtin"');
}

function checkResultRegex(source: string): void {
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (error) {
    throw new ProblemError(`objective.result.regex: ${(error as Error).message}`);
  }
  const groups = new RegExp(`${regex.source}|`).exec('')!.length - 1;
  if (groups < 1)
    throw new ProblemError('objective.result.regex: expected one capture group around the number');
}

function defaultParameters(objective: Objective): ParameterSpec[] {
  if (!('builtin' in objective))
    throw new ProblemError('parameters: required (a list of {name, lower, upper, …})');
  const fn = builtinFunctions[objective.builtin];
  const n = fn.fixedDimension ?? objective.dimension ?? 2;
  const [lower, upper] = fn.domain;
  return Array.from({ length: n }, (_, i) => ({ name: `x${i + 1}`, lower, upper }));
}

function checkParameters(parameters: readonly ParameterSpec[], boundary: BoundaryMap | undefined): void {
  const names = new Set<string>();
  parameters.forEach((p, i) => {
    if (names.has(p.name))
      throw new ProblemError(`parameters[${i}].name: duplicate name ${JSON.stringify(p.name)}`);
    names.add(p.name);
  });
  try {
    new SearchSpace(parameters, { boundary });
  } catch (error) {
    throw new ProblemError((error as Error).message);
  }
}

function checkBuiltinDimension(objective: Objective, parameters: readonly ParameterSpec[]): void {
  if (!('builtin' in objective)) return;
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

/** An inline module runs on the run's thread: one evaluation at a time, and none can be cut short. */
function checkInlineModule(objective: Objective, workers: number): void {
  if (!('module' in objective) || !objective.inline) return;
  if (workers !== 1)
    throw new ProblemError(
      `objective.inline: runs one evaluation at a time on the run's thread, so it needs workers: 1 (got ${workers})`,
    );
  if (objective.timeoutSeconds !== undefined)
    throw new ProblemError(
      "objective.inline: a call on the run's thread cannot be stopped, so it cannot have objective.timeoutSeconds",
    );
}

/**
 * Validates a parsed problem object with every rule that needs no file system, and applies
 * the defaults. Throws ProblemError with field-named messages (one per line).
 */
export function checkProblem(json: unknown): ProblemModel {
  const file = parseProblemFile(json);
  const objective = checkObjective(file.objective);
  const parameters = file.parameters ?? defaultParameters(objective);
  checkParameters(parameters, file.boundary);
  checkBuiltinDimension(objective, parameters);
  checkInlineModule(objective, file.workers ?? problemDefaults.workers);
  if ('command' in objective)
    checkArgPlaceholders(
      objective,
      parameters.map((p) => p.name),
    );
  return {
    name: file.name,
    ...(file.description !== undefined ? { description: file.description } : {}),
    objective,
    parameters,
    strategy: file.strategy,
    budget: file.budget ?? {},
    ...(file.stop ? { stop: file.stop } : {}),
    ...(file.restarts ? { restarts: file.restarts } : {}),
    seed: file.seed ?? problemDefaults.seed,
    workers: file.workers ?? problemDefaults.workers,
    ...(file.checkpointSeconds !== undefined ? { checkpointSeconds: file.checkpointSeconds } : {}),
    ...(file.executor ? { executor: file.executor } : {}),
    ...(file.boundary ? { boundary: file.boundary } : {}),
  };
}
