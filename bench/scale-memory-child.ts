/**
 * The process bench/scale-memory.ts measures: starts or resumes the 1 000 000-evaluation run
 * in the run folder given, and reports on stdout as JSON lines:
 *   {"type":"progress","evaluations","rss","journalBytes","ms"} about every 25 000 evaluations,
 *   {"type":"resumed","callMs","processMs"} once the resumed run finished its first generation
 *     (ms since resumeRun() was called / since this process started),
 *   {"type":"done","result","maxRss","ms"} at the end (maxRss: the kernel's peak, bytes).
 * Usage: node --import tsx bench/scale-memory-child.ts start|resume <runDir>
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseProblem } from '../engine/node/problem/schema';
import { resumeRun, startRun } from '../engine/node/run/runner';
import type { GenerationEvent } from '../engine/node/run/types';

export const scaleEvaluations = 1_000_000;

/** Rastrigin, n = 10, CMA-ES with BIPOP restarts so that the run keeps going for the whole budget. */
export const scaleProblem = {
  name: 'scale-1m',
  objective: { builtin: 'rastrigin' },
  parameters: Array.from({ length: 10 }, (_, i) => ({ name: `x${i}`, lower: -5.12, upper: 5.12 })),
  strategy: { name: 'cma-es' },
  budget: { evaluations: scaleEvaluations },
  restarts: { mode: 'bipop', maxRestarts: 100_000 },
  seed: 1,
  workers: 1,
};

const progressEvery = 25_000;

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(mode: string, runDir: string): Promise<void> {
  let nextProgress = progressEvery;
  let resumedAt: number | null = null;
  const journal = join(runDir, 'journal.jsonl');
  const onGeneration = (event: GenerationEvent) => {
    if (resumedAt !== null) {
      say({ type: 'resumed', callMs: performance.now() - resumedAt, processMs: performance.now() });
      resumedAt = null;
    }
    if (event.evaluations >= nextProgress) {
      nextProgress = (Math.floor(event.evaluations / progressEvery) + 1) * progressEvery;
      say({
        type: 'progress',
        evaluations: event.evaluations,
        rss: process.memoryUsage().rss,
        journalBytes: statSync(journal).size,
        ms: performance.now(),
      });
    }
  };
  let handle;
  if (mode === 'start') {
    const problem = parseProblem(scaleProblem, process.cwd());
    handle = await startRun(problem, { runDir, onGeneration });
  } else {
    resumedAt = performance.now();
    handle = await resumeRun(runDir, { onGeneration });
  }
  const result = await handle.done;
  say({ type: 'done', result, maxRss: process.resourceUsage().maxRSS * 1024, ms: performance.now() });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, runDir] = process.argv.slice(2);
  if ((mode !== 'start' && mode !== 'resume') || !runDir) {
    process.stderr.write('usage: scale-memory-child.ts start|resume <runDir>\n');
    process.exitCode = 2;
  } else {
    await main(mode, runDir);
  }
}
