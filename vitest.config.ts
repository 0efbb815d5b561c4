import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

/**
 * End-to-end checks of the packed package in other tools, each a minute or more: bundlers (esbuild,
 * webpack, rollup, a Next.js standalone build) and a headless browser. CI runs them as a step of
 * their own (`npm run test:e2e`); `npm test` leaves them out to stay fast.
 */
export const E2E = ['test/bundling/**/*.test.ts', 'test/browser/**/*.test.ts'];

/**
 * Tests that need more than this process: real Redis, child processes (examples, the built CLI,
 * kill -9), a pseudo-terminal. Everything else is `unit`: in process, against loopback fakes, on
 * the manual clock where time matters.
 */
export const INTEGRATION = [
  'test/redis/**/*.test.ts',
  'test/**/*.smoke.test.ts',
  'test/**/*.integration.test.ts',
  'test/examples.test.ts',
  'test/batch/batch-example.test.ts',
  'test/limits/lazy-loading.test.ts',
  'test/http/cold-start-burst.test.ts',
];

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
    // Type tests (`*.test-d.ts`) are checked by `tsc` in `npm test` (tsconfig includes test/): a
    // failed `expectTypeOf` is a compile error there, so vitest does not type-check a second time.
    typecheck: { enabled: false },
    // Limits for a hung test, not timing assertions: generous, so a busy machine does not trip them.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: the unit tests are mostly waiting on loopback I/O, not computing.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...INTEGRATION, ...E2E],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: INTEGRATION },
      },
      {
        extends: true,
        test: { name: 'e2e', include: E2E },
      },
    ],
  },
});
