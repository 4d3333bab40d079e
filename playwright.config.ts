/**
 * GUI tests against browser mode (`evobox serve`), in Debian's Chromium. The web server
 * builds the UI when it is stale and serves it with a fixed token on 127.0.0.1.
 */
import { defineConfig } from '@playwright/test';
import { e2ePort, e2eToken } from './test/e2e/env';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${e2ePort}`,
    viewport: { width: 1400, height: 950 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.EVOBOX_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx test/e2e/serve.ts',
    url: `http://127.0.0.1:${e2ePort}/?token=${e2eToken}`,
    reuseExistingServer: false,
    // SIGTERM rather than SIGKILL, so serve.ts closes the server and removes its runs folder.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
