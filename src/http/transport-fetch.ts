// The transport for runtimes without undici (Bun, Deno, Cloudflare Workers, browsers) and for a
// caller's own `fetch` on Node. It keeps the undici transport's contract (see transport.ts): one
// limit over the whole exchange, aborts that act at once, bounded bodies, the billing rule, and
// redirects left to the layer above (`redirect: 'manual'`), which sends the key only to baseURL's
// origin. Nothing here may need Node: Uint8Array, not Buffer; no `node:` import.
import {
  APIError,
  ConnectionError,
  RequestTimeoutError,
  type ResponseHeaders,
  SegmindError,
  UserAbortError,
} from '../errors.js';
import { concatBytes, utf8 } from '../runtime/bytes.js';
import type { HttpRequest, HttpResponse } from './transport.js';
import type { Transport } from './transport-seam.js';

/** A WHATWG `fetch`: the runtime's own, or one the caller passes (a proxy, a mock, a tracing wrapper). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Bytes `discard()` reads before it cancels the rest, so a short body can leave the connection reusable. */
const DISCARD_LIMIT = 64 * 1024;
/** Above this content-length the body is read into one buffer of that size: no 2× peak from joining. */
const PREALLOCATE_ABOVE = 1024 * 1024;

// Why the exchange stopped early: the caller's signal, or the whole-request timer.
const TIMED_OUT = Symbol('timed out');

// Wraps an error thrown by the reader's own callback (`each`, `pipeTo`), so that it is rethrown as
// it is instead of being reported as a broken connection.
class CallbackError {
  constructor(readonly error: unknown) {}
}

/**
 * Sends requests with `fetch`. Stateless apart from `close()`: the runtime's fetch owns connections.
 * @example
 * const transport = new FetchTransport(globalThis.fetch);
 * const res = await transport.send({ method: 'GET', url, headers: {}, timeout: 10_000, billable: false });
 */
export class FetchTransport implements Transport {
  readonly #fetch: FetchFunction;
  /** Requests go through the runtime's own fetch (no `fetch` option): its quirks are ours to handle. */
  readonly #runtimeFetch: boolean;
  #closed = false;

  constructor(fetchFunction?: FetchFunction) {
    if (fetchFunction !== undefined && typeof fetchFunction !== 'function') {
      throw new SegmindError('The fetch option must be a fetch function, e.g. { fetch: globalThis.fetch }');
    }
    if (!fetchFunction && typeof globalThis.fetch !== 'function') {
      throw new SegmindError(
        'This runtime has no global fetch: pass one with new SegmindClient({ fetch }) (e.g. from undici)',
      );
    }
    // Called through a closure: browsers throw "Illegal invocation" for a detached window.fetch.
    this.#fetch = fetchFunction ?? ((input, init) => globalThis.fetch(input, init));
    this.#runtimeFetch = fetchFunction === undefined;
  }

