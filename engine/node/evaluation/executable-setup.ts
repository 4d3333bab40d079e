/**
 * Checks an executable objective once and precomputes what every evaluation needs: its
 * protocol, the compiled result regex, the template set, the timeout, whether each
 * evaluation needs a scratch directory. Called in the main thread when the evaluator is
 * created (so a bad config fails before the run starts) and again in each worker. The checks
 * that belong to one protocol live in its file under protocols/.
 */
import { checkArgPlaceholders, placeholdersIn } from './placeholders';
import { protocolFor } from './protocols/index';
import type { Protocol } from './protocols/types';
import { compileResultRegex } from './result-parser';
import { TemplateSet } from './scratch';
import type { ExecutableObjectiveConfig } from './types';

export const defaultTimeoutSeconds = 30;
export const defaultMaxOutputBytes = 1 << 20;

export interface ExecutableSetup {
  objective: ExecutableObjectiveConfig;
  protocol: Protocol;
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
  const protocol = protocolFor(objective.protocol);
  if (typeof objective.command !== 'string' || objective.command === '') {
    throw new Error('objective.command must be a non-empty path or program name');
  }
  const timeoutSeconds = objective.timeoutSeconds ?? defaultTimeoutSeconds;
  if (!(timeoutSeconds > 0)) throw new Error(`objective.timeoutSeconds must be > 0 (got ${timeoutSeconds})`);
  const args = objective.args ?? [];
  const templates = new TemplateSet(objective.templates ?? []);
  const usesWorkdir = [...args, objective.result?.file ?? ''].some((text) =>
    placeholdersIn(text).includes('workdir'),
  );
  const needsWorkdir = templates.size > 0 || usesWorkdir;
  protocol.validate(objective, { args, parameterNames: options.parameterNames, needsWorkdir });
  checkArgPlaceholders(args, options.parameterNames);
  const regex =
    objective.result?.regex !== undefined ? compileResultRegex(objective.result.regex) : undefined;
  const file = objective.result?.file;
  const perEvaluationFile = file !== undefined && (needsWorkdir || placeholdersIn(file).includes('id'));
  if (file !== undefined && !perEvaluationFile && options.workers > 1) {
    throw new Error(
      `objective.result.file ${JSON.stringify(file)} would be shared by ${options.workers} parallel evaluations; ` +
        'use templates (each evaluation then runs in its own scratch directory), or a {workdir} or {id} placeholder',
    );
  }
  return {
    objective,
    protocol,
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
