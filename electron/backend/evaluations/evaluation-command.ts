/**
 * The command line that evaluates one journal record again, outside evobox: the program,
 * its arguments with the placeholders replaced exactly as the engine replaces them
 * (engine/node/evaluation/placeholders.ts), the working folder, the environment the problem
 * adds, and for json-stdin / line the request line piped in.
 */
import { join } from 'node:path';
import type { EvaluationCommand } from '../../ipc-contract';
import { substitute, type PlaceholderValues } from '../../../engine/node/evaluation/placeholders';
import type { Problem } from '../engine';

/** POSIX shell quoting, for a line a user can paste. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function usesWorkdir(texts: readonly string[]): boolean {
  return texts.some((text) => text.includes('{workdir}'));
}

export function evaluationCommand(
  problem: Problem,
  runDir: string,
  index: number,
  params: Record<string, number>,
): EvaluationCommand {
  const objective = problem.objective;
  if (!('command' in objective)) {
    const what = 'builtin' in objective ? `built-in ${objective.builtin}` : `module ${objective.module}`;
    return {
      kind: 'in-process',
      description: `${what}, evaluated inside evobox (no command line)`,
      shell: `# ${what} at ${Object.entries(params)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}`,
    };
  }
  const templates = objective.templates ?? [];
  const needsWorkdir =
    templates.length > 0 || usesWorkdir([...(objective.args ?? []), objective.result?.file ?? '']);
  // The engine's scratch folder for the evaluation was temporary; a fresh one stands in for it.
  const workdir = needsWorkdir ? join(runDir, 'work', `reproduce-${index}`) : undefined;
  const values: PlaceholderValues = { params, id: index, workdir, problemdir: problem.baseDir };
  const argv = [objective.command, ...(objective.args ?? []).map((arg) => substitute(arg, values))];
  const cwd = templates.length > 0 && workdir !== undefined ? workdir : (objective.cwd ?? problem.baseDir);
  const env = objective.env ?? {};
  const stdin =
    objective.protocol === 'args'
      ? undefined
      : `${JSON.stringify({ id: index, params, ...(workdir !== undefined ? { workdir } : {}) })}\n`;
  const words = [
    ...(Object.keys(env).length ? ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : []),
    ...argv,
  ].map(shellQuote);
  const steps = [
    ...(workdir !== undefined ? [`mkdir -p ${shellQuote(workdir)}`] : []),
    `cd ${shellQuote(cwd)}`,
    stdin !== undefined
      ? `printf '%s\\n' ${shellQuote(stdin.trimEnd())} | ${words.join(' ')}`
      : words.join(' '),
  ];
  const notes: string[] = [];
  if (templates.length > 0) {
    notes.push(
      `the templates ${templates.map((t) => t.target).join(', ')} must be rendered into ${workdir} first (evobox renders them with the same placeholders)`,
    );
  }
  if (objective.protocol === 'line')
    notes.push('a line process answers one JSON request per line; this sends just this evaluation');
  if (objective.result?.file)
    notes.push(`the result is read from ${substitute(objective.result.file, values)}`);
  return {
    kind: 'executable',
    protocol: objective.protocol,
    argv,
    cwd,
    ...(Object.keys(env).length ? { env } : {}),
    ...(stdin !== undefined ? { stdin } : {}),
    shell: steps.join(' && '),
    ...(notes.length ? { description: notes.join('; ') } : {}),
  };
}
