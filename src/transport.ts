// The only module that does network I/O. Everything above it sees `HttpResponse` and SegmindErrors.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, type Dispatcher, request } from 'undici';
import { ConnectionError, type Headers, RequestTimeoutError, UserAbortError } from './errors.js';

/** Sockets the client's own Agent opens per origin. Requests beyond it queue. */
export const MAX_SOCKETS_PER_ORIGIN = 64;
/** How long an idle keep-alive socket is kept, in ms. */
export const KEEP_ALIVE_TIMEOUT = 30_000;

/** A keep-alive Agent for one client and its copies. */
export function createAgent(): Agent {
  return new Agent({
    connections: MAX_SOCKETS_PER_ORIGIN,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT,
    keepAliveMaxTimeout: 10 * KEEP_ALIVE_TIMEOUT,
  });
}

/** One HTTP request, as the layers above describe it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Limit for the whole exchange (headers and body), in ms. */
  timeout: number;
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
  /** Drops the body. */
  discard(): Promise<void>;
}

const TIMED_OUT = Symbol('timeout');

/** Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError` or `UserAbortError`. */
export async function send(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  if (req.signal?.aborted) throw new UserAbortError(req.signal.reason);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(TIMED_OUT), req.timeout);
  timer.unref();
  const onAbort = () => controller.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const done = () => {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  };
  const fail = (err: unknown, phase: 'send' | 'body'): never => {
    done();
    throw transportError(err, req, controller.signal, phase);
  };

  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      dispatcher,
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      signal: controller.signal,
      // undici's own limits follow ours, so its 300 s default never cuts a long call short.
      headersTimeout: req.timeout,
      bodyTimeout: req.timeout,
    });
  } catch (err) {
    return fail(err, 'send');
  }

  const body = res.body;
  const consume = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      const out = await read();
      done();
      return out;
    } catch (err) {
      body.destroy();
      return fail(err, 'body');
    }
  };

  return {
    status: res.statusCode,
    headers: flattenHeaders(res.headers),
    bytes: () => consume(() => readAll(body, Number(res.headers['content-length']))),
    text: (limit = Number.POSITIVE_INFINITY) => consume(() => readText(body, limit)),
    pipeTo: async (destination) => {
      // A failing destination (a full disk, a missing folder) is the caller's error, not the network's.
      let sourceError: unknown;
      let destinationError: unknown;
      body.once('error', (err) => {
        sourceError = err;
      });
      destination.once('error', (err) => {
        destinationError = err;
      });
      try {
        await consume(() => pipeline(body, destination));
      } catch (err) {
        if (destinationError && destinationError !== sourceError && !controller.signal.aborted)
          throw destinationError;
        throw err;
      }
    },
    discard: () => consume(() => body.dump({ limit: 64 * 1024 })),
  };
}

async function readAll(body: AsyncIterable<Buffer>, length: number): Promise<Buffer> {
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

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
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

function transportError(err: unknown, req: HttpRequest, signal: AbortSignal, phase: 'send' | 'body') {
  const what = `${req.method} ${req.url.pathname}`;
  if (signal.aborted && signal.reason !== TIMED_OUT) return new UserAbortError(signal.reason);
  const code = (err as { code?: string } | null)?.code;
  const timedOut =
    signal.reason === TIMED_OUT || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
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
