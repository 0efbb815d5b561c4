import { APIError, isRecord, type ResponseHeaders } from '../errors.js';
import type { HttpResponse } from '../http/transport.js';
import { Base64Decoder } from '../runtime/base64.js';
import { concatBytes, latin1, utf8 } from '../runtime/bytes.js';
import type { JsonValue } from '../util/json.js';
import { ImageResult, sniffImageType } from './image-result.js';

export type { JsonValue };

/**
 * What a v1 call for a model the SDK does not type can yield: an image, parsed JSON, text, or
 * `undefined` for an answer without content (204, or an empty body that does not claim to be an image).
 */
export type SyncOutput = ImageResult | JsonValue | undefined;

/** How a v1 answer is read. */
export interface SyncReadOptions {
  /**
   * The model is one the SDK types as an image model: anything but a usable image (no content,
   * JSON without `image`, text) is an `APIError` with the answer's status and request id.
   */
  expectImage?: boolean | undefined;
}

/**
 * Reads a successful v1 answer. A JSON body that starts with `{"image": "<base64>"` is decoded
 * chunk by chunk as it arrives, so the base64 text never sits in memory whole; anything else is
 * read, then decoded by {@link decodeSyncOutput}. Never returns wrong bytes: base64 that does not
 * decode, an empty image or a body the transport could not decode is an `APIError` that says the
 * call may have been billed.
 */
export function readSyncOutput(res: HttpResponse, options: SyncReadOptions = {}): Promise<SyncOutput> {
  // The common case, image bytes: read, then decoded, with no async frame around the read.
  if (res.status !== 204 && !(res.headers['content-type'] ?? '').includes('json')) {
    return res.bytes().then((body) => decodeSyncOutput(body, res.headers, options, res.status));
  }
  return readOtherOutput(res, options);
}

// No content, or JSON (streamed when it is image-first).
async function readOtherOutput(res: HttpResponse, options: SyncReadOptions): Promise<SyncOutput> {
  if (res.status === 204) {
    await res.discard();
    if (options.expectImage) throw unusable(res.status, res.headers, 'no content (204) instead of an image');
    return undefined;
  }
  const sink = new Base64ImageSink(res.contentLength, res.status, res.headers);
  await res.each((chunk) => sink.write(chunk));
  const image = sink.finish();
  if (!image) return decodeSyncOutput(sink.raw(), res.headers, options, res.status);
  return new ImageResult(image.data, sniffImageType(image.data, 'image/jpeg'), res.headers, image.extra);
}

/**
 * Turns a successful v1 answer into what the caller wants: image bytes or `{"image": base64}`
 * become an `ImageResult`; other JSON is returned parsed; other text as a string.
 */
export function decodeSyncOutput(
  body: Uint8Array,
  headers: ResponseHeaders,
  options: SyncReadOptions = {},
  status = 200,
): SyncOutput {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) {
    if (options.expectImage || type.startsWith('image/')) throw unusable(status, headers, 'an empty body');
    return undefined;
  }
  if (type.startsWith('image/')) return new ImageResult(body, type, headers);
  if (type.includes('json') || (type === '' && body[0] === 0x7b)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8(body));
    } catch {
      throw unusable(status, headers, `invalid JSON: ${utf8(body.subarray(0, 80))}`);
    }
    if (isRecord(parsed) && typeof parsed.image === 'string') {
      const { image, ...extra } = parsed;
      const data = decodeBase64(image.replace(/^data:[^,]*,/, ''), status, headers);
      return new ImageResult(data, sniffImageType(data, 'image/jpeg'), headers, extra);
    }
    if (options.expectImage) {
      // The parsed body is kept: it is what the server said about a call that may have been billed.
      throw unusable(status, headers, `JSON without an image: ${utf8(body.subarray(0, 200))}`, parsed);
    }
    return parsed as JsonValue;
  }
  if (type.startsWith('text/')) {
    if (options.expectImage) {
      const text = utf8(body);
      throw unusable(status, headers, `text instead of an image: ${text.slice(0, 200)}`, text);
    }
    return utf8(body);
  }
  return new ImageResult(body, type || sniffImageType(body), headers);
}

