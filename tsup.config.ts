import { defineConfig } from 'tsup';

const entry = { index: 'src/index.ts', testing: 'src/testing/index.ts' };

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
    noExternal: ['p-retry', 'is-network-error'],
    // src/lazy.ts uses import.meta.url to load undici and zod on first use.
    shims: true,
  },
]);
