import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { SegmindClient } from '../client.js';
import type { OutputItem } from '../jobs/job-types.js';
import { sniffImageType } from '../results/image-result.js';
import { IMAGE_EXTENSIONS } from './output-path.js';

/** A file the bin wrote. */
export interface SavedFile {
  /** As the user would write it (relative to the folder the bin runs in, when `-o` was). */
  path: string;
  size: number;
  /** The format of the bytes written (from their signature, else the server's content type). */
  contentType: string;
  /** An image from an earlier run of a journaled batch, left as it was. */
  kept?: boolean;
}

/** The bytes were kept as sent, under a name whose extension says another format. */
export interface ExtensionMismatch {
  code: 'extension-mismatch';
  path: string;
  /** What the bytes are. */
  contentType: string;
  /** The extension that format has (`.png`). */
  expected: string;
}

/** How images are written. */
export interface WriteOptions {
  /** The folder relative paths are taken from. */
  cwd: string;
  /** Replace an existing file (never done otherwise). */
  force: boolean;
  /** Told when a file's extension and its bytes disagree (the bytes are written as they came). */
  warn(warning: ExtensionMismatch): void;
}

/** The path of the `index`-th image of one job: `fox.jpg`, `fox-2.jpg`, … */
export function numbered(path: string, index: number): string {
  if (index === 0) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${index + 1}${ext}`;
}

/**
 * Writes bytes to `path` (relative to `cwd`), named by what they are: their format comes from their
 * signature (the server's `contentType` when unrecognised); a path without an extension gets that
 * format's; one with another extension keeps the name and the bytes as sent, and `warn` says so.
 *
 * The write is atomic: a temporary file in the same folder, then hard-linked into place (which fails
 * if the name was taken meanwhile: nothing is ever overwritten without `force`) or, with `force`,
 * renamed over it. A failed write leaves nothing behind.
 */
export async function writeImage(
  path: string,
  data: Uint8Array,
  contentType: string,
  options: WriteOptions,
): Promise<SavedFile> {
  const format = sniffImageType(data, contentType);
  const extensions = IMAGE_EXTENSIONS[format];
  const ext = extname(path);
  const shown = ext === '' && extensions ? `${path}${extensions[0]}` : path;
  if (ext !== '' && extensions && !extensions.includes(ext.toLowerCase())) {
    options.warn({ code: 'extension-mismatch', path: shown, contentType: format, expected: extensions[0]! });
  }
  const target = resolve(options.cwd, shown);
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  await writeFile(temp, data, { flag: 'wx' });
  try {
    if (options.force) await rename(temp, target);
    else await link(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'EEXIST'
        ? `${shown} already exists; not overwritten (pass --force to overwrite)`
        : `could not write ${shown}: ${(err as Error).message}`,
    );
  } finally {
    await rm(temp, { force: true });
  }
  return { path: shown, size: data.length, contentType: format };
}

/** Downloads or decodes each output item and writes it, numbering the files after the first. */
export async function saveOutput(
  client: SegmindClient,
  items: OutputItem[],
  path: string,
  options: WriteOptions,
  signal?: AbortSignal,
): Promise<SavedFile[]> {
  const saved: SavedFile[] = [];
  for (const [i, item] of items.entries()) {
    if (item.type === 'text') continue;
    const image =
      item.type === 'url'
        ? await client.download(item.url, signal ? { signal } : {})
        : { data: item.data, contentType: item.contentType };
    saved.push(await writeImage(numbered(path, i), image.data, image.contentType, options));
  }
  return saved;
}

/** The warning line for an {@link ExtensionMismatch}. */
export function mismatchMessage(w: ExtensionMismatch): string {
  const kind = w.contentType.replace(/^image\//, '').toUpperCase();
  return `${w.path} holds ${kind} bytes, saved as sent; its extension says otherwise (${kind} is ${w.expected})`;
}