// A 2xx the SDK cannot turn into what was asked for. Only a 200 is billed, but which 2xx the server
// used says nothing certain, so the error always says it may have been, and keeps the request id.
function unusable(status: number, headers: ResponseHeaders, what: string, body?: unknown): APIError {
  return new APIError({
    status,
    headers,
    body,
    detail: what,
    message: `The v1 call answered ${status} with ${what} (the call may have been billed; nothing was returned)`,
  });
}

/** Decodes standard (or URL-safe) base64 strictly; anything else is an `APIError`, never wrong bytes. */
function decodeBase64(text: string, status: number, headers: ResponseHeaders): Uint8Array {
  const decoder = new StrictBase64(undefined, status, headers);
  decoder.push(text);
  return decoder.finish();
}

const BASE64_CHARS = /^[A-Za-z0-9+/_-]*={0,2}$/;
const WHITESPACE = /[\t\n\r ]/g;

/**
 * Base64 decoded as it arrives, checked as strictly as Node's decoder is lenient (Node skips any
 * character it does not know, so `"ab!cd"` would decode to wrong bytes without a word). Line breaks
 * and spaces are skipped (MIME-wrapped base64); `=` only at the end, at most two.
 */
class StrictBase64 {
  #pending = '';
  #count = 0;
  #pads = 0;
  // Allocated on the first bytes, not up front: by then the transport has checked content-length
  // against maxResponseBytes, so a lying header never becomes a huge allocation.
  readonly #size: number | undefined;
  #decoder: Base64Decoder | undefined;
  readonly #status: number;
  readonly #headers: ResponseHeaders;

  constructor(maxDecoded: number | undefined, status: number, headers: ResponseHeaders) {
    this.#size = maxDecoded !== undefined && maxDecoded > 0 ? maxDecoded : undefined;
    this.#status = status;
    this.#headers = headers;
  }

  #invalid(why: string): APIError {
    return unusable(this.#status, this.#headers, `an image that is not valid base64 (${why})`);
  }

  push(text: string): void {
    const clean = text.includes(' ') || /[\t\n\r]/.test(text) ? text.replace(WHITESPACE, '') : text;
    if (!clean) return;
    if (!BASE64_CHARS.test(clean)) {
      const bad = /[^A-Za-z0-9+/_=-]/.exec(clean)?.[0];
      throw this.#invalid(bad ? `it contains ${JSON.stringify(bad)}` : "'=' before the end");
    }
    const pads = clean.length - clean.replace(/=+$/, '').length;
    if (this.#pads > 0 && (pads !== clean.length || this.#pads + pads > 2)) {
      throw this.#invalid("data after the '=' padding");
    }
    this.#pads += pads;
    this.#count += clean.length;
    const all = this.#pending + clean;
    const usable = all.length - (all.length % 4);
    this.#decode(all.slice(0, usable));
    this.#pending = all.slice(usable);
  }

  finish(): Uint8Array {
    if (this.#count % 4 === 1 || (this.#pads > 0 && this.#count % 4 !== 0)) {
      throw this.#invalid(`a length of ${this.#count} characters cannot be base64`);
    }
    this.#decode(this.#pending);
    this.#pending = '';
    const data = this.#decoder?.end() ?? new Uint8Array(0);
    if (data.length === 0) throw unusable(this.#status, this.#headers, 'an empty image');
    return data;
  }

  #decode(base64: string): void {
    if (!base64) return;
    this.#decoder ??= new Base64Decoder(this.#size);
    this.#decoder.write(base64);
  }
}

