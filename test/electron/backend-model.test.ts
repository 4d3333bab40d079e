/**
 * The backend serves the problem model: it publishes the protocols, limits and strategy
 * metadata once (in the shapes the CLI prints and the renderer's editors read), and its
 * validate reports the model's field-named errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../electron/backend/service';
import { describeStrategies } from '../../engine/core/strategy-info';
import { protocolCatalog, protocolIds } from '../../engine/problem/protocols';
import { problemLimits } from '../../engine/problem/schema';
import { strategies } from '../../engine/strategies/registry';

const runsDir = mkdtempSync(join(tmpdir(), 'evobox-catalog-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));
const backend = new Backend({ mode: 'browser', runsDir, examplesDir: runsDir, emit: () => {} });

describe('published catalog', () => {
  it('app:info carries every protocol of the catalog, in order, and the schema’s limits', async () => {
    const { catalog } = await backend.invoke('app:info', {});
    expect(catalog.protocols.map((p) => p.id)).toEqual(protocolIds);
    for (const protocol of catalog.protocols) expect(protocol).toMatchObject(protocolCatalog[protocol.id]);
    expect(catalog.limits).toEqual(problemLimits);
    // It crosses HTTP as JSON unchanged.
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
  });

  it('strategies:list is the one strategy serialisation', async () => {
    expect(await backend.invoke('strategies:list', { dimension: 7 })).toEqual(
      describeStrategies(strategies, 7),
    );
  });

  it('problem:validate shows what would stop a run before it starts', async () => {
    const draft = {
      name: 'p',
      objective: { command: '/usr/bin/python3', args: ['server.py', '--x={x}'], protocol: 'line' },
      parameters: [{ name: 'x', lower: 0, upper: 1 }],
    };
    expect(await backend.invoke('problem:validate', { draft, baseDir: runsDir })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^objective\.args\[1\]: \{x\} is a parameter, but a line process/)],
    });
    const typo = { ...draft, objective: { ...draft.objective, protocol: 'args', args: ['{y}'] } };
    expect(await backend.invoke('problem:validate', { draft: typo, baseDir: runsDir })).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^objective\.args\[0\]: \{y\} names no parameter/)],
    });
  });
});
