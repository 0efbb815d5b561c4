// file-from.ts for the workerd/worker and browser builds (tsup.config.ts puts this module in its
// place): those runtimes have no file system, and file-from.ts imports node:fs.
import { SegmindError } from '../errors.js';
import { detectRuntime } from '../runtime/detect.js';

/** The error `fileFrom()` throws where there is no file system: one sentence for both builds. */
export function noFileSystem(path: string): SegmindError {
  const where = detectRuntime() === 'browser' ? 'in a browser' : `on this runtime (${detectRuntime()})`;
  return new SegmindError(
    `fileFrom(${JSON.stringify(path)}) reads a file from disk, and there is no file system ${where}: pass the image's bytes instead (a Uint8Array, ArrayBuffer, Blob or File, e.g. from a form upload or R2/KV)`,
  );
}

/** Stands in for `fileFrom()` where there is no file system: always throws. */
export function fileFrom(path: string, _options?: { type?: string }): File {
  throw noFileSystem(path);
}
