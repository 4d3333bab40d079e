/**
 * `generations.jsonl`: one line per generation with what pycma's `cma.plot` draws — best,
 * generation best and median, σ, axis ratio, and (for a thinning subset of generations at
 * large n) the mean, the per-coordinate standard deviations and the principal axes' lengths
 * √eig(σ²C). The run folder keeps evaluations in the journal but not the distribution, so
 * without this log a reopened run could not show those panels.
 *
 * Written by the runner (buffered, flushed every ~200 ms and at the end), read read-only.
 * After a resume the generations since the last checkpoint are logged again; readers keep
 * the later line of a generation (see `mergeGenerationRecords`).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { GenerationSummary } from '../../core/optimizer';
import { jacobiEigenvalues } from '../../core/jacobi-eigenvalues';
import { sortedDescending, toNumberArray } from '../../core/number-arrays';
import type { GenerationRecord } from '../../core/run-records';
import type { Distribution } from '../../core/strategy';

export const generationLogFile = 'generations.jsonl';

/** One line of the log: the mean in user parameters (free ones), the spreads internal. */
export type GenerationLine = GenerationRecord;

/** Up to this dimension every line carries its vectors. */
const everyGenerationDimension = 40;
/** Dimension up to which axis lengths are computed here from a full covariance (O(n³)). */
const eigenDimension = 64;

/**
 * Whether generation `g` carries vectors at dimension `n`: every generation for small n;
 * else all of the first 256, then every 2nd up to 512, every 4th up to 1024…, so each
 * doubling of the run adds about 128 vector lines (a 1000-D run stays a few MB per doubling).
 */
export function keepsVectors(g: number, n: number): boolean {
  if (n <= everyGenerationDimension || g < 256) return true;
  const stride = 2 ** Math.floor(Math.log2(g / 128));
  return g % stride === 0;
}

/** Exact powers of ten, 10⁰…10²² (every one a double). */
const powersOfTen = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * `Number(value.toPrecision(6))`, the same double, ten times faster: a vector line at n = 10 000
 * rounds 30 000 numbers (6.5 ms a generation through strings). The six digits are found by
 * scaling: |value|·10^k is one correctly rounded operation (error ≤ 1.2·10⁻¹⁰ below 10⁶), so its
 * nearest integer is toPrecision's unless it lies within 10⁻⁹ of a half (then, and outside
 * 10^±22 or the digit range, the string path decides). n/10^k is then the double nearest to the
 * decimal n·10^−k, as parsing that decimal gives.
 */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.abs(value);
  const k = 5 - Math.floor(Math.log10(magnitude));
  if (k > 22 || k < -22) return Number(value.toPrecision(6));
  const scaled = k >= 0 ? magnitude * powersOfTen[k] : magnitude / powersOfTen[-k];
  const fraction = scaled - Math.floor(scaled);
  if (!(scaled >= 100_000 + 1e-6 && scaled < 1_000_000 - 1e-6) || Math.abs(fraction - 0.5) < 1e-9)
    return Number(value.toPrecision(6));
  const digits = Math.floor(scaled + 0.5);
  const rounded = k >= 0 ? digits / powersOfTen[k] : digits * powersOfTen[-k];
  return value < 0 ? -rounded : rounded;
}

/** Principal axes' lengths (descending): the strategy's own, else from C or the stdDevs. */
export function axisLengthsOf(distribution: Distribution): number[] | null {
  const n = distribution.mean.length;
  if (distribution.axisLengths) return sortedDescending(distribution.axisLengths);
  if (distribution.stdDevs && !distribution.covariance) return sortedDescending(distribution.stdDevs);
  if (distribution.covariance && n <= eigenDimension) {
    return jacobiEigenvalues(distribution.covariance, n)
      .map((v) => Math.sqrt(Math.max(0, v)))
      .sort((a, b) => b - a);
  }
  return null;
}

