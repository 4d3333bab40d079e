/** Shared by playwright.config.ts, the test server and the specs (each runs in its own process). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2ePort = Number(process.env.EVOBOX_E2E_PORT ?? 47831);
export const e2eToken = 'evobox-e2e-token-0123456789abcdef';
export const e2eOrigin = `http://127.0.0.1:${e2ePort}`;
export const e2eUrl = `${e2eOrigin}/?token=${e2eToken}`;
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = join(repoRoot, 'test', 'e2e', 'fixtures');
