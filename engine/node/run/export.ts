/**
 * Exports of a run: best parameters as JSON, every evaluation as CSV, or a ready command
 * line that runs the objective once with the best parameters.
 */
import { substitute } from '../evaluation/placeholders';
import { openRunFolder, type BestFile, type RunFolderReader } from './folder';

import type { ExportFormat } from '../../core/run-status';

export { exportFormats, type ExportFormat } from '../../core/run-status';

function readBest(folder: RunFolderReader): BestFile {
  const best = folder.best();
  if (!best) throw new Error(`${folder.dir} has no best parameters yet (no successful evaluation)`);
  return best;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** POSIX shell quoting, for a command line a user can paste. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Reads the run folder only: exporting a run another process is writing changes nothing in it. */
export function exportRun(runDir: string, format: ExportFormat): string {
  const folder = openRunFolder(runDir);
  const problem = folder.problem();
  if (format === 'json') {
    const best = readBest(folder);
    return `${JSON.stringify({ name: problem.name, params: best.params, fitness: best.fitness, evaluation: best.index, evaluations: best.evaluations }, null, 2)}\n`;
  }
  if (format === 'csv') {
    const names = problem.parameters.map((p) => p.name);
    const extraKeys = new Set<string>();
    const rows: string[][] = [];
    folder.journal((r) => {
      if (r.extras) for (const key of Object.keys(r.extras)) extraKeys.add(key);
      rows.push([
        String(r.index),
        String(r.generation),
        ...names.map((n) => csvField(r.params[n])),
        csvField(r.fitness),
        csvField(r.ms),
        csvField(r.worker),
        csvField(r.error),
        ...[...extraKeys].map((k) => csvField(r.extras?.[k])),
      ]);
    });
    const extras = [...extraKeys];
    const header = ['index', 'generation', ...names, 'fitness', 'ms', 'worker', 'error', ...extras].map(
      csvField,
    );
    const width = header.length;
    return `${[header, ...rows.map((row) => [...row, ...Array(Math.max(0, width - row.length)).fill('')])].map((row) => row.join(',')).join('\n')}\n`;
  }
  const best = readBest(folder);
  const objective = problem.objective;
  if ('command' in objective) {
    const words = [
      objective.command,
      ...(objective.args ?? []).map((a) =>
        substitute(a, { params: best.params, id: best.index, workdir: '.', problemdir: problem.baseDir }),
      ),
    ];
    // Evaluations run in the objective's folder (its `cwd`, else the problem file's): the
    // line changes there in a subshell, so it runs from any folder and leaves the shell's alone.
    const cwd = objective.cwd ?? problem.baseDir;
    const env = Object.entries(objective.env ?? {}).map(([key, value]) => shellQuote(`${key}=${value}`));
    const line = [...(env.length > 0 ? ['env', ...env] : []), ...words.map(shellQuote)].join(' ');
    const body =
      objective.protocol === 'args'
        ? line
        : `printf '%s\\n' ${shellQuote(JSON.stringify({ id: best.index, params: best.params }))} | ${line}`;
    return `(cd ${shellQuote(cwd)} && ${body})\n`;
  }
  const flags = Object.entries(best.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `# ${'builtin' in objective ? `built-in ${objective.builtin}` : `module ${objective.module}`} at the best parameters:\n# ${flags}\n`;
}
