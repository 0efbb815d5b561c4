// The transport contract: what the layers above send and what they get back. Two transports keep it:
// undici (src/http/undici/: Node, Deno) and fetch (src/http/fetch/: Bun, Workers, browsers, and any
// runtime given the `fetch` option). Both build their answers with response-body.ts and their
// failures with transport-error.ts, so caps, wording and the billing sentence are the same on both.
import type { ResponseHeaders } from '../errors.js';

/**
 * A WHATWG `fetch`: the runtime's own, or one you pass (a proxy, a mock, a tracing wrapper). The SDK
 * calls it with an absolute URL string and a `RequestInit`; pass `init` on whole to the real fetch, so
 * the settings the SDK puts there (its signal, `redirect: 'manual'`, on Deno the connection client
 * that keeps a billable POST from being re-sent) still apply.
 * @example
 * const traced: FetchFunction = (url, init) => {
 *   console.log(init.method, url);
 *   return fetch(url, init);
 * };
 */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** One HTTP request, as the layers above describe it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** Names lower-case, values already checked (printable ASCII) by the options: sent as they are. */
  headers: Record<string, string>;
  /** JSON text, or bytes (an upload's body, built without a string copy). */
  body?: string | Uint8Array | undefined;
  /** Limit for the whole exchange (connect, headers and body), in ms. */
  timeout: number;
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
 * An answer whose body has not been read yet. Read it once, with one of the methods: a second read
 * is refused with a `SegmindError`. Bodies arrive decoded (gzip, deflate, br): a transport hands up
 * the bytes the server meant, never compressed ones. A read that fails rejects with
 * `ConnectionError`, `RequestTimeoutError` or `UserAbortError`, or `APIError` for a body that cannot
 * be used (over its cap, an encoding that does not decode).
 */
export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  /** The decoded body's length, when the server said it and sent it unencoded; else `undefined`. */
  contentLength: number | undefined;
  /**
   * The whole body; over `limit` (default: the request's `maxResponseBytes`) it fails with `APIError`.
   * A Uint8Array on every runtime (a Buffer where there is one): read it with the runtime's helpers
   * (src/runtime/bytes.ts), never with Buffer methods, which Workers lack.
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
   * `maxResponseBytes` it fails with `APIError`. Errors of `onChunk` are rethrown as they are.
   */
  each(onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<void>;
  /** Drops the body (a short one is read, so the connection can be reused). */
  discard(): Promise<void>;
}

/**
 * What carries a client's requests: undici on Node and Deno, `fetch` elsewhere (or anywhere with the
 * `fetch` option). One per client, shared by its `withOptions()` copies; `core.ts` sees nothing else.
 */
export interface Transport {
  /**
   * Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError`, `UserAbortError`,
   * or a `SegmindError` once the client was closed.
   */
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Releases the transport's own connections; later requests fail with a `SegmindError`. */
  close(): Promise<void>;
}

/** What a client tells transport creation: its options that concern the transport. */
export interface TransportInit {
  /** A caller's `fetch`: selects the fetch transport on any runtime. */
  fetch?: FetchFunction | undefined;
  /** A caller's undici Dispatcher (Node and Deno). */
  dispatcher?: unknown;
  /** The client's per-request `timeout`, for the own Agent's header and body limits. */
  timeout: number;
}
