// fs.ts for the Workers/browser build (tsup.config.ts puts this module in its place): there is no
// file system there, and even an unused `import('node:fs/promises')` breaks a Worker's bundle.
import { noFileSystem } from './detect.js';
import type { FileSystem } from './fs.js';

export type { FileSystem, FileWriter } from './fs.js';

/** Always a `SegmindError` naming `feature`: this runtime has no file system. */
export function fileSystem(feature: string): Promise<FileSystem> {
  return Promise.reject(noFileSystem(feature));
}