  /** Later requests fail with a `SegmindError`. There is no pool of our own to release. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError`, `UserAbortError` (or a closed-client `SegmindError`). */
  async send(req: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw new SegmindError('This client was closed with close(); create a new one');
    const { signal } = req;
    if (signal?.aborted) throw new UserAbortError(signal.reason);
    let headers: globalThis.Headers;
    try {
      // Built here so a header value fetch would refuse fails before anything could have been sent.
      headers = new globalThis.Headers(req.headers);
    } catch (err) {
      throw transportError(err, req, 'before', false);
    }

    // One controller ends the exchange for both reasons. `stopped` rejects at that moment and the
    // wait for the answer races it, so an abort or a timeout acts at once even with a fetch that
    // ignores its signal (a caller's wrapper, a polyfill); body reads end by cancelling the reader.
    const controller = new AbortController();
    const oneOffClient = req.billable && this.#runtimeFetch ? unpooledDenoClient() : undefined;
    let timedOut = false;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let stopWith!: (reason: unknown) => void;
    const stopped = new Promise<never>((_, reject) => {
      stopWith = reject;
    });
    stopped.catch(() => {});
    const stop = (reason: unknown) => {
      stopWith(reason);
      controller.abort(reason);
      reader?.cancel(reason).catch(() => {});
    };
    const onAbort = () => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      stop(TIMED_OUT);
    }, req.timeout);
    unrefTimer(timer);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      closeQuietly(oneOffClient);
    };
    const fail = (err: unknown, phase: 'send' | 'body'): never => {
      done();
      if (!controller.signal.aborted) controller.abort();
      throw transportError(err, req, phase, timedOut);
    };

    let res: Response;
    try {
      res = await Promise.race([
        callFetch(this.#fetch, req.url.href, {
          method: req.method,
          headers,
          ...(req.body === undefined ? {} : { body: req.body }),
          signal: controller.signal,
          redirect: 'manual',
          ...(oneOffClient ? { client: oneOffClient } : {}),
        }),
        stopped,
      ]);
    } catch (err) {
      return fail(err, 'send');
    }
    if (res.type === 'opaqueredirect') {
      // Browsers hide a manual redirect's target: following it ourselves is impossible there.
      return fail(
        new Error('the answer was a redirect, which a browser does not let fetch follow manually'),
        'body',
      );
    }

    const what = `${req.method} ${req.url.pathname}`;
    const responseHeaders = flattenHeaders(res.headers);
    const status = res.status;
    const body = res.body;
    const cap = req.maxResponseBytes ?? Number.POSITIVE_INFINITY;
    // fetch decodes content-encoding, so a declared length describes the decoded body only when unencoded.
    const declared = Number(responseHeaders['content-length']);
    const encoded = (responseHeaders['content-encoding'] ?? 'identity').trim().toLowerCase() !== 'identity';
    const contentLength =
      !encoded && responseHeaders['content-length'] !== undefined && Number.isSafeInteger(declared)
        ? declared
        : undefined;
    // The same error as the undici transport's for a body over the cap: the call's answer is unusable.
    const billing = req.billable ? ' (the call may have been billed)' : '';
    const tooLarge = (limit: number) => {
      const detail = `a body larger than maxResponseBytes (${limit} bytes${contentLength === undefined ? '' : `; content-length ${contentLength}`}); the connection was dropped`;
      return new APIError({
        status,
        headers: responseHeaders,
        detail,
        message: `${what} answered ${status} with ${detail}${billing}; nothing was returned`,
      });
    };
    const checkDeclared = (limit: number) => {
      if (contentLength !== undefined && contentLength > limit) throw tooLarge(limit);
    };
    let used = false;

    const read = async (): Promise<Uint8Array | undefined> => {
      if (!reader) return undefined;
      // No race against `stopped` here: a reaction per read on a promise that may never settle
      // would keep every chunk alive (a whole download in memory). stop() cancels the reader
      // instead, which ends a pending read at once, and the check below turns that into the error.
      const step = await reader.read();
      if (controller.signal.aborted) throw controller.signal.reason;
      return step.done ? undefined : step.value;
    };

    const consume = async <T>(readBody: () => Promise<T>, stream = true): Promise<T> => {
      if (used) throw new SegmindError(`${what}: the answer's body was already read`);
      used = true;
      if (stream) reader = body?.getReader();
      try {
        const out = await readBody();
        done();
        return out;
      } catch (err) {
        if (err instanceof CallbackError || err instanceof SegmindError) {
          done();
          reader?.cancel().catch(() => {});
          throw err instanceof CallbackError ? err.error : err;
        }
        reader?.cancel().catch(() => {});
        return fail(err, 'body');
      }
    };

    const each = (onChunk: (chunk: Uint8Array) => void | Promise<void>) =>
      consume(async () => {
        checkDeclared(cap);
        let size = 0;
        for (let chunk = await read(); chunk; chunk = await read()) {
          size += chunk.length;
          if (size > cap) throw tooLarge(cap);
          try {
            const pending = onChunk(chunk);
            if (pending) await pending;
          } catch (err) {
            throw new CallbackError(err);
          }
        }
      });

    return {
      status,
      headers: responseHeaders,
      contentLength,
      bytes: (limit = cap) => {
        // A declared length within the limit: the runtime's own reader, its fastest path (and one
        // allocation). fetch ends the body at the declared length, so it cannot outgrow the limit.
        if (contentLength !== undefined && contentLength <= limit) {
          return consume(async () => {
            const whole = await Promise.race([res.arrayBuffer(), stopped]);
            if (controller.signal.aborted) throw controller.signal.reason;
            return new Uint8Array(whole);
          }, false);
        }
        return consume(async () => {
          checkDeclared(limit);
          return readAll(read, contentLength, limit, tooLarge);
        });
      },
      text: (limit) =>
        consume(async () => {
          if (limit === undefined) {
            checkDeclared(cap);
            return utf8(await readAll(read, contentLength, cap, tooLarge));
          }
          const chunks: Uint8Array[] = [];
          let size = 0;
          for (let chunk = await read(); chunk; chunk = await read()) {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= limit) {
              reader?.cancel().catch(() => {});
              break;
            }
          }
          const all = concatBytes(chunks);
          return utf8(size > limit ? all.subarray(0, limit) : all);
        }),
      each,
      pipeTo: (sink) => each((chunk) => sink.write(chunk)),
      discard: () =>
        consume(async () => {
          let size = 0;
          for (let chunk = await read(); chunk; chunk = await read()) {
            size += chunk.length;
            if (size > DISCARD_LIMIT) {
              reader?.cancel().catch(() => {});
              break;
            }
          }
        }),
    };
  }
}

