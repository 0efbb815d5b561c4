// lazy.ts for the workerd/worker and browser builds (tsup.config.ts puts this module in its place):
// there is no createRequire there, so the few dependencies loaded on demand are imported up front
// and handed out by name. undici is never one of them: those builds use the fetch transport.
// @ts-expect-error: the package types its main entry only; this subpath is the in-memory limiter.
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
import * as zod from 'zod';
import { SegmindError } from '../errors.js';

export { lazyObject } from '../util/lazy-object.js';

const MODULES: Record<string, unknown> = {
  zod,
  'rate-limiter-flexible/lib/RateLimiterMemory.js': RateLimiterMemory,
};

/** The module imported above under `specifier`; a `SegmindError` for any other. */
export function lazyModule<T>(specifier: string, fallback?: string): () => T {
  return () => {
    const loaded = MODULES[specifier] ?? (fallback === undefined ? undefined : MODULES[fallback]);
    if (loaded === undefined) {
      throw new SegmindError(`${specifier} is not available in this build of segmind (Workers/browser)`);
    }
    return loaded as T;
  };
}
