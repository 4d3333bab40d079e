/**
 * Checks an executable objective once and precomputes what every evaluation needs: the
 * compiled result regex, the template set, the timeout, whether each evaluation needs a
 * scratch directory. Called in the main thread when the evaluator is created (so a bad
 * config fails before the run starts) and again in each worker.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkArgPlaceholders, placeholdersIn, substitute, type PlaceholderValues } from './placeholders';
import { compileResultRegex, parseOutput, type ParsedResult } from './result-parser';
import { formatBytes } from './run-process';
import { TemplateSet } from './scratch';
import type { ExecutableObjectiveConfig } from './types';

export const defaultTimeoutSeconds = 30;
export const defaultMaxOutputBytes = 1 << 20;
/** Result files are read whole; beyond this size the evaluation fails instead. */
const maxResultFileBytes = 64 << 20;

export interface ExecutableSetup {
  objective: ExecutableObjectiveConfig;
  args: readonly string[];
  /** Working directory when the evaluation has no scratch directory of its own. */
  cwd: string;
  /** The problem file's folder: the `{problemdir}` placeholder. */
  problemDir: string;
  templates: TemplateSet;
  regex: RegExp | undefined;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Each evaluation gets a fresh scratch directory (templates or a `{workdir}` placeholder). */
  needsWorkdir: boolean;
}

export interface SetupOptions {
  cwd: string;
  parameterNames: readonly string[];
  workers: number;
  maxOutputBytes?: number;
}

export function prepareExecutable(
  objective: ExecutableObjectiveConfig,
  options: SetupOptions,
): ExecutableSetup {
  const protocols = ['args', 'json-stdin', 'line'];
  if (!protocols.includes(objective.protocol)) {
    throw new Error(
      `objective.protocol must be one of ${protocols.join(', ')} (got ${JSON.stringify(objective.protocol)})`,
    );
  }
  if (typeof objective.command !== 'string' || objective.command === '') {
    throw new Error('objective.command must be a non-empty path or program name');
  }
  const timeoutSeconds = objective.timeoutSeconds ?? defaultTimeoutSeconds;
  if (!(timeoutSeconds > 0)) throw new Error(`objective.timeoutSeconds must be > 0 (got ${timeoutSeconds})`);
  const args = objective.args ?? [];
  if (objective.protocol === 'line') {
    args.forEach((arg, i) => {
      const perEvaluation = new Set([...options.parameterNames, 'id', 'workdir']);
      const used = placeholdersIn(arg).filter((name) => perEvaluation.has(name));
      if (used.length) {
        throw new Error(
          `objective.args[${i}] uses {${used[0]}}, but a line process is started once per worker; parameters (and workdir) arrive as JSON lines on stdin`,
        );
      }
    });
  }
  checkArgPlaceholders(args, options.parameterNames);
  const templates = new TemplateSet(objective.templates ?? []);
  const regex =
    objective.result?.regex !== undefined ? compileResultRegex(objective.result.regex) : undefined;
  const usesWorkdir = [...args, objective.result?.file ?? ''].some((text) =>
    placeholdersIn(text).includes('workdir'),
  );
  const needsWorkdir = templates.size > 0 || usesWorkdir;
  const file = objective.result?.file;
  if (file !== undefined && objective.protocol === 'line' && !needsWorkdir) {
    throw new Error(
      'objective.result.file with protocol "line" needs a per-request directory: use templates or a {workdir} placeholder in the file name',
    );
  }
  const perEvaluationFile = file !== undefined && (needsWorkdir || placeholdersIn(file).includes('id'));
  if (file !== undefined && !perEvaluationFile && options.workers > 1) {
    throw new Error(
      `objective.result.file ${JSON.stringify(file)} would be shared by ${options.workers} parallel evaluations; ` +
        'use templates (each evaluation then runs in its own scratch directory), or a {workdir} or {id} placeholder',
    );
  }
  return {
    objective,
    args,
    cwd: objective.cwd ?? options.cwd,
    problemDir: options.cwd,
    templates,
    regex,
    timeoutMs: timeoutSeconds * 1000,
    maxOutputBytes: options.maxOutputBytes ?? defaultMaxOutputBytes,
    needsWorkdir,
  };
}

export function resultFilePath(
  setup: ExecutableSetup,
  processCwd: string,
  values: PlaceholderValues,
): string | undefined {
  const file = setup.objective.result?.file;
  return file === undefined ? undefined : resolve(processCwd, substitute(file, values));
}

/**
 * Removes a result file left by an earlier evaluation in a shared directory, so that a
 * program that fails to write it is noticed instead of scoring the previous result.
 */
export async function clearStaleResultFile(
  setup: ExecutableSetup,
  processCwd: string,
  values: PlaceholderValues,
): Promise<void> {
  const path = resultFilePath(setup, processCwd, values);
  if (path !== undefined) await rm(path, { force: true });
}

/**
 * Parses the evaluation's result from `result.file` (relative to the process's working
 * directory) or from the given stdout text.
 */
export async function readResult(
  setup: ExecutableSetup,
  stdout: string,
  processCwd: string,
  values: PlaceholderValues,
): Promise<ParsedResult> {
  const path = resultFilePath(setup, processCwd, values);
  if (path === undefined) return parseOutput(stdout, setup.regex);
  let info;
  try {
    info = await stat(path);
  } catch {
    return { error: `result file ${path} was not written` };
  }
  if (info.size > maxResultFileBytes) {
    return {
      error: `result file ${path} is too large (${formatBytes(info.size)} > ${formatBytes(maxResultFileBytes)})`,
    };
  }
  return parseOutput(
    await readFile(path, 'utf8'),
    setup.regex,
    `result file ${setup.objective.result!.file}`,
  );
}
