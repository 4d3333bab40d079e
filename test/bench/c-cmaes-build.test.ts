import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCCmaes, defaultCCmaesPath } from '../../bench/c-cmaes-build';

describe('bench/c-cmaes-build', () => {
  it('says why when there is no compiler', () => {
    const result = buildCCmaes({ CC: 'evobox-no-such-compiler' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.reason).toMatch(/^no C compiler: `evobox-no-such-compiler --version` failed/);
  });

  it('says why when the source is missing, naming the path and the variable', () => {
    const result = buildCCmaes({ EVOBOX_C_CMAES_PATH: '/nonexistent/c-cmaes' });
    if (!result.ok && result.reason.startsWith('no C compiler')) return; // no cc on this machine
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain('/nonexistent/c-cmaes does not exist');
      expect(result.reason).toContain('EVOBOX_C_CMAES_PATH');
    }
  });

  it.runIf(existsSync(defaultCCmaesPath))('builds c-cmaes with the driver and times generations', () => {
    const result = buildCCmaes({ EVOBOX_C_CMAES_PATH: defaultCCmaesPath });
    if (!result.ok) throw new Error(result.reason);
    try {
      const timing = result.build.time(10, 300, 2, 1);
      expect(timing).toMatchObject({ dimension: 10, lambda: 10, updatecov: 2, generations: 300 });
      expect(timing.cpuMicros).toBeGreaterThan(0);
    } finally {
      result.build.dispose();
    }
  });
});
