// Base64 without depending on Node's Buffer: Workers without nodejs_compat and browsers have none.
// Where a Buffer exists (Node, Bun, Deno) its native decoder does the work; elsewhere a table
// decoder does (no library: the few available either need Buffer or decode only whole strings).

interface NodeBuffer {
  write(text: string, offset: number, encoding: 'base64'): number;
  toString(encoding: 'base64'): string;
}
interface NodeBufferStatic {
  allocUnsafe(size: number): Uint8Array;
  from(bytes: ArrayBufferLike, offset: number, length: number): NodeBuffer;
}

const NativeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
// URL-safe alphabet too, as Buffer accepts it.
VALUES[0x2d] = 62;
VALUES[0x5f] = 63;
/** Anything outside both alphabets: whitespace, padding, stray characters. Buffer skips them too. */
const NOT_BASE64 = /[^A-Za-z0-9+/_-]+/g;

/**
 * Decodes base64 text that arrives in pieces split anywhere, into one growing array: the text is
 * never held whole. Standard and URL-safe alphabets; whitespace and `=` are skipped.
 * @example
 * const d = new Base64Decoder(); d.write('aGVsbG'); d.write('8='); d.end(); // bytes of 'hello'
 */
export class Base64Decoder {
  #out: Uint8Array;
  #written = 0;
  #carry = '';

  /** `expectedBytes`: room to allocate up front (from a content-length), so no regrowth is needed. */
  constructor(expectedBytes = 0) {
    this.#out = allocate(Math.max(0, Math.floor(expectedBytes)));
  }

  write(text: string): void {
    NOT_BASE64.lastIndex = 0;
    const clean = NOT_BASE64.test(text) ? text.replace(NOT_BASE64, '') : text;
    const all = this.#carry ? this.#carry + clean : clean;
    const usable = all.length - (all.length % 4);
    if (usable > 0) this.#decode(usable === all.length ? all : all.slice(0, usable));
    this.#carry = all.slice(usable);
  }

  /** The decoded bytes (a view of the decoder's array). */
  end(): Uint8Array {
    if (this.#carry.length > 1) this.#decode(this.#carry);
    this.#carry = '';
    return this.#out.subarray(0, this.#written);
  }

  #decode(text: string): void {
    this.#reserve(Math.ceil(text.length / 4) * 3);
    const out = this.#out;
    if (NativeBuffer) {
      this.#written += (out as unknown as NodeBuffer).write(text, this.#written, 'base64');
      return;
    }
    let o = this.#written;
    const full = text.length - (text.length % 4);
    for (let i = 0; i < full; i += 4) {
      const v =
        (VALUES[text.charCodeAt(i)]! << 18) |
        (VALUES[text.charCodeAt(i + 1)]! << 12) |
        (VALUES[text.charCodeAt(i + 2)]! << 6) |
        VALUES[text.charCodeAt(i + 3)]!;
      out[o++] = v >> 16;
      out[o++] = (v >> 8) & 255;
      out[o++] = v & 255;
    }
    const rest = text.length - full;
    if (rest >= 2) {
      const v = (VALUES[text.charCodeAt(full)]! << 18) | (VALUES[text.charCodeAt(full + 1)]! << 12);
      out[o++] = v >> 16;
      if (rest === 3) out[o++] = ((v | (VALUES[text.charCodeAt(full + 2)]! << 6)) >> 8) & 255;
    }
    this.#written = o;
  }

  #reserve(more: number): void {
    const need = this.#written + more;
    if (need <= this.#out.length) return;
    const grown = allocate(Math.max(need, this.#out.length * 2));
    grown.set(this.#out.subarray(0, this.#written));
    this.#out = grown;
  }
}

function allocate(size: number): Uint8Array {
  return NativeBuffer ? NativeBuffer.allocUnsafe(size) : new Uint8Array(size);
}

/** Decodes a whole base64 string (standard or URL-safe; whitespace and padding skipped). */
export function base64ToBytes(text: string): Uint8Array {
  const decoder = new Base64Decoder(Math.ceil(text.length / 4) * 3);
  decoder.write(text);
  return decoder.end();
}

/** Standard base64 of `bytes`, with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NativeBuffer)
    return NativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  // btoa takes one character per byte; built in slices to keep argument lists short.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
