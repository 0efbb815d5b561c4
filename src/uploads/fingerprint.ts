import { SegmindError } from '../errors.js';

/**
 * The SHA-256 of an image's bytes, as lowercase hex: the one identity of an image input, used for
 * "one upload per distinct content" and by the batch journal to recognise the same photo on a
 * rerun. WebCrypto, so it runs the same on Node, Bun, Deno, Workers and browsers.
 */
export async function fingerprint(bytes: Uint8Array | ArrayBuffer | Blob): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle)
    throw new SegmindError('This runtime has no WebCrypto (crypto.subtle) to hash image inputs with');
  const data =
    bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? bytes : await bytes.arrayBuffer();
  const digest = new Uint8Array(await subtle.digest('SHA-256', data));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