interface DenoHttpClient {
  close(): void;
}

/**
 * Deno's fetch (hyper) sends a request again, a POST included, when the reused keep-alive
 * connection it went out on turns out to be dead: a v1 call or v2 submit could start two jobs
 * without the SDK knowing (seen in test/runtimes). A client that keeps no idle connections never
 * reuses one, so billable requests get their own; it is closed with the request (Deno's test
 * sanitizer counts a client left open as a leak). `undefined` on every other runtime.
 */
function unpooledDenoClient(): DenoHttpClient | undefined {
  const deno = (globalThis as { Deno?: { createHttpClient?(options: object): DenoHttpClient } }).Deno;
  try {
    return deno?.createHttpClient?.({ poolMaxIdlePerHost: 0 });
  } catch {
    return undefined;
  }
}

function closeQuietly(client: DenoHttpClient | undefined): void {
  try {
    client?.close();
  } catch {
    // already closed
  }
}

// A fetch that throws synchronously never started any I/O: reported as not sent.
function callFetch(fetchFunction: FetchFunction, url: string, init: RequestInit): Promise<Response> {
  try {
    return fetchFunction(url, init);
  } catch (err) {
    return Promise.reject(new NotStarted(err));
  }
}

class NotStarted {
  constructor(readonly error: unknown) {}
}

async function readAll(
  read: () => Promise<Uint8Array | undefined>,
  length: number | undefined,
  limit: number,
  tooLarge: (limit: number) => Error,
): Promise<Uint8Array> {
  if (length !== undefined && length > PREALLOCATE_ABOVE) {
    const out = new Uint8Array(length);
    let offset = 0;
    for (let chunk = await read(); chunk; chunk = await read()) {
      if (offset + chunk.length > length) throw new Error('body longer than its content-length');
      out.set(chunk, offset);
      offset += chunk.length;
    }
    if (offset !== length) throw new Error(`body ended after ${offset} of ${length} bytes`);
    return out;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await read(); chunk; chunk = await read()) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 0 ? new Uint8Array(0) : concatBytes(chunks);
}

