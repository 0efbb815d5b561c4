import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; in this repo that is the source.
    alias: [
      { find: /^segmind\/testing$/, replacement: src('testing/index.ts') },
      { find: /^segmind\/redis$/, replacement: src('redis/index.ts') },
      { find: /^segmind$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Limits for a hung test, not timing assertions: generous, so a busy machine does not trip them.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
