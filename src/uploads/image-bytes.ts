import { SegmindError, type ValidationIssue } from '../errors.js';
import {
  declaredImageType,
  hexPrefix,
  SIGNATURE_BYTES,
  SNIFFED_FORMATS,
  sniffImageType,
} from './image-format.js';

/** Bytes given for an image: what an image parameter uploads. */
export type ImageBytes = Uint8Array | ArrayBuffer | Blob;

/** An image input checked for size and format, not read yet (a `fileFrom()` file is still on disk). */
export interface CheckedImage {
  /** Where it was given, for messages: `input_image`, `image_urls[1]`, `files.upload()[0]`. */
  field: string;
  source: ImageBytes;
  /** Bytes, known before reading. */
  size: number;
  /** Media type, from the bytes' signature or else the Blob's declared image type. */
  type: string;
}

/**
 * Checks one image input without reading more than its first bytes: not empty, at most `maxBytes`
 * (a Blob's size is known up front, a `fileFrom()` file's from the file system), and a recognisable
 * image. Returns the broken rule as a validation issue naming `field`.
 */
export async function checkImage(
  field: string,
  source: ImageBytes,
  maxBytes: number,
): Promise<CheckedImage | ValidationIssue> {
  let size: number;
  try {
    size = source instanceof Uint8Array || source instanceof ArrayBuffer ? source.byteLength : source.size;
  } catch (err) {
    // fileFrom() of a missing or unreadable file: its stat fails here, before anything is sent.
    return { path: field, message: (err as Error).message };
  }
  if (size === 0) return { path: field, message: 'the image is empty (0 bytes)' };
  if (size > maxBytes) {
    return {
      path: field,
      message: `the image is ${formatBytes(size)}, over maxUploadBytes (${formatBytes(maxBytes)}); it was not read`,
    };
  }
  let head: Uint8Array;
  try {
    head = await headOf(source);
  } catch (err) {
    return { path: field, message: (err as Error).message };
  }
  const declared = source instanceof Blob ? source.type : '';
  const type = sniffImageType(head) ?? declaredImageType(declared);
  if (!type) {
    const said = declared ? ` and its type "${declared}" is not an image type` : '';
    return {
      path: field,
      message: `not a ${SNIFFED_FORMATS} image (it starts with ${hexPrefix(head)})${said}; to send another image format, pass a Blob whose type names it (e.g. image/avif)`,
    };
  }
  return { field, source, size, type };
}

/** The whole image, read into memory once (a Uint8Array is used as it is, never copied). */
export async function readImage(image: CheckedImage): Promise<Uint8Array> {
  const { source } = image;
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  try {
    return new Uint8Array(await source.arrayBuffer());
  } catch (err) {
    throw new SegmindError(`${image.field}: the image could not be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

async function headOf(source: ImageBytes): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source.subarray(0, SIGNATURE_BYTES);
  if (source instanceof ArrayBuffer)
    return new Uint8Array(source, 0, Math.min(SIGNATURE_BYTES, source.byteLength));
  return new Uint8Array(await source.slice(0, SIGNATURE_BYTES).arrayBuffer());
}

/** `52428800` → `50 MiB (52428800 bytes)`. */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  if (unit === 'bytes') return `${bytes} bytes`;
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${shown} ${unit} (${bytes} bytes)`;
}
