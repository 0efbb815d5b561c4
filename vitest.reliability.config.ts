import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:reliability`: fault matrix, property-based validation, random aborts and a soak,
// all against real loopback servers. Writes RELIABILITY.md at the end (reliability/global-setup.ts).
const { projects: _unitAndIntegration, ...shared } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...shared,
    include: ['reliability/**/*.test.ts'],
    globalSetup: ['reliability/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The soak measures memory after a full collection.
    execArgv: ['--expose-gc'],
  },
});
