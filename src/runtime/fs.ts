import type * as FsPromises from 'node:fs/promises';
import { SegmindError } from '../errors.js';
import { hasFileSystem, noFileSystem } from './detect.js';

/** A file opened for writing by {@link FileSystem.create}. */
export interface FileWriter {
  /** Appends `chunk`; resolves once the runtime has taken it (back-pressure for downloads). */
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Bytes written so far. */
  readonly bytesWritten: number;
}

/** The few file operations the SDK needs, the same on Node, Bun and Deno. */
export interface FileSystem {
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Creates `path` for writing; fails when it exists (`wx`), so a temp name never clobbers a file. */
  create(path: string): Promise<FileWriter>;
  rename(from: string, to: string): Promise<void>;
  /** Removes `path`; no error when it is already gone. */
  remove(path: string): Promise<void>;
  /** The runtime's `node:fs/promises`, for the rest (journals read and append). */
  readonly promises: typeof FsPromises;
}

let loaded: Promise<FileSystem> | undefined;

/**
 * The file system, where the runtime has one (Node, Bun and Deno, through their `node:fs`); on
 * Cloudflare Workers and in browsers a `SegmindError` naming `feature` and what to do instead.
 * `node:fs` is imported only here, on first use: Workers without `nodejs_compat` cannot even load it.
 */
export function fileSystem(feature: string): Promise<FileSystem> {
  if (!hasFileSystem()) return Promise.reject(noFileSystem(feature));
  loaded ??= load().catch((err: unknown) => {
    loaded = undefined;
    throw new SegmindError(`${feature}: could not load node:fs/promises (${(err as Error).message})`, {
      cause: err,
    });
  });
  return loaded;
}

// A literal specifier, so bundlers see it; the Workers/browser build swaps this module for
// no-fs.ts (tsup.config.ts), where nothing imports node:fs at all.
async function load(): Promise<FileSystem> {
  const fs = await import('node:fs/promises');
  return {
    promises: fs,
    writeFile: (path, data) => fs.writeFile(path, data),
    rename: (from, to) => fs.rename(from, to),
    remove: (path) => fs.rm(path, { force: true }),
    async create(path) {
      const handle = await fs.open(path, 'wx');
      let bytesWritten = 0;
      return {
        get bytesWritten() {
          return bytesWritten;
        },
        async write(chunk) {
          // A short write is possible in principle: loop until the whole chunk is on disk.
          for (let at = 0; at < chunk.length; ) {
            const { bytesWritten: n } = await handle.write(chunk, at, chunk.length - at);
            at += n;
            bytesWritten += n;
          }
        },
        close: () => handle.close(),
      };
    },
  };
}
