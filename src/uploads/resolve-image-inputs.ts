import { ValidationError, type ValidationIssue } from '../errors.js';
import type { ImageParam } from '../models/lookup.js';
import type { CallSettings } from '../options/request-options.js';
import { type CheckedImage, checkImage } from './image-bytes.js';
import { isImageBytes } from './image-input.js';
import { type UploadContext, uploadImages, uploadKey } from './upload-images.js';

/**
 * `params` with every image given as bytes (`Uint8Array`, `ArrayBuffer`, `Blob`, `fileFrom()`)
 * replaced by its storage URL: lists keep their order, URL strings and every other value pass
 * untouched (never fetched). Every image is checked (size cap, format) before anything is sent, a
 * broken rule being a `ValidationError` naming the field (`image_urls[1]`); an upload that fails
 * rejects with its error naming the field, and the caller must then not send the model request.
 * Without image bytes, `params` itself is returned; when every image was uploaded before by this
 * client (a batch reusing one photo), the copy with URLs is returned at once, without a promise.
 */
export function resolveImageInputs(
  model: string,
  params: Record<string, unknown>,
  imageParams: readonly ImageParam[],
  context: UploadContext,
  settings: CallSettings,
  deadline?: number,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  const found: Found[] = [];
  for (const { name, array } of imageParams) {
    const value = params[name];
    if (!array && isImageBytes(value)) found.push({ field: name, source: value, name, index: -1 });
    if (array && Array.isArray(value)) {
      value.forEach((item, index) => {
        if (isImageBytes(item)) found.push({ field: `${name}[${index}]`, source: item, name, index });
      });
    }
  }
  if (found.length === 0) return params;
  // The batch case: every image already uploaded by this client. No check, hash or await again.
  const known = found.map(({ source }) => alreadyUploaded(context, source));
  if (known.every((url) => url !== undefined)) return withURLs(params, found, known as string[]);
  return uploadThenReplace(model, params, found, context, settings, deadline);
}

interface Found {
  field: string;
  source: CheckedImage['source'];
  name: string;
  index: number;
}

function alreadyUploaded(context: UploadContext, source: CheckedImage['source']): string | undefined {
  const seen = context.cache.memo.known(source);
  // A withOptions() copy shares the cache but may have a smaller cap: the cap is asked again.
  if (!seen || seen.size > context.core.options.maxUploadBytes) return undefined;
  return context.cache.url(uploadKey(context.core, seen.sha256));
}

async function uploadThenReplace(
  model: string,
  params: Record<string, unknown>,
  found: readonly Found[],
  context: UploadContext,
  settings: CallSettings,
  deadline: number | undefined,
): Promise<Record<string, unknown>> {
  const images = await checkImages(
    model,
    found.map(({ field, source }) => ({ field, source })),
    context.core.options.maxUploadBytes,
  );
  const urls = await uploadImages(context, images, settings, { deadline, forModel: true });
  return withURLs(params, found, urls);
}

// A copy of `params` with each found image replaced by its URL; the caller's arrays are not changed.
function withURLs(
  params: Record<string, unknown>,
  found: readonly Found[],
  urls: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  found.forEach(({ name, index }, i) => {
    if (index < 0) out[name] = urls[i];
    else {
      // The first replacement in a list copies it.
      if (out[name] === params[name]) out[name] = [...(params[name] as unknown[])];
      (out[name] as unknown[])[index] = urls[i];
    }
  });
  return out;
}

/**
 * Checks every image (size, format) before any is read or sent; every broken rule is reported at
 * once in one `ValidationError` for `model` (a label such as `files.upload()` for explicit uploads).
 */
export async function checkImages(
  model: string,
  inputs: ReadonlyArray<{ field: string; source: CheckedImage['source'] }>,
  maxBytes: number,
): Promise<CheckedImage[]> {
  const checked = await Promise.all(inputs.map(({ field, source }) => checkImage(field, source, maxBytes)));
  const issues = checked.filter((c): c is ValidationIssue => 'path' in c);
  if (issues.length > 0) throw new ValidationError(model, issues);
  return checked as CheckedImage[];
}
