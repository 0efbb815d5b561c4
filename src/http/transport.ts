// The only module that does network I/O. Everything above it sees `HttpResponse` and SegmindErrors.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import {
  ConnectionError,
  type Headers,
  RequestTimeoutError,
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
}

/** An answer whose body has not been read yet. Read it once, with one of the methods. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The whole body. */
  bytes(): Promise<Buffer>;
  /** At most `limit` bytes of the body as UTF-8 text; the rest is dropped with the connection. */
  text(limit?: number): Promise<string>;
  /** Streams the body into `destination`. Errors of `destination` itself are rethrown as they are. */
  pipeTo(destination: Writable): Promise<void>;
  /** Hands each chunk of the body to `onChunk`, in order, as it arrives. */
  each(onChunk: (chunk: Buffer) => void): Promise<void>;
  /** Drops the body. */
  discard(): Promise<void>;
}

/**
 * Below this `timeout` (ms) a request gets its own AbortSignal, so the limit holds to the
 * millisecond; above it undici's coarser (about 1 s) header timer is close enough and cheaper.
 */
export const PRECISE_TIMEOUT_BELOW = 30_000;

/** Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError` or `UserAbortError`. */
export async function send(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const { signal } = req;
  if (signal?.aborted) throw new UserAbortError(signal.reason);
  // undici's headersTimeout (set to `timeout`) bounds the wait for headers; this timer bounds the
  // whole exchange, ending a body still arriving when time is up. An AbortSignal costs undici more
  // per request than parsing the answer, so one is made only for short limits or a caller's signal.
  let body: Dispatcher.ResponseData['body'] | undefined;
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
  const fail = (err: unknown, phase: 'send' | 'body'): never => {
    done();
    throw transportError(err, req, phase, timedOut);
  };

  let res: Dispatcher.ResponseData;
  try {
    const abortWith = controller?.signal ?? signal;
    res = await undici().request(req.url, {
      dispatcher,
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
  const stream = body;

  const consume = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      const out = await read();
      done();
      return out;
    } catch (err) {
      stream.destroy();
      return fail(err, 'body');
    }
  };

  return {
    status: res.statusCode,
    headers: flattenHeaders(res.headers),
    bytes: () => consume(() => readAll(stream, Number(res.headers['content-length']))),
    text: (limit = Number.POSITIVE_INFINITY) => consume(() => readText(stream, limit)),
    pipeTo: async (destination) => {
      // A failing destination (a full disk, a missing folder) is the caller's error, not the network's.
      let sourceError: unknown;
      let destinationError: unknown;
      stream.once('error', (err) => {
        sourceError = err;
      });
      destination.once('error', (err) => {
        destinationError = err;
      });
      try {
        await consume(() => pipeline(stream, destination));
      } catch (err) {
        if (destinationError && destinationError !== sourceError && !timedOut && !signal?.aborted) {
          throw destinationError;
        }
        throw err;
      }
    },
    each: (onChunk) =>
      consume(async () => {
        for await (const chunk of stream) onChunk(chunk);
      }),
    discard: () => consume(() => stream.dump({ limit: 64 * 1024 })),
  };
}

/** Bodies up to this size are read by undici's own consumer, the fastest path for small answers. */
const SMALL_BODY = 1024 * 1024;

async function readAll(body: Dispatcher.ResponseData['body'], length: number): Promise<Buffer> {
  if (!(length > SMALL_BODY)) {
    const bytes = await body.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  // With a known length, one buffer and one copy per chunk: no 2x peak from concatenation.
  if (Number.isSafeInteger(length) && length > 0) {
    const out = Buffer.allocUnsafe(length);
    let offset = 0;
    for await (const chunk of body) {
      if (offset + chunk.length > length) throw new Error('body longer than its content-length');
      chunk.copy(out, offset);
      offset += chunk.length;
    }
    if (offset !== length) throw new Error(`body ended after ${offset} of ${length} bytes`);
    return out;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  const all = Buffer.concat(chunks);
  return all.subarray(0, Math.min(all.length, limit)).toString('utf8');
}

// undici already lower-cases names; only repeated headers (arrays) need joining, in place.
function flattenHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  for (const name in raw) {
    const value = raw[name];
    if (typeof value !== 'string') {
      if (value === undefined) delete raw[name];
      else raw[name] = value.join(', ');
    }
  }
  return raw as Headers;
}

// Errors raised while connecting: the request never left this machine, so even a POST is safe to retry.
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isBeforeSend(err: unknown): boolean {
  const e = err as { code?: string; syscall?: string } | null;
  return (
    !!e && (BEFORE_SEND_CODES.has(e.code ?? '') || e.syscall === 'connect' || e.syscall === 'getaddrinfo')
  );
}

function transportError(err: unknown, req: HttpRequest, phase: 'send' | 'body', timerFired: boolean) {
  const what = `${req.method} ${req.url.pathname}`;
  if (req.signal?.aborted) return new UserAbortError(req.signal.reason);
  const code = (err as { code?: string } | null)?.code;
  const timedOut = timerFired || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  const sent = phase === 'body' || !isBeforeSend(err);
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
        : 'failed';
  return new ConnectionError(`${what}: connection to ${req.url.host} ${where} (${reason}).${billing}`, {
    requestSent: sent,
    cause: err,
  });
}
