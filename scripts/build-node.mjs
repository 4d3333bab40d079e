// Compiles the Node side of evobox (the CLI and the worker threads it starts) once, with the
// esbuild that tsx already brings, into out/node/: `bin/evobox.mjs` then starts in a fraction
// of the time tsx needs to compile the TypeScript sources at every start, in every thread.
// Runs after `npm ci` (postinstall) and with `npm run build`. bin/evobox.mjs uses the build
// only while it is newer than every source file, so an edited checkout falls back to tsx
// (and `node scripts/build-node.mjs` brings the build up to date).
//
//   node scripts/build-node.mjs           build when stale
//   node scripts/build-node.mjs --force   build anyway
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBuildIsFresh, nodeBuildDir, nodeEntries } from './node-build-state.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const bundledPackages = ['zod', 'commander', 'cli-progress', 'seedrandom'];

function packageNames() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys({
    ...manifest.dependencies,
    ...manifest.devDependencies,
    ...manifest.optionalDependencies,
  });
}

// zod's namespace export re-exports its 50 translations of the error messages (z.locales, 340 KB
// of the 770 KB bundle), which every start would parse; evobox's messages are English, the locale
// zod configures by default. The bundle's z.locales keeps only `en`.
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer, resolveDir }) =>
      /zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(importer)
        ? { path: join(resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-english' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english' }, ({ path }) => ({
      contents: `export { default as en } from ${JSON.stringify(path)};`,
      resolveDir: dirname(path),
    }));
  },
};

/** Builds into out/node/ when stale (or always, with `force`), or into `outDir` when given. */
export async function buildNode({ force = false, outDir = nodeBuildDir(root) } = {}) {
  if (!force && outDir === nodeBuildDir(root) && nodeBuildIsFresh(root)) return false;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('evobox: esbuild is not installed; the CLI will run from its TypeScript sources (tsx).');
    return false;
  }
  // Built beside the old build and renamed into place, so a CLI starting meanwhile never sees
  // half a build.
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(nodeEntries).map(([name, path]) => [name, join(root, path)]),
    ),
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The pure-JS libraries every start loads are bundled: one file parses in half the time of
    // their hundreds of modules (zod alone: 62 ms as modules, 29 ms bundled). Every other
    // package stays one: piscina finds its worker script beside itself, and the rest are loaded
    // only by some commands (bullmq, the benchmarks' dev dependencies).
    external: packageNames().filter((name) => !bundledPackages.includes(name)),
    // Bundled CommonJS calls require() for Node's modules.
    banner: {
      js: "import { createRequire as __evoboxRequire } from 'node:module'; const require = __evoboxRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    outExtension: { '.js': '.js' },
    // Chunks beside the entries: the sources find their neighbours by `import.meta.url`
    // (`./worker.js`, `../../package.json`), and out/node/ is two folders below the root, as
    // engine/node/ and electron/server/ are.
    chunkNames: '[name]-[hash]',
    logLevel: 'warning',
    plugins: [englishOnlyZod],
  });
  writeFileSync(join(staging, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(staging, 'BUILT'), `${new Date().toISOString()}\n`);
  rmSync(`${outDir}.old`, { recursive: true, force: true });
  try {
    renameSync(outDir, `${outDir}.old`);
  } catch {
    // no previous build
  }
  mkdirSync(dirname(outDir), { recursive: true });
  renameSync(staging, outDir);
  rmSync(`${outDir}.old`, { recursive: true, force: true });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildNode({ force: process.argv.includes('--force') });
  console.log(
    built ? `evobox: built the CLI into ${nodeBuildDir(root)}` : 'evobox: the CLI build is up to date',
  );
}
