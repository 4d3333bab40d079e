/**
 * What a benchmark prints: markdown paragraphs, tables and a closing list of targets, each
 * marked met or not (with the reason where not). Everything printed is also kept, so
 * `--save` can write it to bench/results/<name>.md unchanged.
 */
export type Cell = string | number;

export type TargetStatus = 'met' | 'not met' | 'skipped' | 'not checked';

export interface TargetVerdict {
  target: string;
  measured: string;
  status: TargetStatus;
  /** Why it is not met, skipped or not checked. */
  reason?: string;
}

export class Report {
  private readonly lines: string[] = [];
  private readonly verdicts: TargetVerdict[] = [];

  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  /** One paragraph (or an empty line). */
  text(line = ''): void {
    this.lines.push(line);
    this.write(`${line}\n`);
  }

  /** A markdown table; numeric columns are right-aligned. */
  table(headers: string[], rows: Cell[][]): void {
    const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
    const escape = (cell: Cell) => String(cell).replaceAll('|', '\\|');
    this.text(`| ${headers.map(escape).join(' | ')} |`);
    this.text(`|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`);
    for (const row of rows) this.text(`| ${row.map(escape).join(' | ')} |`);
    this.text();
  }

  target(verdict: TargetVerdict): void {
    this.verdicts.push(verdict);
  }

  /** met when `ok`, else not met with `reason`. */
  check(target: string, measured: string, ok: boolean, reason: string): void {
    this.target({ target, measured, status: ok ? 'met' : 'not met', ...(ok ? {} : { reason }) });
  }

  get targets(): readonly TargetVerdict[] {
    return this.verdicts;
  }

  /** Prints the targets table (call once, at the end of a benchmark). */
  printTargets(): void {
    if (this.verdicts.length === 0) return;
    this.text('Targets:');
    this.text();
    this.table(
      ['target', 'measured', 'status', 'reason'],
      this.verdicts.map((v) => [v.target, v.measured, v.status, v.reason ?? '']),
    );
  }

  markdown(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
