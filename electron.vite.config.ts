/**
 * Builds the desktop app: Electron main (ESM), the sandboxed preload (CommonJS: a sandboxed
 * preload cannot load ES modules) and the Svelte renderer. The engine is not bundled: it runs
 * from its TypeScript sources through tsx in a utility process (electron/backend/host-launcher.mjs),
 * exactly as the CLI runs it, so its worker threads find their files.
 * `out/renderer` is also what `evobox serve` hands to the browser.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { index: resolve(__dirname, 'electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can require only a few Electron modules: bundle everything.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
