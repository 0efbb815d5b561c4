import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Builds the SDK for runtimes other than Node by swapping a few modules for their counterparts
 * (keys and values are paths under src/), and fails the build if anything still imports `node:`
 * where `forbidNode` says no runtime module may exist (Workers without nodejs_compat, browsers).
 */
function runtimeBuild(swaps: Record<string, string>, forbidNode: boolean): Plugin {
  const table = new Map(
    Object.entries(swaps).map(([from, to]) => [resolve('src', from), resolve('src', to)]),
  );
  return {
    name: 'segmind-runtime',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = table.get(resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts'));
        return target ? { path: target } : undefined;
      });
      if (forbidNode) {
        build.onResolve({ filter: /^node:/ }, (args) => ({
          errors: [
            { text: `${args.path} imported by ${args.importer}: the edge build must not use node: modules` },
          ],
        }));
      }
    },
  };
}

// Bun: fetch instead of undici; everything else as on Node (it has node:fs, createRequire). Deno loads
// the Node build (undici never re-sends a POST; Deno's fetch may), see package.json `exports`.
const FETCH_SWAPS = { 'http/create-transport.ts': 'http/create-transport.fetch.ts' };
// Workers and browsers: no createRequire and no file system either.
const EDGE_SWAPS = {
  ...FETCH_SWAPS,
  'batch/journal.ts': 'runtime/no-journal.ts',
  'runtime/fs.ts': 'runtime/no-fs.ts',
  'uploads/file-from.ts': 'uploads/no-file-from.ts',
};

const entry = { index: 'src/index.ts', testing: 'src/testing/index.ts', redis: 'src/redis/index.ts' };

// zod/mini is bundled into the SDK, tree-shaken to the few builders the registry compiles to: it
// then loads in a few ms on first validation (src/models/request-body.ts), where the zod package
// itself takes ~50 ms. `zod` stays a dependency for the types of the exported schemas.
const BUNDLED_ZOD = ['zod'];

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'node20',
    removeNodeProtocol: false,
    sourcemap: true,
    splitting: true,
    noExternal: BUNDLED_ZOD,
  },
  {
    entry,
    format: ['cjs'],
    dts: true,
    target: 'node20',
    removeNodeProtocol: false,
    sourcemap: true,
    // p-retry is ESM-only; bundling it into the CommonJS build keeps `require('segmind')` working on
    // Node 20.18, which cannot require() an ES module.
    noExternal: ['p-retry', 'is-network-error', ...BUNDLED_ZOD],
  },
  {
    // `bun` condition: the fetch transport by default (see package.json `exports`).
    entry: { 'fetch/index': 'src/index.ts' },
    format: ['esm'],
    target: 'es2022',
    removeNodeProtocol: false,
    sourcemap: true,
    splitting: true,
    noExternal: BUNDLED_ZOD,
    esbuildPlugins: [runtimeBuild(FETCH_SWAPS, false)],
  },
  {
    // `workerd`, `worker`, `browser` conditions: fetch, no node: module anywhere.
    entry: { 'edge/index': 'src/index.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'neutral',
    removeNodeProtocol: false,
    sourcemap: true,
    splitting: true,
    noExternal: BUNDLED_ZOD,
    esbuildPlugins: [runtimeBuild(EDGE_SWAPS, true)],
  },
  {
    // The `segmind` bin: its own ESM bundle, so nothing CLI-only reaches the SDK's entry points.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    target: 'node20',
    removeNodeProtocol: false,
    sourcemap: true,
    splitting: false,
    // zod's subset bundled in, so the bin loads it only on first validation (~30 ms off a refusal).
    noExternal: BUNDLED_ZOD,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
