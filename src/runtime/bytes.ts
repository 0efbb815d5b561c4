// Byte helpers that work without Node's Buffer (Workers without nodejs_compat, browsers).

const utf8Decoder = new TextDecoder();

/** One array holding `chunks` in order. A single chunk is returned as it is. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The bytes as UTF-8 text (malformed sequences become U+FFFD, as Buffer does). */
export function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

interface BufferLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array;
  allocUnsafeSlow(size: number): Uint8Array;
}
const NativeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

/**
 * An array of `size` bytes to be filled at once by the caller: Buffer's unzeroed allocation where
 * there is one (a 16 MiB image is not written twice), a plain Uint8Array elsewhere. The unpooled
 * form: bodies are larger than Buffer's pool, and it is the fastest on Node, Bun and Deno alike.
 */
export function allocBytes(size: number): Uint8Array {
  return NativeBuffer ? NativeBuffer.allocUnsafeSlow(size) : new Uint8Array(size);
}

/**
 * The bytes from `start` to `end` as Latin-1 text, one character per byte: for prefixes and for
 * base64 text inside JSON, which can be megabytes (Buffer's native decoder where there is one).
 */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const stop = Math.min(end, bytes.length);
  if (NativeBuffer) {
    const view = NativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array & {
      toString(encoding: 'latin1', start: number, end: number): string;
    };
    return view.toString('latin1', start, stop);
  }
  let out = '';
  // Slices keep fromCharCode's argument list short.
  for (let i = start; i < stop; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(stop, i + 0x2000)));
  }
  return out;
}

/**
 * The same bytes as a Node `Buffer` where the runtime has one (Node, Bun, Deno), without copying;
 * the plain `Uint8Array` elsewhere. `ImageResult.data` is a Buffer on Node, as it always was.
 */
export function platformBytes(bytes: Uint8Array): Uint8Array {
  if (!NativeBuffer || (bytes as { readUInt8?: unknown }).readUInt8 !== undefined) return bytes;
  return NativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
