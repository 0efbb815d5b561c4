import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { APIError, SegmindError } from '../errors.js';
import type { Core } from '../http/core.js';
import type { HttpResponse } from '../http/transport.js';
import { callSettings, type RequestOptions } from '../options.js';
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
  return fetchOutput(core, url, options, async (res) => {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
    const file = createWriteStream(temp, { flags: 'wx' });
    try {
      await res.pipeTo(file);
      await rename(temp, path);
    } catch (err) {
      file.destroy();
      await rm(temp, { force: true });
      if (err instanceof SegmindError) throw err;
      throw new SegmindError(`Could not write ${path}: ${(err as Error).message}`, { cause: err });
    }
    return { path, size: file.bytesWritten, contentType: res.headers['content-type'] };
  });
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
