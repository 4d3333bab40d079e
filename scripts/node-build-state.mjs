// Whether out/node/ (scripts/build-node.mjs) is newer than every source it was built from.
// bin/evobox.mjs asks at every start, so this only stats files: ≈ 200 of them, about 1 ms.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The build's entry points: the CLI, what the launcher runs before it loads the CLI (the pool
 * threads `evobox run` and `resume` start early, bin/evobox.mjs), and the files the engine
 * starts as worker threads.
 */
export const nodeEntries = {
  cli: 'engine/node/cli/main.ts',
  prestart: 'engine/node/cli/prestart.ts',
  commands: 'bin/commands.ts',
  worker: 'engine/node/evaluation/worker.ts',
  'run-worker': 'electron/backend/run-worker.ts',
};

/** Folders and files whose sources end up in the build. */
const sources = [
  'engine',
  'electron/backend',
  'electron/server',
  'electron/ipc-contract.ts',
  'electron/ipc-channels.ts',
  'package.json',
];

export const nodeBuildDir = (root) => join(root, 'out', 'node');

function newestMtime(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(child));
    else if (/\.(ts|mts|mjs|js|json)$/.test(entry.name)) newest = Math.max(newest, statSync(child).mtimeMs);
  }
  return newest;
}

export function nodeBuildIsFresh(root) {
  const stamp = statSync(join(nodeBuildDir(root), 'BUILT'), { throwIfNoEntry: false });
  if (!stamp) return false;
  return sources.every((source) => newestMtime(join(root, source)) <= stamp.mtimeMs);
}
