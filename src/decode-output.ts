import { APIError, type Headers, isRecord } from './errors.js';
import { ImageResult, sniffImageType } from './image-result.js';
import type { HttpResponse } from './transport.js';

/** A parsed JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a v1 call for a model the SDK does not type can yield: an image, parsed JSON, or text. */
export type SyncOutput = ImageResult | JsonValue;

const BASE64_SLICE = 4 * 1024 * 1024;

/**
 * Turns a successful v1 answer into what the caller wants: image bytes or `{"image": base64}`
 * become an `ImageResult`; other JSON is returned parsed; other text as a string.
 */
export function decodeSyncOutput(body: Buffer, headers: Headers): SyncOutput {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('image/')) return new ImageResult(body, type, headers);
  const looksJson = type.includes('json') || (type === '' && body[0] === 0x7b);
  if (looksJson) {
    const image = base64ImageField(body);
    if (image)
      return new ImageResult(image.data, sniffImageType(image.data, 'image/jpeg'), headers, image.extra);
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
    return parsed as JsonValue;
  }
  if (type.startsWith('text/')) return body.toString('utf8');
  return new ImageResult(body, type || sniffImageType(body), headers);
}

/**
 * Finds `"image": "<base64>"` and decodes it straight from the bytes in slices, so a large image
 * never exists as one big JSON string next to its decoded copy. Other keys are parsed normally.
 */
function base64ImageField(body: Buffer): { data: Buffer; extra: Record<string, unknown> } | undefined {
  const marker = body.indexOf('"image"');
  if (marker < 0) return undefined;
  let start = marker + 7;
  while (body[start] === 0x20 || body[start] === 0x0a || body[start] === 0x0d) start++;
  if (body[start] !== 0x3a) return viaJsonParse(body);
  start++;
  while (body[start] === 0x20 || body[start] === 0x0a || body[start] === 0x0d) start++;
  if (body[start] !== 0x22) return viaJsonParse(body);
  start++;
  const end = body.indexOf(0x22, start);
  // Plain base64 has no escapes and no data: prefix; anything else goes through JSON.parse instead.
  const slice = body.subarray(start, end);
  if (end < 0 || slice.includes(0x5c) || slice.subarray(0, 5).toString('latin1') === 'data:') {
    return viaJsonParse(body);
  }
  const rest = Buffer.concat([body.subarray(0, marker), Buffer.from('"image":null'), body.subarray(end + 1)]);
  let others: unknown;
  try {
    others = JSON.parse(rest.toString('utf8'));
  } catch {
    return viaJsonParse(body);
  }
  if (!isRecord(others)) return undefined;
  const { image: _image, ...extra } = others;
  return { data: decodeBase64(slice), extra };
}

function viaJsonParse(body: Buffer): { data: Buffer; extra: Record<string, unknown> } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.image !== 'string') return undefined;
  const { image, ...extra } = parsed;
  return { data: Buffer.from(image.replace(/^data:[^,]*,/, ''), 'base64'), extra };
}

function decodeBase64(ascii: Buffer): Buffer {
  if (ascii.length <= BASE64_SLICE) return Buffer.from(ascii.toString('latin1'), 'base64');
  // Decode slice by slice (each a multiple of 4 characters) into one buffer sized up front.
  const out = Buffer.allocUnsafe(Math.ceil(ascii.length / 4) * 3);
  let written = 0;
  for (let i = 0; i < ascii.length; i += BASE64_SLICE) {
    written += out.write(
      ascii.toString('latin1', i, Math.min(ascii.length, i + BASE64_SLICE)),
      written,
      'base64',
    );
  }
  return out.subarray(0, written);
}

/** JSON answers at least this large are decoded as they arrive instead of after the last byte. */
export const STREAM_DECODE_MIN = 1024 * 1024;

const IMAGE_FIRST = /^\s*\{\s*"image"\s*:\s*"/;

/**
 * Reads a successful v1 answer. A large `{"image": "<base64>", …}` body is decoded chunk by chunk
 * into one buffer, so the base64 text never sits in memory whole; anything else is read, then
 * decoded by {@link decodeSyncOutput}.
 */
export async function readSyncOutput(res: HttpResponse): Promise<SyncOutput> {
  const type = res.headers['content-type'] ?? '';
  const length = Number(res.headers['content-length']);
  if (!type.includes('json') || !Number.isSafeInteger(length) || length < STREAM_DECODE_MIN) {
    return decodeSyncOutput(await res.bytes(), res.headers);
  }
  const sink = new Base64ImageSink(length);
  await res.each((chunk) => sink.write(chunk));
  const image = sink.finish(res.headers);
  if (!image) return decodeSyncOutput(sink.raw(), res.headers);
  const data = image.data;
  return new ImageResult(data, sniffImageType(data, 'image/jpeg'), res.headers, image.extra);
}

/** Decodes the `image` field of an image-first JSON body as it streams in. */
class Base64ImageSink {
  #state: 'prefix' | 'data' | 'tail' | 'raw' = 'prefix';
  #head: Buffer[] = [];
  #tail: Buffer[] = [];
  #pending = '';
  #escape = false;
  #out: Buffer;
  #written = 0;

  constructor(length: number) {
    this.#out = Buffer.allocUnsafe(Math.ceil(length / 4) * 3);
  }

  write(chunk: Buffer): void {
    if (this.#state === 'raw' || this.#state === 'tail') {
      (this.#state === 'raw' ? this.#head : this.#tail).push(chunk);
      return;
    }
    if (this.#state === 'prefix') {
      this.#head.push(chunk);
      const head = Buffer.concat(this.#head).toString('latin1', 0, 64);
      const match = IMAGE_FIRST.exec(head);
      if (!match) {
        // The prefix fits in 64 bytes: past that, this is not an image-first body.
        if (head.length >= 64) this.#state = 'raw';
        return;
      }
      const all = Buffer.concat(this.#head);
      this.#head = [all];
      this.#state = 'data';
      this.#data(all.subarray(match[0].length));
      return;
    }
    this.#data(chunk);
  }

  #data(chunk: Buffer): void {
    const quote = chunk.indexOf(0x22);
    const part = quote < 0 ? chunk : chunk.subarray(0, quote);
    const text = this.#pending + this.#unescape(part.toString('latin1'));
    const usable = text.length - (text.length % 4);
    this.#written += this.#out.write(text.slice(0, usable), this.#written, 'base64');
    this.#pending = text.slice(usable);
    if (quote >= 0) {
      if (this.#pending) this.#written += this.#out.write(this.#pending, this.#written, 'base64');
      this.#pending = '';
      this.#state = 'tail';
      this.#tail.push(chunk.subarray(quote + 1));
    }
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
    return { data: this.#out.subarray(0, this.#written), extra: rest };
  }

  raw(): Buffer {
    return Buffer.concat(this.#head);
  }
}
