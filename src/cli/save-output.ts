import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { SegmindClient } from '../client.js';
import type { OutputItem } from '../jobs/job-types.js';
import { UsageError } from './usage.js';

/** A file the bin wrote. */
export interface SavedFile {
  path: string;
  size: number;
  contentType: string;
  /** An image from an earlier run of a journaled batch, left as it was. */
  kept?: boolean;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
};

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const exists = (path: string) => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * Where to write: `-o` as given, inside it when it is a folder (or ends with `/`), else `name` in the
 * current folder. A path without an extension gets one from the image's type when it is known.
 */
export function outputPath(output: string | undefined, name: string): string {
  if (output === undefined) return name;
  if (output.endsWith('/') || output.endsWith('\\') || isDirectory(output)) return join(output, name);
  return output;
}

/** The path of the `index`-th image of one job: `fox.jpg`, `fox-2.jpg`, … */
export function numbered(path: string, index: number): string {
  if (index === 0) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${index + 1}${ext}`;
}

/** Refuses, before anything is sent, to run a job whose output file is already there. */
export function ensureFree(path: string, force: boolean): void {
  if (!force && exists(path)) {
    throw new UsageError(`${path} already exists; pass --force to overwrite it, or choose another -o`);
  }
}

/**
 * Writes bytes to `path` atomically: a temporary file in the same folder, then hard-linked into place
 * (which fails if the name was taken meanwhile: nothing is ever overwritten without `force`) or, with
 * `force`, renamed over it. A failed write leaves nothing behind.
 */
export async function writeImage(
  path: string,
  data: Uint8Array,
  contentType: string,
  force: boolean,
): Promise<SavedFile> {
  const ext = EXTENSIONS[contentType];
  const target = extname(path) === '' && ext ? `${path}${ext}` : path;
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  await writeFile(temp, data, { flag: 'wx' });
  try {
    if (force) await rename(temp, target);
    else await link(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EEXIST'
        ? `${target} already exists; not overwritten (pass --force to overwrite)`
        : `could not write ${target}: ${(err as Error).message}`,
    );
  } finally {
    await rm(temp, { force: true });
  }
  return { path: target, size: data.length, contentType };
}

/** Downloads or decodes each output item and writes it, numbering the files after the first. */
export async function saveOutput(
  client: SegmindClient,
  items: OutputItem[],
  path: string,
  force: boolean,
  signal?: AbortSignal,
): Promise<SavedFile[]> {
  const saved: SavedFile[] = [];
  for (const [i, item] of items.entries()) {
    if (item.type === 'text') continue;
    const image =
      item.type === 'url'
        ? await client.download(item.url, signal ? { signal } : {})
        : { data: item.data, contentType: item.contentType };
    saved.push(await writeImage(numbered(path, i), image.data, image.contentType, force));
  }
  return saved;
}
