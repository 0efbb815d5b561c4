import { createRequire } from 'node:module';

// undici and zod each take longer to import than all of this SDK: they are loaded on first use,
// so `import 'segmind'` stays cheap for serverless cold starts.
const requireModule = createRequire(import.meta.url);

/** Loads a dependency synchronously the first time it is needed, then returns the cached module. */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requireModule(specifier) as T;
    return loaded;
  };
}

export { lazyObject } from './lazy-object.js';
