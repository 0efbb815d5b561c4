import { it } from 'vitest';

/**
 * The test only where it applies (an endpoint the model has, a parameter it takes): elsewhere no
 * test of that name is registered, rather than a skipped one that looks like missing coverage.
 * @example
 * onlyWhere(spec.endpoints.includes('v1'))('v1 answers with a PNG', async () => { … });
 */
export const onlyWhere = (applies: unknown): typeof it =>
  applies ? it : ((() => {}) as unknown as typeof it);
