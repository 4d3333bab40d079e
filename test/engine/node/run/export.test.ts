/**
 * Export reads a run folder without changing it: a run another process is writing may
 * have half a line at the end of its journal, which is that process's to finish.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDirectories } from '../../../scratch-directories';
import { parseProblem } from '../../../../engine/node/problem/schema';
import { exportRun } from '../../../../engine/node/run/export';
import { startRun } from '../../../../engine/node/run/runner';

const scratch = scratchDirectories('evobox-export-');

describe('export', () => {
  it('leaves the line being appended to a live journal intact', async () => {
    const problem = parseProblem(
      {
        name: 'sphere',
        objective: { builtin: 'sphere', dimension: 2 },
        budget: { evaluations: 40 },
        seed: 1,
      },
      resolve(__dirname),
    );
    const run = await startRun(problem, { runsDir: scratch() });
    await run.done;
    const journal = join(run.runDir, 'journal.jsonl');
    appendFileSync(journal, '{"index":40,"generation":6,"params":{"x0":0.1'); // mid-append
    const before = readFileSync(journal, 'utf8');

    const csv = exportRun(run.runDir, 'csv').trim().split('\n');
    expect(csv).toHaveLength(41); // header + the 40 complete records
    expect(readFileSync(journal, 'utf8')).toBe(before);
  });
});
