/**
 * The compiled CLI (scripts/build-node.mjs): it carries zod's English messages only, and the
 * built `evobox run` still names the field a bad problem gets wrong, in English.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './evobox-process';

// Two folders below the root, as out/node/ is: the sources find ../../package.json from there.
const outDir = join(root, 'out', `test-build-${process.pid}`);

describe('the Node build', () => {
  beforeAll(async () => {
    const script = pathToFileURL(join(root, 'scripts', 'build-node.mjs')).href;
    const { buildNode } = (await import(script)) as {
      buildNode: (options: { outDir: string }) => Promise<boolean>;
    };
    expect(await buildNode({ outDir })).toBe(true);
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('bundles zod with its English messages and none of its other locales', () => {
    const code = readdirSync(outDir)
      .filter((name) => name.endsWith('.js'))
      .map((name) => readFileSync(join(outDir, name), 'utf8'))
      .join('\n');
    expect(code).toContain('node_modules/zod/v4/locales/en.js');
    expect(code).not.toMatch(/node_modules\/zod\/v4\/locales\/(?!en\.js)[\w-]+\.js/);
  });

  it('reports a bad problem field by name, in English', () => {
    const work = mkdtempSync(join(root, 'out', 'test-build-problem-'));
    try {
      const problem = join(work, 'bad.json');
      writeFileSync(
        problem,
        JSON.stringify({
          name: 'bad',
          objective: { builtin: 'sphere' },
          parameters: [{ name: 'x', lower: 'low', upper: 1 }],
          budget: { evaluations: 10 },
        }),
      );
      const cli = pathToFileURL(join(outDir, 'cli.js')).href;
      const result = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(process.argv.slice(1));`,
          'run',
          problem,
          '--out',
          join(work, 'run'),
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('parameters[0].lower: expected number, received string');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
