import { APIError, type Headers, isRecord } from '../errors.js';
import type { HttpResponse } from '../http/transport.js';
import { ImageResult, sniffImageType } from './image-result.js';

/** A parsed JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a v1 call for a model the SDK does not type can yield: an image, parsed JSON, or text. */
export type SyncOutput = ImageResult | JsonValue;

/**
 * Reads a successful v1 answer. A JSON body that starts with `{"image": "<base64>"` is decoded
 * chunk by chunk as it arrives, so the base64 text never sits in memory whole; anything else is
 * read, then decoded by {@link decodeSyncOutput}.
 */
export async function readSyncOutput(res: HttpResponse): Promise<SyncOutput> {
  if (!(res.headers['content-type'] ?? '').includes('json')) {
    return decodeSyncOutput(await res.bytes(), res.headers);
  }
  const sink = new Base64ImageSink(Number(res.headers['content-length']));
  await res.each((chunk) => sink.write(chunk));
  const image = sink.finish(res.headers);
  if (!image) return decodeSyncOutput(sink.raw(), res.headers);
  return new ImageResult(image.data, sniffImageType(image.data, 'image/jpeg'), res.headers, image.extra);
}

/**
 * Turns a successful v1 answer into what the caller wants: image bytes or `{"image": base64}`
 * become an `ImageResult`; other JSON is returned parsed; other text as a string.
 */
export function decodeSyncOutput(body: Buffer, headers: Headers): SyncOutput {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('image/')) return new ImageResult(body, type, headers);
  if (type.includes('json') || (type === '' && body[0] === 0x7b)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new APIError({
        status: 200,
        headers,
        detail: `the server answered 200 with invalid JSON: ${body.subarray(0, 80).toString('utf8')}`,
      });
    }
    if (isRecord(parsed) && typeof parsed.image === 'string') {
      const { image, ...extra } = parsed;
      const data = Buffer.from(image.replace(/^data:[^,]*,/, ''), 'base64');
      return new ImageResult(data, sniffImageType(data, 'image/jpeg'), headers, extra);
    }
    return parsed as JsonValue;
  }
  if (type.startsWith('text/')) return body.toString('utf8');
  return new ImageResult(body, type || sniffImageType(body), headers);
}

const IMAGE_FIRST = /^\s*\{\s*"image"\s*:\s*"/;
/** The image-first prefix (and five bytes to rule out a `data:` URL) fit in this many bytes. */
const PREFIX_WINDOW = 64;

/** Decodes the `image` field of an image-first JSON body as it streams in. */
class Base64ImageSink {
  #state: 'prefix' | 'data' | 'tail' | 'raw' = 'prefix';
  #head: Buffer[] = [];
  #tail: Buffer[] = [];
  #pending = '';
  #escape = false;
  // Sized from content-length when known; otherwise decoded parts are joined at the end.
  #out: Buffer | undefined;
  #parts: Buffer[] = [];
  #written = 0;

  constructor(length: number) {
    if (Number.isSafeInteger(length) && length > 0) this.#out = Buffer.allocUnsafe(Math.ceil(length / 4) * 3);
  }

  write(chunk: Buffer): void {
    if (this.#state === 'raw') this.#head.push(chunk);
    else if (this.#state === 'tail') this.#tail.push(chunk);
    else if (this.#state === 'data') this.#data(chunk);
    else {
      this.#head.push(chunk);
      const all = this.#head.length === 1 ? chunk : Buffer.concat(this.#head);
      this.#head = [all];
      const head = all.toString('latin1', 0, PREFIX_WINDOW);
      const match = IMAGE_FIRST.exec(head);
      const rest = match ? all.subarray(match[0].length) : undefined;
      if (!match || !rest) {
        if (head.length >= PREFIX_WINDOW) this.#state = 'raw';
        return;
      }
      // A data: URL, or too few bytes yet to tell, goes the plain way (or waits for more).
      if (rest.length < 5 && rest.indexOf(0x22) < 0) return;
      if (rest.toString('latin1', 0, 5) === 'data:') {
        this.#state = 'raw';
        return;
      }
      this.#state = 'data';
      this.#data(rest);
    }
  }

  #data(chunk: Buffer): void {
    const quote = chunk.indexOf(0x22);
    const part = quote < 0 ? chunk : chunk.subarray(0, quote);
    const text = this.#pending + this.#unescape(part.toString('latin1'));
    const usable = text.length - (text.length % 4);
    this.#decode(text.slice(0, usable));
    this.#pending = text.slice(usable);
    if (quote >= 0) {
      this.#decode(this.#pending);
      this.#pending = '';
      this.#state = 'tail';
      this.#tail.push(chunk.subarray(quote + 1));
    }
  }

  #decode(base64: string): void {
    if (!base64) return;
    if (this.#out) this.#written += this.#out.write(base64, this.#written, 'base64');
    else this.#parts.push(Buffer.from(base64, 'base64'));
  }

  // JSON may escape `/` as `\/` and wrap base64 with `\n`; neither belongs in the decoded text.
  #unescape(text: string): string {
    if (!this.#escape && !text.includes('\\')) return text;
    let out = '';
    for (const ch of text) {
      if (this.#escape) {
        this.#escape = false;
        if (ch === '/') out += '/';
      } else if (ch === '\\') this.#escape = true;
      else out += ch;
    }
    return out;
  }

  /** The decoded image, or `undefined` when the body was not image-first JSON (use `raw()`). */
  finish(headers: Headers): { data: Buffer; extra: Record<string, unknown> } | undefined {
    if (this.#state === 'prefix' || this.#state === 'raw') return undefined;
    let extra: unknown;
    try {
      if (this.#state !== 'tail') throw new Error('the image string never ends');
      extra = JSON.parse(`{"image":null${Buffer.concat(this.#tail).toString('utf8')}`);
    } catch (err) {
      throw new APIError({
        status: 200,
        headers,
        detail: `the server answered 200 with invalid JSON (${(err as Error).message})`,
      });
    }
    const { image: _image, ...rest } = extra as Record<string, unknown>;
    const data = this.#out ? this.#out.subarray(0, this.#written) : Buffer.concat(this.#parts);
    return { data, extra: rest };
  }

  /** The whole body, for a body that was not image-first JSON. */
  raw(): Buffer {
    return Buffer.concat(this.#head);
  }
}
