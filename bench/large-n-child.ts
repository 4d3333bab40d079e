/**
 * The process bench/large-n.ts measures, one case per process so its memory is its own:
 *   sep <runDir> <seconds> [plain|vector|vector-inline]
 *                                   sep-CMA-ES, n = 10 000, a module objective (Σ x²); with
 *                                   `plain` the journal keeps parameters inline (JSON); with
 *                                   `vector` the module takes a Float64Array (`input: "vector"`),
 *                                   `vector-inline` also on the run's thread (`inline: true`);
 *   cma <runDir> <seconds> [never|decompose]
 *                                   CMA-ES, n = 2 000, built-in sphere; with `never` no
 *                                   checkpoint before the end (the reference); with `decompose`
 *                                   an eigendecomposition every 10 generations instead of every
 *                                   few thousand, so that its memory falls inside the window.
 * Prints one JSON line: {"type":"done", baselineRss, maxRss, runMs, result, …}. baselineRss is
 * this process's RSS after loading the engine and a warm-up run of the same case at n = 10,
 * just before the measured run starts: what the measured run adds is maxRss − baselineRss.
 * Usage: node --import tsx bench/large-n-child.ts sep|cma <runDir> <seconds> [variant]
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProblem } from '../engine/node/problem/schema';
import { startRun } from '../engine/node/run/runner';
import type { CheckpointFile } from '../engine/node/run/folder';

export const sepDimension = 10_000;
export const cmaDimension = 2_000;

const fixture = (file: string) => fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));

function sepObjective(variant: string | undefined) {
  if (variant !== 'vector' && variant !== 'vector-inline') return { module: fixture('sum-of-squares.mjs') };
  return {
    module: fixture('sum-of-squares-vector.mjs'),
    input: 'vector',
    ...(variant === 'vector-inline' ? { inline: true } : {}),
  };
}

function problemOf(mode: 'sep' | 'cma', dimension: number, seconds: number, variant: string | undefined) {
  const never = variant === 'never';
  return parseProblem(
    {
      name: `large-n-${mode}`,
      objective: mode === 'sep' ? sepObjective(variant) : { builtin: 'sphere' },
      parameters: Array.from({ length: dimension }, (_, i) => ({ name: `x${i}`, lower: -5, upper: 5 })),
      strategy: {
        name: mode === 'sep' ? 'sep-cma-es' : 'cma-es',
        ...(variant === 'decompose' ? { options: { eigenInterval: 10 } } : {}),
      },
      budget: { evaluations: 100_000_000, seconds },
      seed: 1,
      workers: 1,
      ...(never ? { checkpointSeconds: 100_000 } : {}),
    },
    process.cwd(),
  );
}

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function main(mode: 'sep' | 'cma', runDir: string, seconds: number, variant: string | undefined) {
  const binaryParamsFrom = variant === 'plain' ? Number.POSITIVE_INFINITY : undefined;
  // Warm-up: the same code paths at n = 10, so the baseline holds the loaded engine.
  const warm = await startRun(problemOf(mode, 10, 0.3, variant), { runDir: `${runDir}-warm-up` });
  await warm.done;
  globalThis.gc?.();
  const baselineRss = process.memoryUsage().rss;
  let generations = 0;
  // Where the memory is, sampled after every generation: the JS heap vs ArrayBuffers
  // (Float64Arrays, WebAssembly memory) — which kind of copy a peak comes from.
  const peaks = { heapUsed: 0, arrayBuffers: 0, external: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
    peaks.external = Math.max(peaks.external, usage.external);
  };
  const started = performance.now();
  const run = await startRun(
    problemOf(mode, mode === 'sep' ? sepDimension : cmaDimension, seconds, variant),
    {
      runDir,
      binaryParamsFrom,
      onGeneration: () => {
        generations++;
        sample();
      },
    },
  );
  const result = await run.done;
  const runMs = performance.now() - started;
  const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as CheckpointFile;
  const checkpointFiles = readdirSizes(runDir);
  process.stdout.write(
    `${JSON.stringify({
      type: 'done',
      // best.params has n entries: left out (the bench needs counts, not the point).
      result: { ...result, best: result.best ? { fitness: result.best.fitness } : null },
      generations,
      runMs,
      baselineRss,
      peaks,
      maxRss: process.resourceUsage().maxRSS * 1024,
      endRss: process.memoryUsage().rss,
      journalBytes: size(join(runDir, 'journal.jsonl')),
      paramsBytes: size(join(runDir, 'params.f64')),
      checkpointCost: checkpoint.cost ?? null,
      checkpointVersion: checkpoint.version,
      checkpointBytes: checkpointFiles,
    })}\n`,
  );
}

/** Bytes of checkpoint.json plus the side file it names. */
function readdirSizes(runDir: string): number {
  const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as CheckpointFile;
  return (
    size(join(runDir, 'checkpoint.json')) +
    (checkpoint.matrices ? size(join(runDir, checkpoint.matrices.file)) : 0)
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, runDir, seconds, variant] = process.argv.slice(2);
  if ((mode !== 'sep' && mode !== 'cma') || !runDir || !(Number(seconds) > 0)) {
    process.stderr.write(
      'usage: large-n-child.ts sep|cma <runDir> <seconds> [plain|vector|vector-inline|never|decompose]\n',
    );
    process.exitCode = 2;
  } else {
    await main(mode, runDir, Number(seconds), variant);
  }
}
