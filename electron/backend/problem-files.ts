/**
 * Problem files as the UI sees them: open one for editing (even when it does not validate),
 * start a new problem around an executable, save a draft where the user chooses (relative
 * paths rewritten so they still point at the same files), list bundled examples and folder
 * contents for browser mode's file picker.
 */
import { accessSync, constants, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ExampleInfo, FileListing, OpenedProblem, ProblemDraft } from '../ipc-contract';
import { parseProblem } from './engine';

const MAX_PROBLEM_BYTES = 5 * 1024 * 1024;

function readJsonFile(path: string): unknown {
  const stats = statSync(path);
  if (!stats.isFile()) throw new Error(`${path} is not a file`);
  if (stats.size > MAX_PROBLEM_BYTES) throw new Error(`${path} is larger than 5 MB; not a problem file`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Opens a problem file as an editable draft, with the engine's verdict on it. */
export function openProblem(path: string): OpenedProblem {
  const absolute = resolve(path);
  const json = readJsonFile(absolute);
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${absolute}: expected a JSON object (a problem file)`);
  }
  const draft = json as ProblemDraft;
  const baseDir = dirname(absolute);
  try {
    const problem = parseProblem(json, baseDir);
    // Built-ins may leave the parameters out; the table needs them spelled out.
    const filled: ProblemDraft = draft.parameters ? draft : { ...draft, parameters: problem.parameters };
    return { draft: filled, baseDir, path: absolute };
  } catch (error) {
    return { draft, baseDir, path: absolute, error: (error as Error).message };
  }
}

/** A name the problem schema accepts, from a file name. */
export function problemNameFrom(file: string): string {
  const stem = basename(file).replace(/\.[^.]*$/, '');
  const cleaned = stem.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned || 'problem';
}

export function problemFromExecutable(path: string, defaultStrategy: string): OpenedProblem {
  const absolute = resolve(path);
  const stats = statSync(absolute);
  if (!stats.isFile()) throw new Error(`${absolute} is not a file`);
  const draft: ProblemDraft = {
    name: problemNameFrom(absolute),
    objective: {
      command: absolute,
      args: ['{x1}'],
      protocol: 'args',
      timeoutSeconds: 30,
      direction: 'minimize',
    },
    parameters: [{ name: 'x1', lower: -1, upper: 1 }],
    strategy: { name: defaultStrategy },
    budget: { evaluations: 500 },
    seed: 1,
    workers: 1,
  };
  return { draft, baseDir: dirname(absolute) };
}

/** `target` relative to `dir` when it lies inside it, else absolute. */
function relocate(value: string, fromDir: string, toDir: string): string {
  const absolute = isAbsolute(value) ? value : resolve(fromDir, value);
  const rel = relative(toDir, absolute);
  if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.startsWith('.') ? rel : `./${rel}`;
  return absolute;
}

/**
 * Rewrites the draft's relative paths (command with a slash, module, cwd, template sources)
 * from `fromDir` to `toDir`, so a problem saved elsewhere still finds its files; a command
 * without an explicit working folder keeps running in the old one.
 */
export function relocateDraft(draft: ProblemDraft, fromDir: string, toDir: string): ProblemDraft {
  const objective = { ...draft.objective };
  if (typeof objective.command === 'string' && objective.command.includes('/')) {
    objective.command = relocate(objective.command, fromDir, toDir);
  }
  if (typeof objective.module === 'string') objective.module = relocate(objective.module, fromDir, toDir);
  if (typeof objective.cwd === 'string') objective.cwd = relocate(objective.cwd, fromDir, toDir);
  else if (typeof objective.command === 'string' && resolve(fromDir) !== resolve(toDir)) {
    // The program ran in the old folder (the default working folder); relative arguments
    // such as a script name depend on that, so pin it.
    objective.cwd = relocate('.', fromDir, toDir);
  }
  if (Array.isArray(objective.templates)) {
    objective.templates = objective.templates.map((t: unknown) =>
      t && typeof t === 'object' && typeof (t as { source?: unknown }).source === 'string'
        ? { ...t, source: relocate((t as { source: string }).source, fromDir, toDir) }
        : t,
    );
  }
  return { ...draft, objective };
}

export function saveProblem(draft: ProblemDraft, baseDir: string, path: string): OpenedProblem {
  const absolute = resolve(path);
  if (!absolute.endsWith('.json')) throw new Error(`problem files end in .json (got ${absolute})`);
  const toDir = dirname(absolute);
  const relocated = relocateDraft(draft, baseDir, toDir);
  // The engine must accept what we write: validate against the new location first.
  parseProblem(relocated, toDir);
  writeFileSync(absolute, `${JSON.stringify(relocated, null, 2)}\n`);
  return { draft: relocated, baseDir: toDir, path: absolute };
}

/** Bundled examples: `examples/<folder>/problem.json` and `examples/<folder>/<name>.problem.json`. */
export function listExamples(examplesDir: string): ExampleInfo[] {
  let folders: string[];
  try {
    folders = readdirSync(examplesDir).sort();
  } catch {
    return [];
  }
  const out: ExampleInfo[] = [];
  for (const folder of folders) {
    let files: string[];
    try {
      files = readdirSync(join(examplesDir, folder)).sort();
    } catch {
      continue;
    }
    for (const file of files) {
      if (file !== 'problem.json' && !file.endsWith('.problem.json')) continue;
      const path = join(examplesDir, folder, file);
      let json: Record<string, unknown>;
      try {
        json = readJsonFile(path) as Record<string, unknown>;
      } catch {
        continue;
      }
      const objective = (json.objective ?? {}) as Record<string, unknown>;
      const kind: ExampleInfo['kind'] =
        'blackBox' in json && 'data' in json
          ? 'train' // an `evobox train` problem: the Open step's "Train a model" opens it
          : 'builtin' in objective
            ? 'builtin'
            : 'module' in objective
              ? 'module'
              : 'command' in objective
                ? 'command'
                : 'unknown';
      out.push({
        name: file === 'problem.json' ? folder : `${folder}/${file.slice(0, -'.problem.json'.length)}`,
        path,
        kind,
        ...(typeof json.description === 'string' ? { description: json.description } : {}),
      });
    }
  }
  return out;
}

const MAX_ENTRIES = 5000;

export function listFolder(dir: string): FileListing {
  const absolute = resolve(dir);
  const entries = readdirSync(absolute, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .slice(0, MAX_ENTRIES)
    .map((entry) => {
      const path = join(absolute, entry.name);
      let isDir = entry.isDirectory();
      let executable = false;
      if (entry.isSymbolicLink()) {
        try {
          isDir = statSync(path).isDirectory();
        } catch {
          // a dangling link is listed as a file
        }
      }
      if (!isDir) {
        try {
          accessSync(path, constants.X_OK);
          executable = true;
        } catch {
          executable = false;
        }
      }
      return { name: entry.name, path, kind: isDir ? ('dir' as const) : ('file' as const), executable };
    })
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = dirname(absolute);
  return { dir: absolute, parent: parent === absolute || absolute === sep ? null : parent, entries };
}
