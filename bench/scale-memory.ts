/**
 * Item 5 — scale and memory: a 1 000 000-evaluation run of a built-in function (Rastrigin,
 * n = 10, CMA-ES with BIPOP restarts) with its journal, in a child process
 * (bench/scale-memory-child.ts) so that its memory is its own. The run is killed with SIGKILL
 * at 90 % and resumed to the end, the way a crashed run is continued:
 * - peak RSS: the kernel's high-water mark of the first process (read from /proc just before
 *   the kill) and of the resuming one;
 * - streaming journal: at every progress report the journal already holds a line for every
 *   evaluation so far (its size grows with the run, not at the end), and memory does not
 *   grow with it;
 * - resume: time from `resumeRun()` to the first new generation (and from process start).
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './lib/benchmark';
import { formatCount, formatMegabytes } from './lib/format';
import type { Report } from './lib/report';
import type { BenchSettings } from './lib/settings';
import { scaleEvaluations } from './scale-memory-child';

const childScript = fileURLToPath(new URL('./scale-memory-child.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const killFraction = 0.9;
const rssLimit = 300 * 1024 * 1024;
const resumeLimitMs = 5000;

interface Progress {
  type: 'progress';
  evaluations: number;
  rss: number;
  journalBytes: number;
  ms: number;
}
interface Resumed {
  type: 'resumed';
  callMs: number;
  processMs: number;
}
interface Done {
  type: 'done';
  result: { evaluations: number; stopReason: string; best: { fitness: number } | null; error?: string };
  maxRss: number;
  ms: number;
}
type Message = Progress | Resumed | Done;

/** The kernel's peak resident set of a live process (VmHWM), in bytes. */
function peakRss(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Runs the child; `onMessage` may return true to have it killed with SIGKILL right away
 * (its peak RSS is read first). Resolves with its messages and that peak.
 */
function runChild(
  mode: 'start' | 'resume',
  runDir: string,
  onMessage: (message: Message) => boolean,
): Promise<{ messages: Message[]; peakBeforeKill: number | null; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, childScript, mode, runDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const messages: Message[] = [];
    let pending = '';
    let stderr = '';
    let peakBeforeKill: number | null = null;
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (!line.startsWith('{') || killed) continue;
        const message = JSON.parse(line) as Message;
        messages.push(message);
        if (onMessage(message)) {
          peakBeforeKill = peakRss(child.pid!);
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (!killed && code !== 0)
        reject(new Error(`scale child (${mode}) exited with ${code}: ${stderr.trim()}`));
      else resolve({ messages, peakBeforeKill, killed });
    });
  });
}

interface JournalScan {
  lines: number;
  bytes: number;
  maxIndex: number;
  /** Byte offset just after line k, for each k asked for. */
  offsets: Map<number, number>;
}

/** Counts journal lines and finds the largest index, streamed (the file is a few hundred MB). */
async function scanJournal(path: string, marks: number[] = []): Promise<JournalScan> {
  const wanted = new Set(marks);
  const offsets = new Map<number, number>();
  let lines = 0;
  let bytes = 0;
  let maxIndex = -1;
  let carry = '';
  let consumed = 0; // bytes of complete lines so far
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytes += Buffer.byteLength(chunk as string);
    const parts = (carry + (chunk as string)).split('\n');
    carry = parts.pop()!;
    for (const line of parts) {
      consumed += Buffer.byteLength(line) + 1;
      if (!line) continue;
      lines++;
      if (wanted.has(lines)) offsets.set(lines, consumed);
      const match = /^\{"index":(\d+)/.exec(line);
      if (match) maxIndex = Math.max(maxIndex, Number(match[1]));
    }
  }
  return { lines, bytes, maxIndex, offsets };
}

