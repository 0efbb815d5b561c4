import { APIError, SegmindError } from '../errors.js';
import type { Core } from '../http/core.js';
import type { HttpResponse } from '../http/transport.js';
import { callSettings, type RequestOptions } from '../options/request-options.js';
import { type FileWriter, fileSystem } from '../runtime/fs.js';
import { ImageResult, sniffImageType } from './image-result.js';

/** Redirects a download follows (CDNs redirect); the key is never sent past the API's origin. */
export const MAX_DOWNLOAD_REDIRECTS = 5;

/** What `downloadToFile()` wrote. */
export interface DownloadedFile {
  /** The path written, as given. */
  path: string;
  /** Bytes written. */
  size: number;
  /** The server's media type, when it sent one. */
  contentType: string | undefined;
}

// A GET of an output URL: retried like any GET, following redirects, the key only for the API.
function fetchOutput<T>(
  core: Core,
  url: string | URL,
  options: RequestOptions | undefined,
  read: (res: HttpResponse) => Promise<T>,
): Promise<T> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SegmindError(`Not a valid URL: ${String(url)}`);
  }
  const settings = callSettings(core.options, options);
  return core.call(
    { method: 'GET', url: target, billable: false, settings, redirects: MAX_DOWNLOAD_REDIRECTS },
    read,
  );
}

/** Fetches an output URL into memory. */
export async function download(
  core: Core,
  url: string | URL,
  options?: RequestOptions,
): Promise<ImageResult> {
  return fetchOutput(core, url, options, async (res) => {
    // Bounded by the call's maxResponseBytes; an empty body is no image, never returned as one.
    const data = await res.bytes();
    if (data.length === 0) {
      throw new APIError({
        status: res.status,
        headers: res.headers,
        detail: 'an empty body',
        message: `Download of ${describeURL(url)} answered ${res.status} with an empty body`,
      });
    }
    const type = res.headers['content-type']?.split(';')[0]?.trim();
    const contentType = type && type !== 'application/octet-stream' ? type : sniffImageType(data);
    return new ImageResult(data, contentType, res.headers);
  });
}

/**
 * Streams an output URL to `path` through a temporary file in the same folder, renamed into place
 * when complete: memory stays flat for any size, and a failed download leaves nothing behind.
 */
export async function downloadToFile(
  core: Core,
  url: string | URL,
  path: string,
  options?: RequestOptions,
): Promise<DownloadedFile> {
  // Asked before the request: on a runtime without a file system nothing is downloaded for nothing.
  const fs = await fileSystem('downloadToFile()');
  return fetchOutput(core, url, options, async (res) => {
    const temp = tempPathBeside(path);
    let file: FileWriter | undefined;
    try {
      file = await fs.create(temp);
      await res.pipeTo(file);
      await file.close();
      await fs.rename(temp, path);
    } catch (err) {
      await file?.close().catch(() => {});
      await fs.remove(temp);
      if (err instanceof SegmindError) throw err;
      throw new SegmindError(`Could not write ${path}: ${(err as Error).message}`, { cause: err });
    }
    return { path, size: file.bytesWritten, contentType: res.headers['content-type'] };
  });
}

// `.name.<random>.part` in the same folder as `path` (so the rename stays on one file system).
// String work, not node:path: the same code runs on Bun and Deno, and either separator is handled.
function tempPathBeside(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;
  const random = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${path.slice(0, cut)}.${path.slice(cut)}.${random}.part`;
}

// The URL for a message: origin and path only (a signed URL's query may hold credentials).
function describeURL(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the URL';
  }
}
