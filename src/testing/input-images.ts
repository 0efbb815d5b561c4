import { createHash } from 'node:crypto';
import type { Failure } from './failure.js';

/**
 * A parameter that takes images, as the registry describes it (`imageParams()`): written out here
 * because the registry's own type is internal to the SDK's build.
 */
export interface ImageParamShape {
  readonly name: string;
  /** A list of images (`image_urls`) rather than one. */
  readonly array: boolean;
}

/** An image a request named, as the fake found it. */
export interface FakeInput {
  /** `input_image`, `image_urls[1]`. */
  field: string;
  /** The URL as sent (normalised). */
  url: string;
  /** The image, when it is one of the fake's own (an uploaded asset or an output); else not fetched. */
  bytes?: Buffer | undefined;
  /** SHA-256 of `bytes`, lowercase hex. */
  sha256?: string | undefined;
}

/**
 * Finds an image on the fake itself: the bytes, a reason it is not there (a URL on the fake that
 * names no asset or output), or `undefined` for a URL elsewhere (accepted, never fetched).
 */
export type OwnImageLookup = (url: URL) => Buffer | { missing: string } | undefined;

/**
 * The image inputs of a request, each checked: an `http(s)` URL (one on the fake must exist), in a
 * list for a list parameter. Unset parameters are skipped (whether one is required is the model's
 * rule). The first broken one is the failure, naming its field.
 */
export function findInputs(
  imageParams: readonly ImageParamShape[],
  params: Record<string, unknown>,
  lookup: OwnImageLookup,
): { inputs: FakeInput[] } | { failure: Failure } {
  const inputs: FakeInput[] = [];
  for (const { name, array } of imageParams) {
    const value = params[name];
    if (value === undefined || value === null) continue;
    if (array && !Array.isArray(value)) return fail(name, 'must be a list of image URLs');
    const items: Array<[string, unknown]> = array
      ? (value as unknown[]).map((item, i) => [`${name}[${i}]`, item])
      : [[name, value]];
    for (const [field, item] of items) {
      const url = typeof item === 'string' ? webURL(item) : undefined;
      if (!url) return fail(field, 'must be an http(s) URL of an image');
      const found = lookup(url);
      if (found && !Buffer.isBuffer(found)) return fail(field, found.missing);
      inputs.push(
        found
          ? { field, url: url.href, bytes: found, sha256: createHash('sha256').update(found).digest('hex') }
          : { field, url: url.href },
      );
    }
  }
  return { inputs };
}

function webURL(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function fail(field: string, message: string): { failure: Failure } {
  return { failure: { reason: `Invalid value for ${field}: ${message}`, field, message } };
}
