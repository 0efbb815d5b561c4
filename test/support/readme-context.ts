import type { MockServer } from '../../src/testing/index.js';

let current: MockServer | undefined;

/** The fake server README blocks run against (test/readme.test.ts starts it). */
export const readme = {
  server(): MockServer {
    if (!current) throw new Error('README blocks run only inside test/readme.test.ts');
    return current;
  },
  use(server: MockServer | undefined): void {
    current = server;
  },
};
