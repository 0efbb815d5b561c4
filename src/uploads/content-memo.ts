import { fingerprint } from './fingerprint.js';
import { type CheckedImage, readImage } from './image-bytes.js';

/** What the memo knows of an image object. */
export interface Seen {
  sha256: string;
  /** Its media type and size, as checked when it was first seen. */
  type: string;
  size: number;
  /** A private copy of the bytes hashed, kept from the second use of a mutable source on. */
  copy: Uint8Array | undefined;
}

interface NodeBufferStatic {
  compare(a: Uint8Array, b: Uint8Array): number;
}
const NativeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer;

/**
 * The SHA-256 of image inputs by the object that holds them, so 500 batch items passing the same
 * photo hash it about twice, not 500 times (hashing a 1 MiB photo costs about as much as a submit).
 * A `Blob` is immutable: its hash is kept with it, and it is not read again. A `Uint8Array` or
 * `ArrayBuffer` may be changed by its owner between uses: from its second use on, the memo keeps a
 * private copy and compares it (memcmp, some 30× cheaper than hashing) before trusting the hash.
 * Calls that start together share one hash. Weakly held: an entry goes with the caller's object.
 */
export class ContentMemo {
  readonly #seen = new WeakMap<object, Seen>();
  readonly #hashing = new WeakMap<object, Promise<Seen>>();

  /**
   * What is known of `source` without reading more than a comparison: a Blob seen before, or bytes
   * equal to the copy kept of them. `undefined` when it has to be checked and hashed.
   */
  known(source: CheckedImage['source']): Seen | undefined {
    const seen = this.#seen.get(source);
    if (!seen || source instanceof Blob) return seen;
    return seen.copy && equalBytes(seen.copy, viewOf(source)) ? seen : undefined;
  }

  /**
   * The image's SHA-256 (lowercase hex), and its bytes when they are at hand (a Blob hashed by
   * another call, or known, was not read here: `bytes` is then `undefined`).
   */
  async fingerprint(image: CheckedImage): Promise<{ sha256: string; bytes: Uint8Array | undefined }> {
    const { source } = image;
    const bytesAtHand = source instanceof Blob ? undefined : viewOf(source);
    const known = this.known(source);
    if (known) return { sha256: known.sha256, bytes: bytesAtHand };
    // Another call is hashing this object right now: share its result. (The SDK reads bytes after
    // a call starts; changing them while a call is in flight is the caller's race, memo or not.)
    const hashing = this.#hashing.get(source);
    if (hashing) return { sha256: (await hashing).sha256, bytes: bytesAtHand };
    let bytes: Uint8Array | undefined;
    const job = (async (): Promise<Seen> => {
      bytes = await readImage(image);
      // Seen before but not kept: keep a copy now, taken before hashing and hashed itself, so the
      // two always agree.
      const copy = this.#seen.has(source) && !(source instanceof Blob) ? bytes.slice() : undefined;
      const sha256 = await fingerprint(copy ?? bytes);
      return { sha256, type: image.type, size: image.size, copy };
    })();
    this.#hashing.set(source, job);
    try {
      const seen = await job;
      this.#seen.set(source, seen);
      return { sha256: seen.sha256, bytes };
    } finally {
      this.#hashing.delete(source);
    }
  }
}

function viewOf(source: Uint8Array | ArrayBuffer): Uint8Array {
  return source instanceof Uint8Array ? source : new Uint8Array(source);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (NativeBuffer) return NativeBuffer.compare(a, b) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
