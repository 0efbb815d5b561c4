// The only module that does network I/O. Everything above it sees `HttpResponse` and SegmindErrors.
//
// Three timeout layers, each for what the others cannot do:
// 1. The dispatcher's `headersTimeout`/`bodyTimeout` (undici's own timers). The client's Agent is
//    built with both set to the client's `timeout`, so undici's 300 s defaults never cut a long call
//    short; a call with another `timeout` (or a caller's own dispatcher) passes them per request.
//    They bound the wait for headers and each gap between body chunks, not the whole exchange.
// 2. One `setTimeout` per request for the whole exchange (connect, headers and body together): a
//    body trickling in, one byte inside every `bodyTimeout`, still ends when `timeout` is up.
// 3. An AbortController, only for limits under PRECISE_TIMEOUT_BELOW or a caller's signal: undici's
//    timers tick about once a second, fine for 120 s but not for a 200 ms limit, and an AbortSignal
//    costs undici more per request than parsing a small answer, so it is made only when needed.
// Which layer fired does not matter to the caller: all three become RequestTimeoutError.
import { pipeline as pipelineCallback, type Readable, Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import {
  APIError,
  ConnectionError,
  RequestTimeoutError,
  type ResponseHeaders,
  SegmindError,
  UserAbortError,
} from '../errors.js';
import { lazyModule } from '../util/lazy.js';

const undici = lazyModule<typeof Undici>('undici');

/** Sockets the client's own Agent opens per origin. Requests beyond it queue. */
export const MAX_SOCKETS_PER_ORIGIN = 64;
/** How long an idle keep-alive socket is kept, in ms. */
export const KEEP_ALIVE_TIMEOUT = 30_000;

/**
 * A keep-alive Agent for one client and its copies. Its header and body limits are the client's
 * `timeout`, so undici's 300 s defaults never cut a long call short, and calls that keep the
 * client's timeout need no per-request timer settings (measurably cheaper in undici).
 */
function createAgent(timeout: number): Agent {
  return new (undici().Agent)({
    connections: MAX_SOCKETS_PER_ORIGIN,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT,
    keepAliveMaxTimeout: 10 * KEEP_ALIVE_TIMEOUT,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
}

/**
 * Where a client's requests go: the dispatcher the caller gave, or the client's own Agent, built on
 * the first request and shared by its `withOptions()` copies.
 */
export class Connections {
  readonly #given: Dispatcher | undefined;
  readonly #timeout: number;
  #agent: Agent | undefined;
  #closed = false;

  constructor(given: Dispatcher | undefined, timeout: number) {
    this.#given = given;
    this.#timeout = timeout;
  }

  get dispatcher(): Dispatcher {
    if (this.#given) return this.#given;
    if (this.#closed) throw new SegmindError('This client was closed with close(); create a new one');
    this.#agent ??= createAgent(this.#timeout);
    return this.#agent;
  }

  /** The header/body limit the dispatcher applies by itself: known for the own Agent only. */
  get timeout(): number | undefined {
    return this.#given ? undefined : this.#timeout;
  }

  /** Closes the own Agent, if one was built; a given dispatcher is left open. */
  async close(): Promise<void> {
    if (this.#given || this.#closed) return;
    this.#closed = true;
    await this.#agent?.close();
  }
}

/** One HTTP request, as the layers above describe it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Limit for the whole exchange (headers and body), in ms. */
  timeout: number;
  /** The header/body limit the dispatcher already applies, when known (the client's own Agent). */
  dispatcherTimeout?: number | undefined;
  signal?: AbortSignal | undefined;
  /** A v1 call or v2 submit: once sent it may have started a billable job. Only changes error wording. */
  billable: boolean;
  /** Cap on a body read whole (`bytes()`, `text()` without a limit, `each()`), after decoding. */
  maxResponseBytes?: number | undefined;
}

/** Where `pipeTo()` writes (a file): each write is awaited, so memory stays flat. */
export interface ByteSink {
  write(chunk: Uint8Array): void | Promise<void>;
}

/**
 * An answer whose body has not been read yet. Read it once, with one of the methods. Bodies arrive
 * decoded (gzip, deflate, br): a transport hands up the bytes the server meant, never compressed ones.
 */
export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  /** The decoded body's length, when the server said it and sent it unencoded; else `undefined`. */
  contentLength: number | undefined;
  /**
   * The whole body; over `limit` (default: the request's `maxResponseBytes`) it fails with `APIError`.
   * A Uint8Array on every runtime (a Buffer from the undici transport): read it with the runtime's
   * helpers (src/runtime/bytes.ts), never with Buffer methods, which Workers lack.
   */
  bytes(limit?: number): Promise<Uint8Array>;
  /**
   * The body as UTF-8 text. With `limit`, at most that many bytes are kept and the rest is dropped
   * with the connection (error bodies); without, a body over `maxResponseBytes` fails with `APIError`.
   */
  text(limit?: number): Promise<string>;
  /**
   * Streams the whole body, unbounded, into `destination` (a file), waiting for each write. Errors
   * of `destination` itself are rethrown as they are.
   */
  pipeTo(destination: ByteSink): Promise<void>;
  /**
   * Hands each chunk of the body to `onChunk`, in order, waiting for a promise it returns; past
   * `maxResponseBytes` it fails with `APIError`.
   */
  each(onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<void>;
  /** Drops the body. */
  discard(): Promise<void>;
}

/**
 * Below this `timeout` (ms) a request gets its own AbortSignal, so the limit holds to the
 * millisecond; above it undici's coarser (about 1 s) header timer is close enough and cheaper.
 */
export const PRECISE_TIMEOUT_BELOW = 30_000;

type Body = Dispatcher.ResponseData['body'];

/** Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError` or `UserAbortError`. */
export async function send(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const { signal } = req;
  if (signal?.aborted) throw new UserAbortError(signal.reason);
  // Layers 2 and 3 of the comment at the top of this file.
  let body: Body | undefined;
  let timedOut = false;
  const controller = req.timeout < PRECISE_TIMEOUT_BELOW ? new AbortController() : undefined;
  const forward = () => controller?.abort(signal?.reason);
  if (controller) signal?.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller?.abort(new Error('timed out'));
    body?.destroy(new Error('timed out'));
  }, req.timeout);
  timer.unref();
  const done = () => {
    clearTimeout(timer);
    if (controller) signal?.removeEventListener('abort', forward);
  };
  // Whether the dispatcher handed the request to a connected socket (after DNS, TCP and TLS): before
  // that nothing can have reached the server, so even a POST is safe to send again. This is the only
  // sure sign; error codes alone cannot tell a TLS handshake failure from a reset after sending.
  const progress = { connected: false };
  const fail = (err: unknown, phase: 'send' | 'body'): never => {
    done();
    throw transportError(err, req, phase, timedOut, progress.connected);
  };

  let res: Dispatcher.ResponseData;
  try {
    const abortWith = controller?.signal ?? signal;
    res = await undici().request(req.url, {
      dispatcher: watchConnect(dispatcher, progress),
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      ...(abortWith ? { signal: abortWith } : {}),
      ...(req.dispatcherTimeout === req.timeout
        ? {}
        : { headersTimeout: req.timeout, bodyTimeout: req.timeout }),
    });
  } catch (err) {
    return fail(err, 'send');
  }
  body = res.body;
  if (timedOut) body.destroy(new Error('timed out'));
  const raw = body;
  const headers = flattenHeaders(res.headers);
  const status = res.statusCode;
  const what = `${req.method} ${req.url.pathname}`;
  const billing = req.billable ? ' (the call may have been billed)' : '';
  const cap = req.maxResponseBytes ?? Number.POSITIVE_INFINITY;

  // A body dropped unread (a refused encoding, a cap hit before reading) errors as it is destroyed;
  // readers attach their own listeners, this one only keeps that from being an uncaught exception.
  let rawError: unknown;
  raw.on('error', (err) => {
    rawError ??= err;
  });
  const encodings = contentEncodings(headers['content-encoding']);
  const unsupported = encodings.find((encoding) => !canDecode(encoding));
  let decodeError: unknown;
  let decoded: Readable | undefined;
  // The decoded body, built on first read (a redirect's body is dropped raw, never decoded).
  const readable = (): Readable => {
    if (encodings.length === 0) return raw;
    if (decoded) return decoded;
    const decoders = [...encodings].reverse().map((encoding) => {
      const decoder = decoderFor(encoding)!;
      decoder.once('error', (err) => {
        decodeError ??= err;
      });
      return decoder;
    });
    decoded = pipelineCallback([raw, ...decoders], ignore) as unknown as Readable;
    decoded.on('error', ignore);
    return decoded;
  };
  const declared = Number(headers['content-length']);
  const contentLength =
    encodings.length === 0 && headers['content-length'] !== undefined && Number.isSafeInteger(declared)
      ? declared
      : undefined;

  const unusable = (detail: string) =>
    new APIError({
      status,
      headers,
      detail,
      message: `${what} answered ${status} with ${detail}${billing}; nothing was returned`,
    });
  const tooLarge = (limit: number) =>
    unusable(
      `a body larger than maxResponseBytes (${limit} bytes${contentLength === undefined ? '' : `; content-length ${contentLength}`}); the connection was dropped`,
    );

  const consume = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      if (unsupported) {
        throw unusable(`a body in content-encoding "${unsupported}", which this SDK cannot decode`);
      }
      const out = await read();
      done();
      return out;
    } catch (err) {
      decoded?.destroy();
      raw.destroy();
      if (err instanceof SegmindError) {
        done();
        throw err;
      }
      // A decoder's own error, not the network's (a broken connection reaches the decoders too).
      if (decodeError !== undefined && decodeError !== rawError && !timedOut && !signal?.aborted) {
        done();
        throw unusable(
          `a body in content-encoding "${encodings.join(', ')}" that does not decode (${(decodeError as Error).message})`,
        );
      }
      return fail(err, 'body');
    }
  };
  const checkDeclared = (limit: number) => {
    if (contentLength !== undefined && contentLength > limit) throw tooLarge(limit);
  };

  return {
    status,
    headers,
    contentLength,
    bytes: (limit = cap) =>
      consume(() => {
        checkDeclared(limit);
        return readAll(readable(), contentLength, limit, tooLarge);
      }),
    text: (limit) =>
      consume(async () => {
        if (limit !== undefined) return readText(readable(), limit);
        checkDeclared(cap);
        return (await readAll(readable(), contentLength, cap, tooLarge)).toString('utf8');
      }),
    pipeTo: async (destination) => {
      // A failing destination (a full disk, a missing folder) is the caller's error, not the network's.
      let destinationError: { error: unknown } | undefined;
      try {
        await consume(async () => {
          for await (const chunk of readable()) {
            try {
              await destination.write(chunk as Buffer);
            } catch (error) {
              destinationError = { error };
              throw error;
            }
          }
        });
      } catch (err) {
        if (destinationError && !timedOut && !signal?.aborted) throw destinationError.error;
        throw err;
      }
    },
    each: (onChunk) =>
      consume(async () => {
        checkDeclared(cap);
        let size = 0;
        for await (const chunk of readable()) {
          size += (chunk as Buffer).length;
          if (size > cap) throw tooLarge(cap);
          const pending = onChunk(chunk as Buffer);
          if (pending) await pending;
        }
      }),
    discard: () => consume(() => raw.dump({ limit: 64 * 1024 })),
  };
}

function ignore(): void {}

// The request's handler, seen through a wrapper that notes when undici connects it to a socket
// (legacy `onConnect` or the newer `onRequestStart`), with every call forwarded as it was.
const HANDLER_METHODS = [
  'onConnect',
  'onRequestStart',
  'onError',
  'onUpgrade',
  'onRequestUpgrade',
  'onResponseStarted',
  'onHeaders',
  'onResponseStart',
  'onData',
  'onResponseData',
  'onComplete',
  'onResponseEnd',
  'onResponseError',
  'onBodySent',
  'onRequestSent',
] as const;

function watchConnect(dispatcher: Dispatcher, progress: { connected: boolean }): Dispatcher {
  const dispatch = (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean => {
    const target = handler as unknown as Record<string, unknown>;
    const wrapped: Record<string, unknown> = {};
    for (const name of HANDLER_METHODS) {
      const method = target[name];
      if (typeof method !== 'function') continue;
      wrapped[name] =
        name === 'onConnect' || name === 'onRequestStart'
          ? (...args: unknown[]) => {
              progress.connected = true;
              return method.apply(handler, args);
            }
          : method.bind(handler);
    }
    return dispatcher.dispatch(opts, wrapped as Dispatcher.DispatchHandler);
  };
  return { dispatch } as unknown as Dispatcher;
}

/** The codings of a `content-encoding` header, in the order they were applied, `identity` left out. */
function contentEncodings(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
}

// undici's request() hands bodies up as sent (fetch would decode them): decode what Node can.
// A "deflate" body should be zlib-wrapped, but some servers send it raw; the first byte tells.
function canDecode(encoding: string): boolean {
  if (encoding === 'zstd')
    return typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
  return ['gzip', 'x-gzip', 'br', 'deflate'].includes(encoding);
}

function decoderFor(encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'zstd') {
    const create = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
    return create?.();
  }
  if (encoding === 'deflate') return new DeflateDecoder();
  return undefined;
}

class DeflateDecoder extends Transform {
  #inner: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (!this.#inner) {
      // A zlib header's low nibble is 8 (deflate); anything else is a raw deflate stream.
      const inner = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
      inner.on('data', (out: Buffer) => this.push(out));
      inner.on('error', (err) => this.destroy(err));
      this.#inner = inner;
    }
    this.#inner.write(chunk, callback);
  }

  override _flush(callback: (err?: Error | null) => void): void {
    if (!this.#inner) {
      callback();
      return;
    }
    this.#inner.once('end', () => callback());
    this.#inner.end();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#inner?.destroy();
    callback(err);
  }
}

