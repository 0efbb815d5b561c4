// One request through undici, as undici's own DispatchHandler: no Node stream per answer, and undici
// tells this handler itself when the request gets a connected socket (the "was it sent?" signal).
//
// Two timeout layers, each for what the other cannot do:
// 1. The dispatcher's `headersTimeout`/`bodyTimeout` (undici's own coarse timers). The client's Agent
//    is built with both set to the client's `timeout`, so undici's 300 s defaults never cut a long
//    call short; a call with another `timeout` (or a caller's own dispatcher) passes them per request.
// 2. The request's own limit for the whole exchange (connect, headers and body together, to the
//    millisecond; transport-limits.ts): a body trickling in, one byte inside every `bodyTimeout`,
//    still ends when `timeout` is up. It and the caller's signal stop the exchange through undici's
//    controller, at once.
// Which layer fired does not matter to the caller: both become RequestTimeoutError.
import type { Dispatcher } from 'undici';
import { type ResponseHeaders, type SegmindError, UserAbortError } from '../../errors.js';
import { BoundedResponse, type ChunkReader, contentEncodings, type ResponseParts } from '../response-body.js';
import type { HttpRequest, HttpResponse } from '../transport.js';
import { networkError } from '../transport-error.js';
import { TransportLimits } from '../transport-limits.js';
import { canDecode, decodedReader } from './decode.js';

/** Unread body bytes held before undici is told to pause the socket. */
const PAUSE_ABOVE = 256 * 1024;

const UNDICI_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Sends `req` through `dispatcher` and resolves with the answer's head; the body is read through the
 * returned response. `dispatcherTimeout` is the header/body limit the dispatcher applies by itself,
 * when known. Rejects only with `ConnectionError`, `RequestTimeoutError` or `UserAbortError`.
 */
export function sendThrough(
  dispatcher: Dispatcher,
  req: HttpRequest,
  dispatcherTimeout: number | undefined,
): Promise<HttpResponse> {
  if (req.signal?.aborted) return Promise.reject(new UserAbortError(req.signal.reason));
  return new Promise((resolve, reject) => {
    const exchange = new Exchange(req, resolve, reject);
    const { url } = req;
    try {
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers: req.headers,
          body: req.body ?? null,
          ...(dispatcherTimeout === req.timeout
            ? {}
            : { headersTimeout: req.timeout, bodyTimeout: req.timeout }),
        },
        exchange,
      );
    } catch (err) {
      // undici's own dispatchers report through the handler; a caller's may throw before sending.
      exchange.onResponseError(undefined, err as Error);
    }
  });
}

class Exchange implements Dispatcher.DispatchHandler, ResponseParts, ChunkReader {
  readonly request: HttpRequest;
  status = 0;
  headers: ResponseHeaders = {};
  undecodable: string | undefined;
  #encodings: string[] = [];
  #resolve: ((res: HttpResponse) => void) | undefined;
  #reject: ((err: SegmindError) => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  // Set once undici hands the request to a connected socket (after DNS, TCP and TLS): before that
  // nothing can have reached the server, so even a POST is safe to send again. This is the only
  // sure sign; error codes alone cannot tell a TLS handshake failure from a reset after sending.
  #connected = false;
  #stopped: Error | undefined;
  #finished = false;
  readonly #limits: TransportLimits;
  // The body, as it arrives, until it is read.
  #chunks: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #error: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(req: HttpRequest, resolve: (res: HttpResponse) => void, reject: (err: SegmindError) => void) {
    this.request = req;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#limits = new TransportLimits(req, (reason) => this.#stop(reason), true);
  }

  // undici's handler

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#stopped) {
      controller.abort(this.#stopped);
      return;
    }
    this.#connected = true;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#controller = controller;
    const resolve = this.#resolve;
    // An informational answer (103 Early Hints) comes before the real one.
    if (!resolve || statusCode < 200) return;
    this.#resolve = this.#reject = undefined;
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
    this.#encodings = contentEncodings(this.headers['content-encoding']);
    if (this.#encodings.length > 0) this.undecodable = this.#encodings.find((coding) => !canDecode(coding));
    resolve(new BoundedResponse(this));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#error) return;
    this.#chunks.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > PAUSE_ABOVE) controller.pause();
    this.#wake?.();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#letGoOfUndici();
    this.#wake?.();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#fail(error);
    this.#letGoOfUndici();
  }

  // The body, for BoundedResponse

  open(): ChunkReader {
    return this.#encodings.length === 0 ? this : decodedReader(this, this.#encodings);
  }

  openRaw(): ChunkReader {
    return this;
  }

  read(): Promise<Uint8Array | undefined> {
    const chunk = this.#chunks.shift();
    if (chunk) {
      this.#queued -= chunk.length;
      if (this.#controller?.paused && this.#queued <= PAUSE_ABOVE) this.#controller.resume();
      return Promise.resolve(chunk);
    }
    if (this.#error) return Promise.reject(this.#error.error);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#wake = () => {
        this.#wake = undefined;
        this.read().then(resolve, reject);
      };
    });
  }

  cancel(): void {
    if (this.#resolve || this.#ended || this.#error) return;
    const dropped = new Error('the rest of the body was dropped');
    this.#fail(dropped);
    this.#controller?.abort(dropped);
  }

  stopped(): boolean {
    return this.#stopped !== undefined;
  }

  failed(error: unknown): SegmindError {
    return this.#errorFor(error, true);
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#limits.release();
    // A body left unread (a cap hit before reading, a refused encoding) is dropped with the connection.
    this.cancel();
  }

  // undici is done with this request: nothing is left to pause, resume or abort. Its controller
  // holds the answer's raw headers, views into the socket's 64 KiB read buffers; an answer the caller
  // still holds (or one the collector has already moved to the old generation) would keep those
  // buffers alive until a full collection: at 32 calls in flight that doubled the CPU per call.
  #letGoOfUndici(): void {
    this.#controller = undefined;
  }

  // The caller's signal or the timer: everything waiting fails at once, and undici drops the request
  // (now, or as soon as it reaches a socket).
  #stop(reason: unknown): void {
    if (this.#stopped || this.#finished) return;
    const error = reason instanceof Error ? reason : new Error('aborted by the caller', { cause: reason });
    this.#stopped = error;
    this.#fail(error);
    this.#controller?.abort(error);
    this.finish();
  }

  #fail(error: unknown): void {
    const reject = this.#reject;
    if (reject) {
      this.finish();
      this.#resolve = this.#reject = undefined;
      reject(this.#errorFor(error, false));
      return;
    }
    if (this.#error || this.#ended) return;
    this.#error = { error };
    this.#chunks = [];
    this.#queued = 0;
    this.#wake?.();
  }

  #errorFor(error: unknown, reading: boolean): SegmindError {
    const code = (error as { code?: unknown } | null)?.code;
    return networkError(this.request, error, {
      progress: reading ? 'reading' : this.#connected ? 'sent' : 'not-sent',
      timedOut: this.#limits.timedOut || (typeof code === 'string' && UNDICI_TIMEOUTS.has(code)),
    });
  }
}

// undici lower-cases names already; only repeated headers (arrays) need joining, in place.
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
