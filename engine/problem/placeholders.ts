/**
 * `{name}` placeholders in an executable's arguments, checked with the problem: each must name
 * a parameter or one of the evaluation's own values, and a process started once per worker
 * cannot take per-evaluation values on its command line. Pure, so the GUI's validate reports
 * these before anything runs.
 */
import { protocolCatalog } from './protocols';
import { ProblemError } from './problem-error';
import type { CommandObjective } from './schema';

export const placeholderPattern = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/** Placeholders an evaluation fills in besides the parameters. */
export const evaluationPlaceholders = ['workdir', 'id', 'problemdir'] as const;

/** Names used as placeholders in a text. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((match) => match[1]);
}

export function checkArgPlaceholders(objective: CommandObjective, parameterNames: readonly string[]): void {
  const parameters = new Set(parameterNames);
  const known = [...parameterNames, ...evaluationPlaceholders];
  const perWorker = protocolCatalog[objective.protocol].dispatch === 'per-worker-session';
  (objective.args ?? []).forEach((arg, i) => {
    for (const name of placeholdersIn(arg)) {
      const field = `objective.args[${i}]`;
      if (!known.includes(name)) {
        throw new ProblemError(
          `${field}: {${name}} names no parameter (expected one of ${known.join(', ')})`,
        );
      }
      if (perWorker && (parameters.has(name) || name === 'workdir' || name === 'id')) {
        const what = parameters.has(name) ? 'is a parameter' : 'changes with every evaluation';
        throw new ProblemError(
          `${field}: {${name}} ${what}, but a ${objective.protocol} process is started once per worker; ` +
            'parameters (and workdir) arrive as JSON lines on stdin',
        );
      }
    }
  });
}
