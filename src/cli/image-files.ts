// Image parameters written as text, on the command line or in a batch line: an http(s) URL is sent
// as is; anything else is a file, checked here (exists, is a file, can be read, and is an image the
// SDK will take) before anything is sent, and handed to the SDK as fileFrom(path), which uploads it
// when the request goes out.
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../options/client-options.js';
import { fileFrom } from '../uploads/file-from.js';
import { checkImage } from '../uploads/image-bytes.js';
import { UsageError } from './usage.js';

/**
 * `true` for text that names an image by URL: it starts with `http://` or `https://`. Anything else
 * is a path (`photo.jpg`, `./http.png`, `C:\…`); a malformed URL is then the SDK's to refuse.
 */
export function isUrlText(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/**
 * The images of one command: each path resolved against the folder it was written relative to,
 * checked, and turned into one `File` per distinct file, so the lines of a batch that use the same
 * photo share one `File` (and the SDK uploads it once).
 */
export class ImageFiles {
  readonly #cwd: string;
  readonly #files = new Map<string, File>();
  // Files not yet checked by their bytes, with how the first use named them.
  readonly #unchecked: { file: File; path: string; label: string }[] = [];

  /** @param cwd the folder paths in messages are shown relative to. */
  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  /**
   * `text` as an image value: the URL itself, or a `File` for the path (relative to `folder`).
   * A path that is no readable file is a {@link UsageError} naming `label` and the path.
   */
  resolve(text: string, folder: string, label: string): string | File {
    if (isUrlText(text)) return text;
    if (text === '') throw new UsageError(`${label}: an image is a file path or an http(s) URL, not empty`);
    const path = resolve(folder, text);
    const known = this.#files.get(path);
    if (known) return known;
    this.#check(path, label);
    const file: File = fileFrom(path);
    this.#files.set(path, file);
    this.#unchecked.push({ file, path, label });
    return file;
  }

  /**
   * Checks the files resolved since the last call as the SDK's upload will (not empty, within the
   * default `maxUploadBytes`, a PNG, JPEG, WebP or GIF by its first bytes or its extension), with
   * the SDK's own check, reading only their first bytes. Returns the broken rules, one line each
   * (`--input-image: notes.txt: not a PNG, JPEG, WebP or GIF image …`), so a batch refuses a bad
   * photo in line 300 before line 1 is sent.
   */
  async verify(): Promise<string[]> {
    const pending = this.#unchecked.splice(0);
    const checked = await Promise.all(
      pending.map(({ file, label }) => checkImage(label, file, DEFAULT_MAX_UPLOAD_BYTES)),
    );
    return checked.flatMap((c, i) =>
      'path' in c ? [`${c.path}: ${this.#shown(pending[i]!.path)}: ${c.message}`] : [],
    );
  }

  /**
   * An image parameter's value: a string as {@link resolve}, a list element by element (other
   * values are left for the model's rules to refuse).
   */
  resolveValue(value: unknown, array: boolean, folder: string, label: string): unknown {
    if (array && Array.isArray(value)) {
      return value.map((item, i) =>
        typeof item === 'string' ? this.resolve(item, folder, `${label}[${i}]`) : item,
      );
    }
    return typeof value === 'string' ? this.resolve(value, folder, label) : value;
  }

  #check(path: string, label: string): void {
    const shown = this.#shown(path);
    let reason: string | undefined;
    try {
      if (statSync(path).isDirectory()) reason = `${shown} is a folder, not an image file`;
      else accessSync(path, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      reason =
        code === 'ENOENT' || code === 'ENOTDIR'
          ? `no such file ${shown} (an image is a file path or an http(s) URL)`
          : code === 'EACCES' || code === 'EPERM'
            ? `cannot read ${shown}: permission denied`
            : `cannot read ${shown}: ${code ?? (err as Error).message}`;
    }
    if (reason) throw new UsageError(`${label}: ${reason}`);
  }

  // A path as the user can find it: relative to the current folder when inside it.
  #shown(path: string): string {
    const rel = relative(this.#cwd, path);
    if (rel === '') return '.';
    return !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  }
}
