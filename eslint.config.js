import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// Dependency rules (docs/architecture.md): which layer may import which. Each rule lists its
// folders' whole set of restrictions, since a later config object replaces, not extends, a
// rule's options for the files it matches.
const noNodeBuiltins = (why) => ({
  paths: builtinModules.map((name) => ({ name, message: why })),
  patterns: [{ group: ['node:*'], message: why }],
});
const notAboveTheEngine = {
  group: ['**/electron/**', '**/renderer/**', '**/bench/**'],
  message:
    'the engine imports nothing from electron/, renderer/ or bench/ (bin/evobox.mjs wires serve and bench in)',
};
const pureWhy = 'this module is pure (the renderer and browsers load it): no Node built-ins';
const notNodeEngine = {
  group: ['**/node/**', '!**/node_modules/**'],
  message: 'pure modules do not import engine/node (processes, files, threads)',
};

function restrict(options) {
  return { 'no-restricted-imports': ['error', options] };
}

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'runs', 'test-results', 'playwright-report', 'wasm'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['engine/**'],
    rules: restrict({ patterns: [notAboveTheEngine] }),
  },
  {
    // The pure engine: the problem model, the core, the test functions (also the renderer's).
    files: ['engine/core/**', 'engine/problem/**', 'engine/objectives/**'],
    rules: restrict({
      paths: noNodeBuiltins(pureWhy).paths,
      patterns: [...noNodeBuiltins(pureWhy).patterns, notAboveTheEngine, notNodeEngine],
    }),
  },
  {
    // The IPC contract is shared with the renderer.
    files: ['electron/ipc-contract.ts', 'electron/ipc-channels.ts'],
    rules: restrict({
      paths: noNodeBuiltins(pureWhy).paths,
      patterns: [
        ...noNodeBuiltins(pureWhy).patterns,
        {
          group: ['**/engine/node/**', '**/engine/strategies/**', './backend/**', './server/**', './main/**'],
          message:
            'the IPC contract imports only pure modules (engine/core, engine/problem, engine/objectives)',
        },
      ],
    }),
  },
  {
    files: ['renderer/**'],
    rules: restrict({
      paths: noNodeBuiltins('the renderer runs in a browser: no Node built-ins').paths,
      patterns: [
        ...noNodeBuiltins('the renderer runs in a browser: no Node built-ins').patterns,
        {
          // Anything under engine/ or electron/ but the pure shared modules, and bench/.
          regex: '(^|/)(engine/(?!(core|problem|objectives)/)|electron/(?!ipc-(contract|channels)$)|bench/)',
          message:
            'the renderer imports only pure shared modules: electron/ipc-contract, electron/ipc-channels, engine/core, engine/problem, engine/objectives (running code comes over IPC)',
        },
      ],
    }),
  },
);
