import { ValidationError, type ValidationIssue } from '../errors.js';
import type { CallSettings } from '../options/request-options.js';
import { type CheckedImage, checkImage } from './image-bytes.js';
import { isImageBytes } from './image-input.js';
import { type UploadContext, uploadImages } from './upload-images.js';

/** A parameter of a model that takes images: one (`input_image`) or a list (`image_urls`). */
export interface ImageParam {
  /** The parameter's name. */
  name: string;
  /** `true` for a list of images (`image_urls: string[]`). */
  array: boolean;
}

/**
 * `params` with every image given as bytes (`Uint8Array`, `ArrayBuffer`, `Blob`, `fileFrom()`)
 * replaced by its storage URL: lists keep their order, URL strings and every other value pass
 * untouched (never fetched). Every image is checked (size cap, format) before anything is sent, a
 * broken rule being a `ValidationError` naming the field (`image_urls[1]`); an upload that fails
 * rejects with its error naming the field, and the caller must then not send the model request.
 * Without image bytes, `params` itself is returned: no copy, no await of note.
 */
export async function resolveImageInputs(
  model: string,
  params: Record<string, unknown>,
  imageParams: readonly ImageParam[],
  context: UploadContext,
  settings: CallSettings,
  deadline?: number,
): Promise<Record<string, unknown>> {
  const found: Array<{ field: string; source: CheckedImage['source']; name: string; index: number }> = [];
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

  const images = await checkImages(
    model,
    found.map(({ field, source }) => ({ field, source })),
    context.core.options.maxUploadBytes,
  );
  const urls = await uploadImages(context, images, settings, { deadline, forModel: true });

  const out: Record<string, unknown> = { ...params };
  found.forEach(({ name, index }, i) => {
    if (index < 0) out[name] = urls[i];
    else {
      // The caller's array is never changed: the first replacement copies it.
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