/** The longest and shortest principal axis, as the ends of `axisLengthsOf`'s sorted lengths, without sorting. */
function axisExtremesOf(distribution: Distribution): number[] | null {
  const sorted = () => {
    const lengths = axisLengthsOf(distribution);
    return lengths && lengths.length > 0 ? [lengths[0], lengths[lengths.length - 1]] : lengths;
  };
  const direct = distribution.axisLengths ?? (distribution.covariance ? undefined : distribution.stdDevs);
  if (!direct || direct.length === 0) return sorted();
  let longest = direct[0];
  let shortest = direct[0];
  for (const v of direct) {
    if (Number.isNaN(v)) return sorted(); // where a NaN lands in the sort decides the ratio
    if (v > longest) longest = v;
    if (v < shortest) shortest = v;
  }
  return [longest, shortest];
}

/**
 * One generation's line. `toUser` maps the internal mean to the problem's parameters (bounds,
 * log scales, integers undone), so the mean panel reads in the user's units; the spreads
 * stay internal, where they are one number per axis whatever the transform.
 */
export function generationLine(
  summary: GenerationSummary,
  distribution: Distribution,
  toUser?: (x: Float64Array) => number[],
): GenerationLine {
  const n = distribution.mean.length;
  const nullable = (v: number) => (Number.isFinite(v) ? v : null);
  const vectors = keepsVectors(summary.generation, n);
  // Sorted lengths only for a line that carries them; the ratio needs just the extremes.
  const lengths = vectors ? axisLengthsOf(distribution) : null;
  const extremes = lengths ? [lengths[0], lengths[lengths.length - 1]] : axisExtremesOf(distribution);
  const metricRatio = summary.metrics.axisRatio;
  const axisRatio =
    extremes && extremes.length > 0 && extremes[1] > 0
      ? extremes[0] / extremes[1]
      : Number.isFinite(metricRatio)
        ? metricRatio
        : null;
  const line: GenerationLine = {
    generation: summary.generation,
    evaluations: summary.evaluations,
    best: summary.best ? summary.best.fitness : null,
    min: nullable(summary.min),
    median: nullable(summary.median),
    stepSize: round(distribution.stepSize),
    axisRatio: axisRatio === null ? null : round(axisRatio),
  };
  if (vectors) {
    const stdDevs =
      distribution.stdDevs ??
      (distribution.covariance
        ? Array.from({ length: n }, (_, i) => Math.sqrt(Math.max(0, distribution.covariance![i * n + i])))
        : undefined);
    line.mean = toNumberArray(toUser ? toUser(distribution.mean) : distribution.mean, round);
    if (stdDevs) line.stdDevs = toNumberArray(stdDevs, round);
    if (lengths) line.axisLengths = toNumberArray(lengths, round);
  }
  return line;
}

export class GenerationLogWriter {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private lastFlush = Date.now();

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  append(line: GenerationLine): void {
    const text = JSON.stringify(line);
    this.buffer.push(text);
    this.bufferedBytes += text.length;
    if (this.bufferedBytes > 1 << 16 || Date.now() - this.lastFlush > 200) this.flush();
  }

  flush(): void {
    this.lastFlush = Date.now();
    if (this.buffer.length === 0) return;
    writeSync(this.fd, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.bufferedBytes = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * Complete lines of the log from byte `from` on (read-only; a line still being written is
 * left for the next call). Returns the records and the offset to continue from.
 */
export function readGenerationLog(
  path: string,
  from = 0,
  maxBytes = 64 << 20,
): { records: GenerationLine[]; next: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], next: 0 };
    throw error;
  }
  try {
    const records: GenerationLine[] = [];
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let position = from;
    let next = from;
    while (position - from < maxBytes) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, start)) {
        const text = data.toString('utf8', start, newline);
        const bytes = newline - start + 1;
        start = newline + 1;
        if (text.trim() !== '') {
          try {
            records.push(JSON.parse(text) as GenerationLine);
          } catch {
            return { records, next };
          }
        }
        next += bytes;
      }
      carry = Buffer.from(data.subarray(start));
    }
    return { records, next };
  } finally {
    closeSync(fd);
  }
}
