import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:reliability`: fault matrix, property-based validation, random aborts and a soak,
// all against real loopback servers. Writes RELIABILITY.md at the end (reliability/global-setup.ts).
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['reliability/**/*.test.ts'],
      typecheck: { enabled: false },
      globalSetup: ['reliability/global-setup.ts'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  }),
);