function flattenHeaders(headers: globalThis.Headers): ResponseHeaders {
  const out: ResponseHeaders = {};
  // Names arrive lower-cased and repeated values joined with ", ", as the undici transport gives them.
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function unrefTimer(timer: unknown): void {
  // Node and Bun return an object with unref(); Deno a number it can unref; Workers and browsers
  // have no process to keep alive.
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) {
    (timer as { unref(): void }).unref();
  } else if (typeof timer === 'number') {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  }
}

// Error codes and messages that mean the connection was never made (or its TLS handshake failed),
// as Node's fetch (undici, in `cause`), Bun (`code`, "TLS handshake failed") and Deno (the message,
// "(Connect)") report them.
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ConnectionRefused',
  'FailedToOpenSocket',
  // TLS handshake failures: certificates are checked, and versions agreed, before any request.
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);
const BEFORE_SEND_MESSAGE =
  /client error \(Connect\)|tcp connect error|dns error|failed to lookup address|TLS handshake failed/i;

/**
 * The billing rule over fetch. fetch reports every network failure as the same TypeError and never
 * says whether bytes of the request left, so the answer is conservative: a request counts as NOT
 * sent only when that is certain — fetch was never started (a header value it would refuse, a
 * fetch that threw synchronously) or the runtime names a connect-phase failure (refused, DNS,
 * unreachable: Node's `cause.code`, Bun's `code`, Deno's "(Connect)" message). Everything else,
 * including a timeout before the answer and Workers' undifferentiated "Network connection lost.",
 * counts as sent, so a v1 call or a v2 submit is never re-sent after it may have started a job.
 */
function isBeforeSend(err: unknown): boolean {
  if (err instanceof NotStarted) return true;
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, syscall, message } = e as { code?: unknown; syscall?: unknown; message?: unknown };
    if (typeof code === 'string' && BEFORE_SEND_CODES.has(code)) return true;
    if (syscall === 'connect' || syscall === 'getaddrinfo') return true;
    if (typeof message === 'string' && BEFORE_SEND_MESSAGE.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function transportError(
  err: unknown,
  req: HttpRequest,
  phase: 'before' | 'send' | 'body',
  timerFired: boolean,
) {
  if (req.signal?.aborted) return new UserAbortError(req.signal.reason);
  if (phase === 'before') {
    // fetch's own message quotes the refused value, which may be the key: neither it nor the
    // error itself is kept.
    return new ConnectionError(
      `${req.method} ${req.url.pathname} was not sent: a header value has characters fetch refuses (control characters or non-ASCII).`,
      { requestSent: false },
    );
  }
  const cause = err instanceof NotStarted ? err.error : err === TIMED_OUT ? new Error('timed out') : err;
  const what = `${req.method} ${req.url.pathname}`;
  const sent = phase === 'body' || (phase === 'send' && !isBeforeSend(err));
  const billing =
    req.billable && sent
      ? ' The request had been sent, so the image may have been generated and billed; it was not retried. Check your Segmind dashboard before sending it again.'
      : '';
  if (timerFired) {
    return new RequestTimeoutError(`${what} timed out after ${req.timeout} ms.${billing}`, {
      timeout: req.timeout,
      requestSent: sent,
      cause,
    });
  }
  // Node's and Deno's fetch wrap the network's own error ("connect ECONNREFUSED …") in "fetch failed".
  const inner = cause instanceof TypeError && cause.message === 'fetch failed' ? cause.cause : undefined;
  const reason =
    inner instanceof Error ? inner.message : cause instanceof Error ? cause.message : String(cause);
  const where =
    phase === 'body'
      ? 'broke while reading the answer'
      : sent
        ? 'broke after the request was sent'
        : 'failed';
  return new ConnectionError(`${what}: connection to ${req.url.host} ${where} (${reason}).${billing}`, {
    requestSent: sent,
    cause,
  });
}
