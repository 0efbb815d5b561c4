import { ValidationError } from '../errors.js';
import { callSettings, type RequestOptions } from '../options/request-options.js';
import { describeValue } from '../util/describe-value.js';
import { isImageBytes } from './image-input.js';
import { checkImages } from './resolve-image-inputs.js';
import { type UploadContext, uploadImages } from './upload-images.js';

/**
 * Segmind storage, for explicit uploads: `client.files.upload()`. Model calls upload their image
 * inputs by themselves; this is for a URL you want to keep or pass around. Each distinct content is
 * uploaded once per client (the same bytes again give the same URL without a request).
 * @example
 * const url = await client.files.upload(await readFile('photo.jpg'));   // 'https://…/assets/….jpg'
 * const [a, b] = await client.files.upload([fileFrom('a.png'), blob]);  // in the same order
 */
export interface Files {
  /**
   * Uploads an image (a `Uint8Array`/`Buffer`, `ArrayBuffer`, `Blob`/`File` or `fileFrom(path)`)
   * and resolves with its URL. The format must be PNG, JPEG, WebP or GIF (from the bytes), or a
   * Blob's declared image type, and the size at most `maxUploadBytes`: else a `ValidationError`
   * before anything is sent. An upload bills nothing and is retried like a GET.
   */
  upload(file: Uint8Array | ArrayBuffer | Blob, options?: RequestOptions): Promise<string>;
  /** Uploads several images (in one request where they fit) and resolves with their URLs, in order. */
  upload(files: ReadonlyArray<Uint8Array | ArrayBuffer | Blob>, options?: RequestOptions): Promise<string[]>;
}

const LABEL = 'files.upload()';

/**
 * @internal The `files` resource of a client. `context` is asked on each call: the client's core may
 * be replaced (withOptions), its cache is shared.
 */
export function createFiles(context: () => UploadContext): Files {
  async function upload(
    input: Uint8Array | ArrayBuffer | Blob | ReadonlyArray<Uint8Array | ArrayBuffer | Blob>,
    options?: RequestOptions,
  ): Promise<string | string[]> {
    const ctx = context();
    const settings = callSettings(ctx.core.options, options);
    const many = Array.isArray(input);
    const list: readonly unknown[] = many ? input : [input];
    const inputs = list.map((source, i) => ({ field: many ? `files[${i}]` : 'file', source }));
    const wrong = inputs.filter(({ source }) => !isImageBytes(source));
    if (wrong.length > 0 || list.length === 0) {
      throw new ValidationError(
        LABEL,
        list.length === 0
          ? [{ path: 'files', message: 'no file given (an empty list)' }]
          : wrong.map(({ field, source }) => ({
              path: field,
              message: `must be image bytes (a Uint8Array, ArrayBuffer, Blob or fileFrom(path)), got ${describeValue(source)}${typeof source === 'string' ? '; for a file on disk pass fileFrom(path)' : ''}`,
            })),
      );
    }
    const images = await checkImages(
      LABEL,
      inputs as Array<{ field: string; source: Uint8Array | ArrayBuffer | Blob }>,
      ctx.core.options.maxUploadBytes,
    );
    const urls = await uploadImages(ctx, images, settings, { forModel: false });
    return many ? urls : urls[0]!;
  }
  return { upload } as Files;
}
