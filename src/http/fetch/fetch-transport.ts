// The transport over `fetch`: Bun, Cloudflare Workers, browsers, and any runtime given the `fetch`
// option. It keeps the contract of transport.ts: one limit over the whole exchange, aborts that act
// at once (even with a fetch that ignores its signal), bounded bodies (response-body.ts), the billing
// rule (sent.ts, transport-error.ts), and redirects left to the layer above (`redirect: 'manual'`),
// which sends the key only to baseURL's origin. Nothing here may need Node: no Buffer, no `node:`.
import { type ResponseHeaders, SegmindError, UserAbortError } from '../../errors.js';
import { detectRuntime, type RuntimeName } from '../../runtime/detect.js';
import { BoundedResponse, type ChunkReader, type ResponseParts } from '../response-body.js';
import type { FetchFunction, HttpRequest, HttpResponse, Transport } from '../transport.js';
import { clientClosedError, networkError } from '../transport-error.js';
import { TransportLimits } from '../transport-limits.js';
import { closeDenoClient, type DenoHttpClient, unpooledDenoClient } from './deno-client.js';
import { NotStarted, progressOfFailedFetch } from './sent.js';

/**
 * Sends requests with `fetch`. Stateless apart from `close()`: the runtime's fetch owns connections.
 * @example
 * const transport = new FetchTransport(globalThis.fetch);
 * const res = await transport.send({ method: 'GET', url, headers: {}, timeout: 10_000, billable: false });
 */
export class FetchTransport implements Transport {
  readonly #fetch: FetchFunction;
  readonly #runtime: RuntimeName;
  #closed = false;

  /**
   * @param fetchFunction the caller's fetch; default: the runtime's `globalThis.fetch`
   * @param runtime whose quirks apply (Deno's re-sent POSTs, a browser's silent failures); default: this one
   */
  constructor(fetchFunction?: FetchFunction, runtime: RuntimeName = detectRuntime()) {
    if (!fetchFunction && typeof globalThis.fetch !== 'function') {
      throw new SegmindError(
        'This runtime has no global fetch: pass one with new SegmindClient({ fetch }) (e.g. from undici)',
      );
    }
    // Called through a closure: browsers throw "Illegal invocation" for a detached window.fetch.
    this.#fetch = fetchFunction ?? ((input, init) => globalThis.fetch(input, init));
    this.#runtime = runtime;
  }

  /** Later requests fail with a `SegmindError`. There is no pool of our own to release. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError`, `UserAbortError` (or a closed-client `SegmindError`). */
  send(req: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) return Promise.reject(clientClosedError());
    if (req.signal?.aborted) return Promise.reject(new UserAbortError(req.signal.reason));
    return new FetchExchange(req, this.#runtime).start(this.#fetch);
  }
}

type DenoRequestInit = RequestInit & { client?: DenoHttpClient };

// Runtimes whose timers outlive a request: exchanges there share one timer (see transport-limits.ts).
const HAS_PROCESS: ReadonlySet<RuntimeName> = new Set(['node', 'bun', 'deno']);

// One request: its timer, its abort, and its body as the ChunkReader response-body.ts reads.
class FetchExchange implements ResponseParts, ChunkReader {
  readonly request: HttpRequest;
  readonly #runtime: RuntimeName;
  status = 0;
  headers: ResponseHeaders = {};
  // One controller ends the exchange for both reasons (the caller's signal, the timer).
  readonly #controller = new AbortController();
  readonly #limits: TransportLimits;
  readonly #denoClient: DenoHttpClient | undefined;
  #finished = false;
  #response: Response | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #bodyDone = false;
  // What is waiting for fetch (the answer's head, or `whole()`), failed at once by a stop even
  // when the fetch ignores its signal.
  #pending: ((error: unknown) => void) | undefined;

  constructor(req: HttpRequest, runtime: RuntimeName) {
    this.request = req;
    this.#runtime = runtime;
    this.#denoClient = req.billable && runtime === 'deno' ? unpooledDenoClient() : undefined;
    this.#limits = new TransportLimits(req, (reason) => this.#stop(reason), HAS_PROCESS.has(runtime));
  }

