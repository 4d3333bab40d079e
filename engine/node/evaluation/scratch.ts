/**
 * Per-evaluation scratch directories and template rendering. Each evaluation that needs a
 * directory of its own (templates, or a `{workdir}` placeholder) gets a fresh one under the
 * scratch root, so parallel simulator runs never share input decks or output files.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { substitute, type PlaceholderValues } from './placeholders';
import type { TemplateConfig } from './types';

export class ScratchSpace {
  private root: string | undefined;
  private readonly owned: boolean;

  /** Without a root, a temporary one is made on first use and removed by `dispose`. */
  constructor(root?: string) {
    this.root = root;
    this.owned = root === undefined;
  }

  private ensureRoot(): string {
    if (this.root === undefined) this.root = mkdtempSync(join(tmpdir(), 'evobox-scratch-'));
    return this.root;
  }

  async create(index: number): Promise<string> {
    const root = this.ensureRoot();
    await mkdir(root, { recursive: true });
    return mkdtemp(join(root, `eval-${index}-`));
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  dispose(): void {
    if (this.owned && this.root !== undefined) rmSync(this.root, { recursive: true, force: true });
  }
}

/** Template sources are read once per worker and rendered per evaluation. */
export class TemplateSet {
  private sources: Promise<string[]> | undefined;

  constructor(private readonly templates: readonly TemplateConfig[]) {
    templates.forEach((template, i) => {
      const target = template.target;
      if (isAbsolute(target) || target.split(/[\\/]/).includes('..')) {
        throw new Error(
          `objective.templates[${i}].target must be a relative path inside the scratch directory (got ${JSON.stringify(target)})`,
        );
      }
    });
  }

  get size(): number {
    return this.templates.length;
  }

  private load(): Promise<string[]> {
    this.sources ??= Promise.all(
      this.templates.map((template, i) =>
        readFile(template.source, 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new Error(
            `cannot read objective.templates[${i}].source ${template.source} (${error.code ?? error.message})`,
            { cause: error },
          );
        }),
      ),
    );
    // A failed read is retried on the next evaluation rather than cached forever.
    this.sources.catch(() => (this.sources = undefined));
    return this.sources;
  }

  /** Renders every template into `dir`. */
  async render(dir: string, values: PlaceholderValues): Promise<void> {
    const sources = await this.load();
    await Promise.all(
      this.templates.map(async (template, i) => {
        const target = resolve(dir, substitute(template.target, values));
        if (relative(dir, target).startsWith('..')) {
          throw new Error(`objective.templates[${i}].target leaves the scratch directory`);
        }
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, substitute(sources[i], values));
      }),
    );
  }
}
