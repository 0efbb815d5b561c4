import { UserAbortError } from '../errors.js';
import type { Core } from '../http/core.js';
import type { CallSettings } from '../options/request-options.js';
import { onAbort } from '../util/abort.js';
import { ContentMemo } from './content-memo.js';
import { type CheckedImage, readImage } from './image-bytes.js';
import { uploadFailed } from './upload-error.js';
import { postUpload, type UploadFile } from './upload-request.js';

/** Most files sent in one upload request (their bytes together stay under `maxUploadBytes` too). */
const FILES_PER_REQUEST = 16;

/**
 * A client's uploads by content: the storage URL of each distinct image (SHA-256 of its bytes, per
 * `uploadURL`), or the upload under way. A failed upload is forgotten, so the next use tries again.
 * `withOptions()` copies share it. Bounded: the oldest entries go first past `limit`.
 */
export class UploadCache {
  readonly #entries = new Map<string, { upload: Promise<string>; url: string | undefined }>();
  /** The hashes of the image objects seen, so a photo reused by many calls is not hashed each time. */
  readonly memo = new ContentMemo();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /** Entries held (uploads done or under way). */
  get size(): number {
    return this.#entries.size;
  }

  /** The upload of `key`, done or under way. */
  get(key: string): Promise<string> | undefined {
    return this.#entries.get(key)?.upload;
  }

  /** The URL of `key` once its upload has succeeded (no await needed). */
  url(key: string): string | undefined {
    return this.#entries.get(key)?.url;
  }

  set(key: string, upload: Promise<string>): void {
    const entry = { upload, url: undefined as string | undefined };
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value!);
    // A failure is not kept; the handler also keeps a rejection no caller waits for (the caller
    // aborted) from being reported as unhandled.
    upload.then(
      (url) => {
        entry.url = url;
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
  }
}

/** The cache key of a content: its SHA-256 under one storage (`uploadURL`). */
export function uploadKey(core: Core, sha256: string): string {
  return `${core.options.uploadURL.href} ${sha256}`;
}

/** What uploading needs from the client: its core (key, uploadURL, transport) and its cache. */
export interface UploadContext {
  core: Core;
  cache: UploadCache;
}

/** How one caller waits for its uploads. */
export interface UploadWait {
  /** Absolute time (ms, SDK clock) no retry wait of the upload may pass (run()'s deadline). */
  deadline?: number | undefined;
  /** The uploads are for a model request, which is not sent if they fail (the error says so). */
  forModel: boolean;
}

/**
 * The storage URL of each image, in order, each distinct content uploaded at most once per client:
 * one already uploaded (or under way for another call) is not sent again, and the new ones go
 * together in as few requests as fit under `maxUploadBytes`.
 *
 * An upload runs without the caller's signal, since other calls may share it: an abort ends this
 * caller's wait at once (`UserAbortError`), and the upload, which bills nothing, finishes for the
 * others and the cache. If any image fails, the error names the fields that failed (see
 * {@link uploadFailed}).
 */
export async function uploadImages(
  context: UploadContext,
  images: readonly CheckedImage[],
  settings: CallSettings,
  wait: UploadWait,
): Promise<string[]> {
  // Nothing starts for a caller that has already given up.
  if (settings.signal?.aborted) throw new UserAbortError(settings.signal.reason);
  const keys = await startUploads(context, images, settings, wait);
  const settled = await abortable(
    Promise.allSettled(keys.map((key) => context.cache.get(key)!)),
    settings.signal,
  );
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    const reason = (settled[failed] as PromiseRejectedResult).reason;
    const fields = images
      .filter(
        (_, i) =>
          settled[i]!.status === 'rejected' && (settled[i] as PromiseRejectedResult).reason === reason,
      )
      .map((image) => image.field);
    throw uploadFailed(reason, fields, wait.forModel);
  }
  return settled.map((s) => (s as PromiseFulfilledResult<string>).value);
}

// Hashes each image (reading it only when its hash is not known), and starts an upload for each
// content neither cached nor under way. Returns the cache keys, in order; the bytes are let go
// here, held only by the requests that send them.
async function startUploads(
  context: UploadContext,
  images: readonly CheckedImage[],
  settings: CallSettings,
  wait: UploadWait,
): Promise<string[]> {
  const { core, cache } = context;
  const found = await Promise.all(
    images.map(async (image) => {
      const { sha256, bytes } = await cache.memo.fingerprint(image);
      return { image, bytes, key: uploadKey(core, sha256) };
    }),
  );
  // From here on no await: what is cached or under way cannot change while the requests are planned.
  const shared: CallSettings = { ...settings, signal: undefined };
  const batch: Array<UploadFile & { key: string }> = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const files = batch.splice(0);
    batchBytes = 0;
    const request = postUpload(core, files, shared, wait.deadline);
    files.forEach((file, i) => {
      cache.set(
        file.key,
        request.then((urls) => urls[i]!),
      );
    });
  };
  for (const { image, bytes, key } of found) {
    if (cache.get(key) || batch.some((f) => f.key === key)) continue;
    if (!bytes) {
      // A Blob known by its hash (or hashed by another call) and not cached: read and send it on its own.
      const upload = readImage(image).then((read) =>
        postUpload(core, [{ type: image.type, bytes: read }], shared, wait.deadline),
      );
      cache.set(
        key,
        upload.then((urls) => urls[0]!),
      );
      continue;
    }
    if (batch.length >= FILES_PER_REQUEST || batchBytes + bytes.length > core.options.maxUploadBytes) flush();
    batch.push({ type: image.type, bytes, key });
    batchBytes += bytes.length;
  }
  flush();
  return found.map((f) => f.key);
}

/** `promise`, or a `UserAbortError` as soon as `signal` fires (the listener is removed either way). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new UserAbortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(new UserAbortError(signal.reason)));
    promise.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}
