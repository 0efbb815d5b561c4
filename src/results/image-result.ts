import type { ResponseHeaders } from '../errors.js';
import { bytesToBase64 } from '../runtime/base64.js';
import { platformBytes } from '../runtime/bytes.js';
import { fileSystem } from '../runtime/fs.js';

/**
 * An image in hand: its bytes and what the server said about the call.
 * @example
 * const image = await client.runSync('flux-schnell', { prompt: 'a tiger' });
 * await image.save('tiger.jpg');
 * console.log(image.contentType, image.data.length, image.remainingCredits);
 */
export class ImageResult {
  /**
   * The image bytes: a `Uint8Array` on every runtime, and a Node `Buffer` (a Uint8Array subclass)
   * wherever the runtime has Buffer (Node, Bun, Deno, Workers with `nodejs_compat`).
   */
  readonly data: Uint8Array;
  /** The image's media type, e.g. `'image/jpeg'`. */
  readonly contentType: string;
  /** `x-request-id`, when the server sent it. */
  readonly requestId: string | undefined;
  /** `x-remaining-credits`: the balance after this call, when sent. */
  readonly remainingCredits: number | undefined;
  /** `x-cost`: what this call cost, when sent. */
  readonly cost: number | undefined;
  /** `x-seed-value`: the seed the server used, when sent. */
  readonly seed: number | undefined;
  /** `x-generation-time`, converted to ms (the header is in seconds), when sent. */
  readonly generationTime: number | undefined;
  /** Every response header, lower-cased. */
  readonly headers: ResponseHeaders;
  /** Other keys of a JSON `{"image": …}` answer, kept as sent. */
  readonly extra: Record<string, unknown>;

  constructor(
    data: Uint8Array,
    contentType: string,
    headers: ResponseHeaders,
    extra: Record<string, unknown> = {},
  ) {
    this.data = platformBytes(data);
    this.contentType = contentType;
    this.headers = headers;
    this.extra = extra;
    this.requestId = headers['x-request-id'];
    this.remainingCredits = numberOf(headers['x-remaining-credits']);
    this.cost = numberOf(headers['x-cost']);
    this.seed = numberOf(headers['x-seed-value']);
    const seconds = numberOf(headers['x-generation-time']);
    this.generationTime = seconds === undefined ? undefined : Math.round(seconds * 1000);
  }

  /**
   * Writes the bytes to `path` and returns `path`. Needs a file system: Node, Bun or Deno (on
   * Workers and in browsers it rejects with a `SegmindError`; use `data` there).
   */
  async save(path: string): Promise<string> {
    const fs = await fileSystem('image.save()');
    await fs.writeFile(path, this.data);
    return path;
  }

  /** The bytes as standard base64. */
  toBase64(): string {
    return bytesToBase64(this.data);
  }

  /** The image as a `data:` URL, for an `<img src>`. */
  toDataURL(): string {
    return `data:${this.contentType};base64,${this.toBase64()}`;
  }

  /** A summary without the bytes, for logs. */
  toJSON(): Record<string, unknown> {
    return {
      contentType: this.contentType,
      size: this.data.length,
      requestId: this.requestId,
      remainingCredits: this.remainingCredits,
      cost: this.cost,
      seed: this.seed,
      generationTime: this.generationTime,
    };
  }

  // util.inspect's hook, by its registered symbol: importing node:util would tie the SDK to Node.
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    return `ImageResult ${inspect(this.toJSON(), options)}`;
  }
}

function numberOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The media type of image bytes, from their first bytes; `fallback` when unrecognised. */
export function sniffImageType(data: Uint8Array, fallback = 'application/octet-stream'): string {
  const at = (i: number) => data[i];
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46) return 'image/gif';
  if (
    at(0) === 0x52 &&
    at(1) === 0x49 &&
    at(2) === 0x46 &&
    at(3) === 0x46 &&
    at(8) === 0x57 &&
    at(9) === 0x45
  ) {
    return 'image/webp';
  }
  return fallback;
}
