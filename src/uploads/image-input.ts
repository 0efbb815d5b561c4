/**
 * An image for a parameter that takes one (`input_image`, `image`, `mask`, `image_urls[i]`, …):
 * an `http(s)` URL, sent as is (never fetched by the SDK), or bytes, uploaded to Segmind storage
 * first and replaced by the URL it returns: a `Uint8Array` (a `Buffer` too), an `ArrayBuffer`, a
 * `Blob` or `File`, or `fileFrom(path)` (a `Blob` read from disk on Node, Bun and Deno).
 * @example
 * await client.run('flux-kontext-pro', { prompt: 'make it night', input_image: await readFile('photo.jpg') });
 */
export type ImageInput = string | Uint8Array | ArrayBuffer | Blob;

/** `true` for values an image parameter accepts as bytes (anything but a URL string). */
export function isImageBytes(value: unknown): value is Uint8Array | ArrayBuffer | Blob {
  return (
    value instanceof Uint8Array ||
    value instanceof ArrayBuffer ||
    (typeof Blob === 'function' && value instanceof Blob)
  );
}
