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
    // [file, import, restricted imports reported]
    ['engine/core/probe.ts', "import probe from 'node:fs';", 1],
    ['engine/core/probe.ts', "import probe from 'path';", 1],
    ['engine/problem/probe.ts', "import probe from '../node/evaluation/pool';", 1],
    ['engine/objectives/probe.ts', "import probe from 'node:crypto';", 1],
    ['engine/node/cli/probe.ts', "import probe from '../../../electron/server/index';", 1],
    ['engine/node/cli/probe.ts', "import probe from '../../../bench/index';", 1],
    ['engine/strategies/probe.ts', "import probe from '../../renderer/src/lib/draft';", 1],
    ['electron/ipc-contract.ts', "import probe from '../engine/node/problem/schema';", 1],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/node/run/runner';", 1],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/strategies/registry';", 1],
    ['renderer/src/lib/probe.ts', "import probe from '../../../electron/backend/service';", 1],
    ['renderer/src/lib/probe.ts', "import probe from '../../../electron/server/index';", 1],
    ['renderer/src/lib/probe.ts', "import probe from 'node:path';", 1],
    ['engine/node/cli/probe.ts', "import probe from 'node:fs';", 0],
    ['engine/core/probe.ts', "import probe from '../wasm/kernels';", 0],
    ['engine/problem/probe.ts', "import probe from 'zod';", 0],
    ['renderer/src/lib/probe.ts', "import probe from '../../../electron/ipc-contract';", 0],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/core/search-space';", 0],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/problem/protocols';", 0],
    ['renderer/src/lib/probe.ts', "import probe from '../../../engine/objectives/index';", 0],
  ] as const)('%s: %s → %i reported', async (file, source, count) => {
    expect(await restricted(file, source)).toBe(count);
  });
});