export const scaleMemory: Benchmark = {
  name: 'scale-memory',
  description: '1 000 000-evaluation run with journal: peak RSS, streaming journal, resume after kill -9',
  async run(_settings: BenchSettings, report: Report) {
    const runsDir = mkdtempSync(join(tmpdir(), 'evobox-bench-scale-'));
    const runDir = join(runsDir, 'scale-1m');
    try {
      const killAt = Math.round(scaleEvaluations * killFraction);
      const first = await runChild('start', runDir, (m) => m.type === 'progress' && m.evaluations >= killAt);
      const progress = first.messages.filter((m): m is Progress => m.type === 'progress');
      if (!first.killed || progress.length === 0)
        throw new Error('the first run ended before it could be killed');
      const atKill = progress[progress.length - 1];
      const journalPath = join(runDir, 'journal.jsonl');
      // The journal is append-only and resume does not rewrite it, so the file after the kill
      // tells how long it must have been at each progress report: one line per evaluation.
      const afterKill = await scanJournal(
        journalPath,
        progress.map((p) => p.evaluations),
      );

      const second = await runChild('resume', runDir, () => false);
      const resumed = second.messages.find((m): m is Resumed => m.type === 'resumed');
      const done = second.messages.find((m): m is Done => m.type === 'done');
      if (!resumed || !done) throw new Error('the resumed run reported no first generation or no end');
      const final = await scanJournal(journalPath);

      const expectedBytes = (p: Progress) => afterKill.offsets.get(p.evaluations) ?? Number.POSITIVE_INFINITY;
      const lagging = progress.filter((p) => p.journalBytes < expectedBytes(p));
      const firstSample = progress[0];
      const rate = (atKill.evaluations - firstSample.evaluations) / ((atKill.ms - firstSample.ms) / 1000);

      report.text(
        `Rastrigin n = 10, CMA-ES with BIPOP restarts, budget ${formatCount(scaleEvaluations)} evaluations, 1 worker (in-process), ` +
          `journal and checkpoints on (default 2 s interval). Killed with SIGKILL once ${formatCount(killAt)} evaluations were reported, then resumed.`,
      );
      report.text();
      const sampleRows = progress
        .filter((_, i) => i % Math.max(1, Math.floor(progress.length / 6)) === 0 || progress[i] === atKill)
        .map((p) => [
          formatCount(p.evaluations),
          formatMegabytes(p.journalBytes),
          p.journalBytes >= expectedBytes(p) ? 'yes' : `no (${formatMegabytes(expectedBytes(p))} expected)`,
          formatMegabytes(p.rss),
          (p.ms / 1000).toFixed(1),
        ]);
      report.table(
        [
          'evaluations reported',
          'journal size',
          'a line for every evaluation so far',
          'RSS',
          's since process start',
        ],
        sampleRows,
      );
      const peakFirst = first.peakBeforeKill ?? Math.max(...progress.map((p) => p.rss));
      const peak = Math.max(peakFirst, done.maxRss);
      report.table(
        ['measure', 'value'],
        [
          ['throughput of the first process (evaluations/s, journal included)', formatCount(rate)],
          ['peak RSS, first process (VmHWM just before SIGKILL)', formatMegabytes(peakFirst)],
          ['peak RSS, resuming process (maxRSS)', formatMegabytes(done.maxRss)],
          [
            'journal after the kill: lines / bytes',
            `${formatCount(afterKill.lines)} / ${formatMegabytes(afterKill.bytes)}`,
          ],
          ['resumeRun() → first new generation', `${(resumed.callMs / 1000).toFixed(2)} s`],
          [
            'process start → first new generation (includes loading tsx and the engine)',
            `${(resumed.processMs / 1000).toFixed(2)} s`,
          ],
          [
            'resumed run: evaluations / stop reason',
            `${formatCount(done.result.evaluations)} / ${done.result.stopReason}`,
          ],
          [
            'journal at the end: lines / largest index / bytes',
            `${formatCount(final.lines)} / ${formatCount(final.maxIndex)} / ${formatMegabytes(final.bytes)}`,
          ],
        ],
      );

      report.check(
        'peak RSS under 300 MB',
        formatMegabytes(peak),
        peak < rssLimit,
        `peak ${formatMegabytes(peak)} (first process ${formatMegabytes(peakFirst)}, resumed ${formatMegabytes(done.maxRss)})`,
      );
      const complete = final.lines === scaleEvaluations && final.maxIndex === scaleEvaluations - 1;
      report.check(
        'journal written in a streaming way (every evaluation on disk as the run goes; one line per evaluation at the end)',
        `${progress.length - lagging.length}/${progress.length} reports had the journal up to date; ${formatCount(final.lines)} lines at the end`,
        lagging.length === 0 && complete,
        lagging.length
          ? `${lagging.length} progress reports found the journal behind (first at ${formatCount(lagging[0].evaluations)} evaluations)`
          : `the journal has ${formatCount(final.lines)} lines (largest index ${final.maxIndex}), expected ${formatCount(scaleEvaluations)}`,
      );
      report.check(
        'resume in under 5 s',
        `${(resumed.callMs / 1000).toFixed(2)} s (from process start ${(resumed.processMs / 1000).toFixed(2)} s)`,
        resumed.callMs < resumeLimitMs,
        `resumeRun() took ${(resumed.callMs / 1000).toFixed(2)} s to the first new generation`,
      );
    } finally {
      if (existsSync(runsDir)) rmSync(runsDir, { recursive: true, force: true });
    }
  },
};