/** Bodies up to this size are read by undici's own consumer, the fastest path for small answers. */
const SMALL_BODY = 1024 * 1024;

async function readAll(
  body: Readable,
  length: number | undefined,
  limit: number,
  tooLarge: (limit: number) => Error,
): Promise<Buffer> {
  // undici's own consumer, for a small body whose length is known (so it cannot grow past the cap).
  const consumer = (body as Partial<Body>).bytes;
  if (length !== undefined && length <= SMALL_BODY && typeof consumer === 'function') {
    const bytes = await consumer.call(body);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  // With a known length, one buffer and one copy per chunk: no 2x peak from concatenation.
  if (length !== undefined && length > 0) {
    const out = Buffer.allocUnsafe(length);
    let offset = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (offset + chunk.length > length) throw new Error('body longer than its content-length');
      chunk.copy(out, offset);
      offset += chunk.length;
    }
    if (offset !== length) throw new Error(`body ended after ${offset} of ${length} bytes`);
    return out;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

async function readText(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = limit - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= limit) {
      // The rest is dropped with the connection: an error body is never read past its limit.
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

// undici already lower-cases names; only repeated headers (arrays) need joining, in place.
function flattenHeaders(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  for (const name in raw) {
    const value = raw[name];
    if (typeof value !== 'string') {
      if (value === undefined) delete raw[name];
      else raw[name] = value.join(', ');
    }
  }
  return raw as ResponseHeaders;
}

function transportError(
  err: unknown,
  req: HttpRequest,
  phase: 'send' | 'body',
  timerFired: boolean,
  connected: boolean,
) {
  const what = `${req.method} ${req.url.pathname}`;
  if (req.signal?.aborted) return new UserAbortError(req.signal.reason);
  const code = (err as { code?: string } | null)?.code;
  const timedOut = timerFired || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  const sent = phase === 'body' || connected;
  const billing =
    req.billable && sent
      ? ' The request had been sent, so the image may have been generated and billed; it was not retried. Check your Segmind dashboard before sending it again.'
      : '';
  if (timedOut) {
    return new RequestTimeoutError(`${what} timed out after ${req.timeout} ms.${billing}`, {
      timeout: req.timeout,
      requestSent: sent,
      cause: err,
    });
  }
  const reason = err instanceof Error ? err.message : String(err);
  const where =
    phase === 'body'
      ? 'broke while reading the answer'
      : sent
        ? 'broke after the request was sent'
        : 'failed before the request was sent';
  return new ConnectionError(`${what}: connection to ${req.url.host} ${where} (${reason}).${billing}`, {
    requestSent: sent,
    cause: err,
  });
}
