/** Launches the desktop app when an Electron binary is installed; otherwise says why not. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { repoRoot } from './env';

const binaryDir = join(repoRoot, 'node_modules', 'electron', 'dist');

test('the Electron window opens with the workbench', async () => {
  test.skip(
    !existsSync(binaryDir),
    `no Electron binary (${binaryDir} is missing: its download was not possible here); browser mode is tested instead`,
  );
  const app = await electron.launch({
    args: [repoRoot],
    cwd: repoRoot,
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('button', { name: 'Open problem' })).toBeVisible();
    // The renderer has no Node: the preload's bridge is all it gets.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
    expect(
      await window.evaluate(() => Object.keys((window as unknown as { evobox: object }).evobox).sort()),
    ).toEqual(['invoke', 'on']);
    const info = await window.evaluate(() =>
      (
        window as unknown as { evobox: { invoke(c: string, r: unknown): Promise<{ mode: string }> } }
      ).evobox.invoke('app:info', {}),
    );
    expect(info.mode).toBe('electron');
  } finally {
    await app.close();
  }
});
