import { createRequire } from 'node:module';

// undici and zod each take longer to import than all of this SDK: they are loaded on first use,
// so `import 'segmind'` stays cheap for serverless cold starts.
const requireModule = createRequire(import.meta.url);

/** Loads a dependency synchronously the first time it is needed, then returns the cached module. */
export function lazyModule<T>(specifier: string, fallback?: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        loaded = requireModule(specifier) as T;
      } catch (err) {
        if (fallback === undefined || (err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
        loaded = requireModule(fallback) as T;
      }
    }
    return loaded;
  };
}

export { lazyObject } from './lazy-object.js';