  start(fetchFunction: FetchFunction): Promise<HttpResponse> {
    const req = this.request;
    const init: DenoRequestInit = {
      method: req.method,
      headers: req.headers,
      signal: this.#controller.signal,
      redirect: 'manual',
    };
    if (req.body !== undefined) init.body = req.body;
    if (this.#denoClient) init.client = this.#denoClient;
    return new Promise<HttpResponse>((resolve, reject) => {
      const fail = (error: unknown) => {
        this.#pending = undefined;
        this.finish();
        reject(
          networkError(req, error, {
            progress: this.stopped() ? 'sent' : progressOfFailedFetch(error, this.#runtime),
            timedOut: this.#limits.timedOut,
          }),
        );
      };
      this.#pending = fail;
      let answer: Promise<Response>;
      try {
        answer = fetchFunction(req.url.href, init);
      } catch (err) {
        fail(new NotStarted(err));
        return;
      }
      answer.then(
        (res) => {
          if (this.#pending !== fail) {
            // Stopped meanwhile: the answer is not wanted.
            res.body?.cancel().catch(ignore);
            return;
          }
          this.#pending = undefined;
          if (res.type === 'opaqueredirect') {
            // Browsers hide a manual redirect's target: following it ourselves is impossible there.
            this.finish();
            reject(
              networkError(
                req,
                new Error('the answer was a redirect, which a browser does not let fetch follow'),
                {
                  progress: 'reading',
                  timedOut: false,
                },
              ),
            );
            return;
          }
          this.#response = res;
          this.status = res.status;
          this.headers = flattenHeaders(res.headers);
          resolve(new BoundedResponse(this));
        },
        (err) => {
          if (this.#pending === fail) fail(err);
        },
      );
    });
  }

  // The body, for BoundedResponse

  open(): ChunkReader {
    this.#reader = this.#response?.body?.getReader();
    return this;
  }

  whole(): Promise<Uint8Array> {
    const res = this.#response!;
    return new Promise((resolve, reject) => {
      this.#pending = reject;
      res.arrayBuffer().then(
        (buffer) => {
          this.#pending = undefined;
          this.#bodyDone = true;
          resolve(new Uint8Array(buffer));
        },
        (err) => {
          this.#pending = undefined;
          reject(err);
        },
      );
    });
  }

  async read(): Promise<Uint8Array | undefined> {
    const reader = this.#reader;
    if (!reader) return undefined;
    // No race against the stop here: a reaction per read on a promise that may never settle would
    // keep every chunk alive (a whole download in memory). A stop cancels the reader instead, which
    // ends a pending read at once, and the check below turns that into the error.
    const step = await reader.read();
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
    if (step.done) {
      this.#bodyDone = true;
      return undefined;
    }
    return step.value;
  }

  cancel(): void {
    if (this.#bodyDone) return;
    this.#bodyDone = true;
    (this.#reader ?? this.#response?.body)?.cancel().catch(ignore);
  }

  stopped(): boolean {
    return this.#controller.signal.aborted;
  }

  failed(error: unknown): SegmindError {
    return networkError(this.request, error, { progress: 'reading', timedOut: this.#limits.timedOut });
  }

  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#limits.release();
    // A body left unread (a cap hit before reading, a refused encoding) is dropped with the connection.
    this.cancel();
    closeDenoClient(this.#denoClient);
  }

  #stop(reason: unknown): void {
    if (this.#finished || this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    this.#reader?.cancel(reason).catch(ignore);
    this.#pending?.(reason);
  }
}

// Names arrive lower-cased and repeated values joined with ", ", as the undici transport gives them.
// Bun's Headers build that object natively (`toJSON`, a few µs less per request than a forEach that
// calls back per header); it lists set-cookie's values apart, joined here like the others.
function flattenHeaders(headers: Headers): ResponseHeaders {
  const native = (headers as { toJSON?: () => Record<string, string | string[]> }).toJSON;
  if (typeof native === 'function') {
    const out = native.call(headers);
    for (const name in out) {
      const value = out[name];
      if (typeof value !== 'string') out[name] = (value as string[]).join(', ');
    }
    return out as ResponseHeaders;
  }
  const out: ResponseHeaders = {};
  // Iteration lists set-cookie's values apart too.
  headers.forEach((value, name) => {
    const before = out[name];
    out[name] = before === undefined ? value : `${before}, ${value}`;
  });
  return out;
}

function ignore(): void {}
