// The benchmarks measure the built package (dist/), which is what users run; types come from the
// source, so the bench type-checks before anything is built.
import type * as Sdk from '../src/index.js';

const DIST = new URL('../dist/index.js', import.meta.url).href;

export const { SegmindClient } = (await import(DIST)) as typeof Sdk;
