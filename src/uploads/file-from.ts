import { type Stats, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { SegmindError } from '../errors.js';
import { hasFileSystem } from '../runtime/detect.js';
import { typeForFileName } from './image-format.js';
import { noFileSystem } from './no-file-from.js';

/** Options of {@link fileFrom}. */
export interface FileFromOptions {
  /**
   * The file's media type, when its extension does not say it (the upload still recognises PNG,
   * JPEG, WebP and GIF from the bytes, whatever this says).
   * @default from the extension (`.png` → `image/png`, `.jpg` → `image/jpeg`, …), else `''`
   */
  type?: string | undefined;
}

/**
 * A `File` (a `Blob`) for a file on disk, read only when it is used: pass it to any image parameter
 * (`input_image`, `image_urls[i]`, …) or to `client.files.upload()`. Its `size` comes from the file
 * system, so the SDK refuses a file over `maxUploadBytes` without reading it. Node.js, Bun and
 * Deno; on Cloudflare Workers and in browsers it throws a `SegmindError` (there is no file system:
 * pass the bytes).
 *
 * It is read with its own `arrayBuffer()`, `bytes()`, `text()`, `stream()` and `slice()`; the
 * platform's own consumers that read a Blob's internal storage (a `fetch` body, `FormData`) see it
 * empty: for those use `fs.openAsBlob()`. The file must not change while it is read (the read fails
 * if its size changed since `size` was first asked).
 * @example
 * import { fileFrom } from 'segmind';
 * await client.run('flux-kontext-pro', { prompt: 'make it night', input_image: fileFrom('photo.jpg') });
 */
export function fileFrom(path: string, options: FileFromOptions = {}): File {
  if (typeof path !== 'string' || path === '') {
    throw new SegmindError(`fileFrom(path): path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  // The Node build can still run where files are off limits (a bundle for Workers without conditions).
  if (!hasFileSystem()) throw noFileSystem(path);
  return new DiskFile(path, options.type ?? typeForFileName(path), 0, undefined);
}

/** Bytes read from disk per chunk of `stream()`. */
const CHUNK = 256 * 1024;

// A File whose bytes stay on disk until read. `super([])` makes an empty File for the brand checks
// (`instanceof Blob`, `Object.prototype.toString`); every reading method is redefined to read the
// range [start, end) of the file. No library does this synchronously (fs.openAsBlob is async and
// fetch-blob's fileFromSync is not a platform Blob), hence this small class.
class DiskFile extends File {
  readonly #path: string;
  readonly #type: string;
  readonly #start: number;
  readonly #end: number | undefined;
  #stats: Stats | undefined;

  constructor(path: string, type: string, start: number, end: number | undefined) {
    super([], path.split(/[\\/]/).pop() || path, { type });
    this.#path = path;
    this.#type = type;
    this.#start = start;
    this.#end = end;
  }

  // The file's stats, read once (a stat is microseconds; reading is what waits for first use).
  #stat(): Stats {
    if (!this.#stats) {
      let stats: Stats;
      try {
        stats = statSync(this.#path);
      } catch (err) {
        throw new SegmindError(`fileFrom(${JSON.stringify(this.#path)}): ${fsReason(err)}`, { cause: err });
      }
      if (!stats.isFile()) {
        throw new SegmindError(`fileFrom(${JSON.stringify(this.#path)}): not a file`);
      }
      this.#stats = stats;
    }
    return this.#stats;
  }

  #range(): { start: number; end: number } {
    const total = this.#stat().size;
    const start = Math.min(this.#start, total);
    return { start, end: Math.max(start, Math.min(this.#end ?? total, total)) };
  }

  get #byteLength(): number {
    const { start, end } = this.#range();
    return end - start;
  }

  async #readAll(): Promise<Uint8Array> {
    const { start, end } = this.#range();
    const out = new Uint8Array(end - start);
    const handle = await open(this.#path, 'r').catch((err: unknown) => {
      throw new SegmindError(`fileFrom(${JSON.stringify(this.#path)}): ${fsReason(err)}`, { cause: err });
    });
    try {
      let at = 0;
      while (at < out.length) {
        const { bytesRead } = await handle.read(out, at, out.length - at, start + at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      // A Blob is a snapshot: a file that shrank or grew since its size was taken is not silently cut.
      const more = this.#end === undefined ? (await handle.read(new Uint8Array(1), 0, 1, end)).bytesRead : 0;
      if (at !== out.length || more > 0) {
        throw new SegmindError(
          `fileFrom(${JSON.stringify(this.#path)}): the file changed while it was being read (it had ${out.length} bytes)`,
        );
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  #slice(start?: number, end?: number, type?: string): DiskFile {
    const size = this.#byteLength;
    const clamp = (n: number | undefined, fallback: number) =>
      n === undefined ? fallback : n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
    const from = clamp(start, 0);
    const to = Math.max(from, clamp(end, size));
    const base = this.#range().start;
    return new DiskFile(this.#path, type ?? '', base + from, base + to);
  }

  #stream(): ReadableStream<Uint8Array> {
    const { start, end } = this.#range();
    const path = this.#path;
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    let at = start;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        handle ??= await open(path, 'r');
        const want = Math.min(CHUNK, end - at);
        const chunk = new Uint8Array(want);
        const { bytesRead } = want > 0 ? await handle.read(chunk, 0, want, at) : { bytesRead: 0 };
        at += bytesRead;
        if (bytesRead > 0) controller.enqueue(chunk.subarray(0, bytesRead));
        if (bytesRead === 0 || at >= end) {
          await handle.close();
          controller.close();
        }
      },
      async cancel() {
        await handle?.close();
      },
    });
  }

  static {
    // Accessors and methods of Blob/File, redefined on the prototype: TypeScript types `size` and
    // friends as properties, which a subclass may not turn into accessors in its class body.
    const read = (file: DiskFile) => file.#readAll();
    Object.defineProperties(DiskFile.prototype, {
      size: {
        get(this: DiskFile) {
          return this.#byteLength;
        },
      },
      type: {
        get(this: DiskFile) {
          return this.#type;
        },
      },
      lastModified: {
        get(this: DiskFile) {
          return Math.trunc(this.#stat().mtimeMs);
        },
      },
      arrayBuffer: {
        async value(this: DiskFile) {
          const bytes = await read(this);
          return bytes.buffer;
        },
      },
      bytes: {
        value(this: DiskFile) {
          return read(this);
        },
      },
      text: {
        async value(this: DiskFile) {
          return new TextDecoder().decode(await read(this));
        },
      },
      stream: {
        value(this: DiskFile) {
          return this.#stream();
        },
      },
      slice: {
        value(this: DiskFile, start?: number, end?: number, type?: string) {
          return this.#slice(start, end, type);
        },
      },
    });
  }
}

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'not a file';
  return (err as Error)?.message ?? String(err);
}
