/**
 * The browser-mode server told to quit (SIGTERM) while a run's evaluations sleep: it ends
 * them after the grace period, writes the checkpoint, exits, and leaves nothing running.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanUpSleepers,
  evaluationProcesses,
  evobox,
  journalIndices,
  sleepyProblem,
  start,
  until,
} from '../evobox-process';
import { scratchDirectories } from '../scratch-directories';

const scratch = scratchDirectories('evobox-shutdown-');
const registerSleepers = cleanUpSleepers();

async function invoke(url: URL, channel: string, payload: unknown): Promise<unknown> {
  const response = await fetch(new URL(`/api/invoke/${channel}`, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-evobox-token': url.searchParams.get('token')! },
    body: JSON.stringify(payload),
  });
  const envelope = (await response.json()) as { ok: boolean; value?: unknown; error?: string };
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error}`);
  return envelope.value;
}

describe('evobox serve', () => {
  it('on SIGTERM ends running evaluations after the grace period, checkpoints, and orphans nothing', async () => {
    const dir = scratch();
    const sleepy = sleepyProblem(dir);
    registerSleepers(sleepy);
    const server = start(['serve', '--port', '0', '--runs-dir', join(dir, 'runs')]);
    let printed = '';
    server.child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    await until(() => /evobox UI: (\S+)/.test(printed), 30_000, 'the server');
    const url = new URL(/evobox UI: (\S+)/.exec(printed)![1]);

    const draft = JSON.parse(readFileSync(sleepy.problem, 'utf8'));
    writeFileSync(sleepy.control, `${sleepy.seconds} from 8`); // the third generation's sleep
    const { runDir } = (await invoke(url, 'run:start', { draft, baseDir: dir })) as { runDir: string };
    await until(() => evaluationProcesses(sleepy.control, sleepy.seconds).length === 4, 30_000, 'sleepers');

    server.child.kill('SIGTERM');
    const finished = await server.finished; // the sleepers would take 37 s
    expect(finished.code).toBe(0);
    expect(evaluationProcesses(sleepy.control, sleepy.seconds)).toEqual([]);
    const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8'));
    expect(checkpoint.evaluations).toBe(journalIndices(runDir).length); // written at the end, mid-generation
    expect(journalIndices(runDir).length % 4).toBe(0); // nothing of the ended generation journaled

    writeFileSync(sleepy.control, '0');
    const resumed = await evobox(['resume', runDir, '--json']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ evaluations: 24, failedEvaluations: 0 });
  });
});
