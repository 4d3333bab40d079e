/**
 * "Build if needed" for `npm start` and the GUI tests: the built renderer (out/renderer) is
 * stale when any source it is built from is newer than its index.html.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What the renderer bundle (and main/preload) are built from, relative to the repo root. */
const sources = ['renderer', 'electron', 'engine/core', 'engine/objectives', 'electron.vite.config.ts'];

function newestMtime(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function builtOutputs(root: string): string[] {
  return [
    join(root, 'out', 'renderer', 'index.html'),
    join(root, 'out', 'main', 'index.js'),
    join(root, 'out', 'preload', 'index.cjs'),
  ];
}

export function buildIsStale(root: string): boolean {
  const outputs = builtOutputs(root);
  if (!outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return sources.some((source) => newestMtime(join(root, source)) > built);
}

/** Runs `electron-vite build` (no Electron binary needed). Throws when it fails. */
export function buildApp(root: string): void {
  const require = createRequire(join(root, 'package.json'));
  const bin = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`electron-vite build failed (exit code ${result.status})`);
}
