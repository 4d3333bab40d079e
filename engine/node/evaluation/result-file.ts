/**
 * Where an executable's answer is read from: `result.file` (relative to the process's
 * working directory) or its stdout. Shared by every protocol.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExecutableSetup } from './executable-setup';
import { substitute, type PlaceholderValues } from './placeholders';
import { parseOutput, type ParsedResult } from './result-parser';
import { formatBytes } from './run-process';

/** Result files are read whole; beyond this size the evaluation fails instead. */
const maxResultFileBytes = 64 << 20;

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