const IMAGE_FIRST = /^\s*\{\s*"image"\s*:\s*"/;
/** The image-first prefix (and five bytes to rule out a `data:` URL) fit in this many bytes. */
const PREFIX_WINDOW = 64;

// JSON's one-character escapes. `\uXXXX` is decoded separately; anything else is not JSON.
const SIMPLE_ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/** Decodes the `image` field of an image-first JSON body as it streams in. */
class Base64ImageSink {
  #state: 'prefix' | 'data' | 'tail' | 'raw' = 'prefix';
  #head: Uint8Array[] = [];
  #tail: Uint8Array[] = [];
  // Inside an escape: '' right after the backslash, 'u' plus the hex digits read so far for \uXXXX.
  #escape: string | undefined;
  readonly #base64: StrictBase64;
  readonly #status: number;
  readonly #headers: ResponseHeaders;

  constructor(length: number | undefined, status: number, headers: ResponseHeaders) {
    // Sized from content-length when known (base64 decodes to at most 3/4 of it).
    const max = length !== undefined && length > 0 ? Math.ceil(length / 4) * 3 : undefined;
    this.#base64 = new StrictBase64(max, status, headers);
    this.#status = status;
    this.#headers = headers;
  }

  write(chunk: Uint8Array): void {
    if (this.#state === 'raw') this.#head.push(chunk);
    else if (this.#state === 'tail') this.#tail.push(chunk);
    else if (this.#state === 'data') this.#data(chunk);
    else {
      this.#head.push(chunk);
      const all = this.#head.length === 1 ? chunk : concatBytes(this.#head);
      this.#head = [all];
      const head = latin1(all, 0, PREFIX_WINDOW);
      const match = IMAGE_FIRST.exec(head);
      const rest = match ? all.subarray(match[0].length) : undefined;
      if (!match || !rest) {
        if (head.length >= PREFIX_WINDOW) this.#state = 'raw';
        return;
      }
      // A data: URL, or too few bytes yet to tell, goes the plain way (or waits for more).
      if (rest.length < 5 && rest.indexOf(0x22) < 0) return;
      if (latin1(rest, 0, 5) === 'data:') {
        this.#state = 'raw';
        return;
      }
      this.#state = 'data';
      this.#data(rest);
    }
  }

  // The string's text, with JSON's escapes decoded as JSON defines them (`\/`, `\u002f`, `\n` …),
  // up to its closing quote; an escaped quote does not end it.
  #data(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#escape !== undefined) {
        const byte = chunk[i++]!;
        if (this.#escape === '') {
          if (byte === 0x75) this.#escape = 'u';
          else {
            const ch = SIMPLE_ESCAPES[byte];
            if (ch === undefined) throw this.#invalidJson(`bad escape \\${String.fromCharCode(byte)}`);
            this.#escape = undefined;
            this.#base64.push(ch);
          }
          continue;
        }
        if (!isHexDigit(byte)) throw this.#invalidJson('bad \\u escape');
        this.#escape += String.fromCharCode(byte);
        if (this.#escape.length === 5) {
          this.#base64.push(String.fromCharCode(Number.parseInt(this.#escape.slice(1), 16)));
          this.#escape = undefined;
        }
        continue;
      }
      const quote = chunk.indexOf(0x22, i);
      const backslash = chunk.indexOf(0x5c, i);
      const stop = quote < 0 ? backslash : backslash < 0 ? quote : Math.min(quote, backslash);
      const end = stop < 0 ? chunk.length : stop;
      if (end > i) this.#base64.push(latin1(chunk, i, end));
      if (stop < 0) return;
      if (stop === quote) {
        this.#state = 'tail';
        this.#tail.push(chunk.subarray(quote + 1));
        return;
      }
      this.#escape = '';
      i = stop + 1;
    }
  }

  #invalidJson(why: string): APIError {
    return unusable(this.#status, this.#headers, `invalid JSON (${why})`);
  }

  /** The decoded image, or `undefined` when the body was not image-first JSON (use `raw()`). */
  finish(): { data: Uint8Array; extra: Record<string, unknown> } | undefined {
    if (this.#state === 'prefix' || this.#state === 'raw') return undefined;
    let extra: unknown;
    try {
      if (this.#state !== 'tail') throw new Error('the image string never ends');
      extra = JSON.parse(`{"image":null${utf8(concatBytes(this.#tail))}`);
    } catch (err) {
      throw this.#invalidJson((err as Error).message);
    }
    const { image: _image, ...rest } = extra as Record<string, unknown>;
    return { data: this.#base64.finish(), extra: rest };
  }

  /** The whole body, for a body that was not image-first JSON. */
  raw(): Uint8Array {
    return concatBytes(this.#head);
  }
}

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}
