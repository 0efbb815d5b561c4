// The bounded response body, built once for both transports. A transport hands over its body as a
// ChunkReader (chunks on demand) and says how a failure reads; everything a caller relies on when
// reading is here: the caps, content-length, capped text, the one-read rule, discarding, and which
// errors pass through as they are.
import { APIError, type ResponseHeaders, SegmindError } from '../errors.js';
import { allocBytes, concatBytes, utf8 } from '../runtime/bytes.js';
import type { ByteSink, HttpRequest, HttpResponse } from './transport.js';

/** A body as a transport delivers it: the next chunk when asked for. */
export interface ChunkReader {
  /** The next chunk, or `undefined` at the end. Rejects with what broke (the network, the timer). */
  read(): Promise<Uint8Array | undefined>;
  /** Stops reading; the rest is dropped with the connection. Harmless after the end, or twice. */
  cancel(): void;
}

/** What a transport gives {@link BoundedResponse}: the answer's head and its body, unread. */
export interface ResponseParts {
  readonly request: HttpRequest;
  readonly status: number;
  readonly headers: ResponseHeaders;
  /** The body, decoded, opened on the first read. */
  open(): ChunkReader;
  /** The body as it came, for `discard()` (never decoded). @default open */
  openRaw?(): ChunkReader;
  /**
   * The whole body in one piece, the runtime's own fastest read; used only when content-length is
   * known and within the limit (so it cannot outgrow it).
   */
  whole?(): Promise<Uint8Array>;
  /** A content-encoding the transport cannot decode, found before reading; the body is refused. */
  readonly undecodable?: string | undefined;
  /** Whether the exchange was stopped (the caller's signal, the timer): that error then wins. */
  stopped(): boolean;
  /** A read that failed, as the error to throw (see transport-error.ts). */
  failed(error: unknown): SegmindError;
  /** The exchange is over (read, failed or dropped): stop timers, release what it held. */
  finish(): void;
}

/** Thrown by a transport's decoder when the body does not decode: the answer is unusable, not the network broken. */
export class UndecodableBody {
  constructor(
    readonly encoding: string,
    readonly cause: unknown,
  ) {}
}

/** Bytes `discard()` reads before it drops the rest, so a short body leaves the connection reusable. */
export const DISCARD_LIMIT = 64 * 1024;

/** The codings of a `content-encoding` header, in the order they were applied, `identity` left out. */
export function contentEncodings(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(',')) {
    const coding = part.trim().toLowerCase();
    if (coding && coding !== 'identity') out.push(coding);
  }
  return out;
}

// A declared length describes the decoded body only when it was sent unencoded.
function declaredLength(headers: ResponseHeaders): number | undefined {
  const header = headers['content-length'];
  if (header === undefined) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && contentEncodings(encoding).length > 0) return undefined;
  const length = Number(header);
  return header.trim() !== '' && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

// An error thrown by the reader's own callback (`each`, `pipeTo`), rethrown as it is.
class CallbackError {
  constructor(readonly error: unknown) {}
}

