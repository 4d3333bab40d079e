/**
 * The dependency rules in eslint.config.js (docs/architecture.md): each forbidden import is
 * reported in the folder it is forbidden in, and each allowed one is not.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The restricted imports ESLint reports for `source` placed at `file`. */
async function restricted(file: string, source: string): Promise<number> {
  const [result] = await eslint.lintText(`${source}\nexport const used = probe;\n`, {
    filePath: resolve(root, file),
  });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
}

describe('dependency rules', () => {
  it.each([
    ['engine/core/probe.ts', "import probe from 'node:fs';"],
    ['engine/core/probe.ts', "import probe from 'path';"],
    ['engine/problem/probe.ts', "import probe from '../node/evaluation/pool';"],
    ['engine/objectives/probe.ts', "import probe from 'node:crypto';"],
    ['engine/node/cli/probe.ts', "import probe from '../../../electron/server/index';"],
    ['engine/node/cli/probe.ts', "import probe from '../../../bench/index';"],
    ['engine/strategies/probe.ts', "import probe from '../../renderer/src/lib/draft';"],
    ['electron/ipc-contract.ts', "import probe from '../engine/node/problem/schema';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/node/run/runner';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/strategies/registry';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../electron/backend/service';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../electron/server/index';"],
    ['renderer/src/lib/probe.ts', "import probe from 'node:path';"],
  ])('reports %s: %s', async (file, source) => {
    expect(await restricted(file, source)).toBe(1);
  });

  it.each([
    ['engine/node/cli/probe.ts', "import probe from 'node:fs';"],
    ['engine/core/probe.ts', "import probe from '../wasm/kernels';"],
    ['engine/problem/probe.ts', "import probe from 'zod';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../electron/ipc-contract';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/core/search-space';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/problem/protocols';"],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/objectives/index';"],
  ])('allows %s: %s', async (file, source) => {
    expect(await restricted(file, source)).toBe(0);
  });
});