/** An answer read at most once, within its caps, with the same errors on every transport. */
export class BoundedResponse implements HttpResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly contentLength: number | undefined;
  readonly #parts: ResponseParts;
  readonly #cap: number;
  #used = false;
  #reader: ChunkReader | undefined;

  constructor(parts: ResponseParts) {
    this.#parts = parts;
    this.status = parts.status;
    this.headers = parts.headers;
    this.contentLength = declaredLength(parts.headers);
    this.#cap = parts.request.maxResponseBytes ?? Number.POSITIVE_INFINITY;
  }

  bytes(limit = this.#cap): Promise<Uint8Array> {
    const parts = this.#parts;
    const length = this.contentLength;
    if (parts.whole && length !== undefined && length <= limit) {
      // The common case (an image with its length): the runtime's own read, with no async frame
      // of ours around it.
      if (this.#used) return Promise.reject(this.#readTwice());
      this.#used = true;
      return parts.whole().then(
        (body) => {
          parts.finish();
          return body;
        },
        (err: unknown) => this.#failed(err),
      );
    }
    return this.#consume(() => {
      this.#checkDeclared(limit);
      return this.#readAll(this.#open('decoded'), limit);
    });
  }

  text(limit?: number): Promise<string> {
    if (limit === undefined) return this.bytes().then(utf8);
    return this.#consume(async () => {
      const reader = this.#open('decoded');
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
        chunks.push(chunk);
        size += chunk.length;
        // The rest is dropped with the connection: an error body is never read past its limit.
        if (size >= limit) break;
      }
      const all = concatBytes(chunks);
      return utf8(size > limit ? all.subarray(0, limit) : all);
    });
  }

  each(onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
    return this.#consume(() => {
      this.#checkDeclared(this.#cap);
      return this.#forEach(this.#open('decoded'), this.#cap, onChunk);
    });
  }

  pipeTo(destination: ByteSink): Promise<void> {
    return this.#consume(() =>
      this.#forEach(this.#open('decoded'), Number.POSITIVE_INFINITY, (chunk) => destination.write(chunk)),
    );
  }

  discard(): Promise<void> {
    return this.#consume(async () => {
      const reader = this.#open('raw');
      let size = 0;
      for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
        size += chunk.length;
        if (size > DISCARD_LIMIT) break;
      }
    });
  }

  #open(body: 'decoded' | 'raw'): ChunkReader {
    const parts = this.#parts;
    if (body === 'decoded' && parts.undecodable !== undefined) {
      throw this.#unusable(`a body in content-encoding "${parts.undecodable}", which this SDK cannot decode`);
    }
    this.#reader = body === 'raw' && parts.openRaw ? parts.openRaw() : parts.open();
    return this.#reader;
  }

  // Every read goes through here: once only, and one mapping of failures (a cap or a callback's
  // error as it is, an undecodable body as unusable, anything else as the transport words it).
  async #consume<T>(read: () => Promise<T>): Promise<T> {
    const parts = this.#parts;
    if (this.#used) throw this.#readTwice();
    this.#used = true;
    try {
      const out = await read();
      // Drops at once what was left unread (text's limit, discard's); nothing after a complete body.
      this.#reader?.cancel();
      parts.finish();
      return out;
    } catch (err) {
      return this.#failed(err);
    }
  }

  #readTwice(): SegmindError {
    const { request } = this.#parts;
    return new SegmindError(`${request.method} ${request.url.pathname}: the answer's body was already read`);
  }

  // A read that failed: what was left is dropped, and the failure mapped as #consume says.
  #failed(err: unknown): never {
    const parts = this.#parts;
    this.#reader?.cancel();
    parts.finish();
    if (err instanceof CallbackError) throw parts.stopped() ? parts.failed(err.error) : err.error;
    if (err instanceof UndecodableBody && !parts.stopped()) {
      const why = err.cause instanceof Error ? err.cause.message : String(err.cause);
      throw this.#unusable(`a body in content-encoding "${err.encoding}" that does not decode (${why})`);
    }
    if (err instanceof SegmindError) throw err;
    throw parts.failed(err instanceof UndecodableBody ? err.cause : err);
  }

  async #readAll(reader: ChunkReader, limit: number): Promise<Uint8Array> {
    const length = this.contentLength;
    if (length !== undefined) {
      // A known length: one buffer and one copy per chunk, no 2x peak from joining (none at all when
      // the body comes as one chunk).
      const first = await reader.read();
      if (first === undefined || first.length === length) {
        if (first !== undefined && (await reader.read()) !== undefined) throw overrun(length);
        if (first === undefined && length > 0) throw shortBody(0, length);
        return first ?? new Uint8Array(0);
      }
      const out = allocBytes(length);
      let offset = 0;
      for (let chunk: Uint8Array | undefined = first; chunk; chunk = await reader.read()) {
        if (offset + chunk.length > length) throw overrun(length);
        out.set(chunk, offset);
        offset += chunk.length;
      }
      if (offset !== length) throw shortBody(offset, length);
      return out;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
      size += chunk.length;
      if (size > limit) throw this.#tooLarge(limit);
      chunks.push(chunk);
    }
    return chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks);
  }

  async #forEach(
    reader: ChunkReader,
    limit: number,
    onChunk: (chunk: Uint8Array) => void | Promise<void>,
  ): Promise<void> {
    let size = 0;
    for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
      size += chunk.length;
      if (size > limit) throw this.#tooLarge(limit);
      try {
        const pending = onChunk(chunk);
        if (pending) await pending;
      } catch (err) {
        throw new CallbackError(err);
      }
    }
  }

  #checkDeclared(limit: number): void {
    if (this.contentLength !== undefined && this.contentLength > limit) throw this.#tooLarge(limit);
  }

  #tooLarge(limit: number): APIError {
    const declared = this.contentLength === undefined ? '' : `; content-length ${this.contentLength}`;
    return this.#unusable(
      `a body larger than maxResponseBytes (${limit} bytes${declared}); the connection was dropped`,
    );
  }

  // The answer came but cannot be used: the status's request may have been billed all the same.
  #unusable(detail: string): APIError {
    const { request } = this.#parts;
    const billing = request.billable ? ' (the call may have been billed)' : '';
    return new APIError({
      status: this.status,
      headers: this.headers,
      detail,
      message: `${request.method} ${request.url.pathname} answered ${this.status} with ${detail}${billing}; nothing was returned`,
    });
  }
}

// A body that breaks its content-length is a broken connection, worded by the transport.
function overrun(length: number): Error {
  return new Error(`body longer than its content-length (${length} bytes)`);
}

function shortBody(got: number, length: number): Error {
  return new Error(`body ended after ${got} of ${length} bytes`);
}
