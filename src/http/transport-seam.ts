import type { HttpRequest, HttpResponse } from './transport.js';

/**
 * What carries a client's requests: undici on Node, `fetch` elsewhere (or on Node with the `fetch`
 * option). One per client, shared by its `withOptions()` copies; `core.ts` sees nothing else.
 */
export interface Transport {
  /** Sends a request. Rejects only with `ConnectionError`, `RequestTimeoutError`, `UserAbortError`. */
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Releases the transport's own connections; later requests fail with a `SegmindError`. */
  close(): Promise<void>;
}

/** What a client tells {@link Transport} creation: its options that concern the transport. */
export interface TransportInit {
  /** A caller's `fetch`: selects the fetch transport on any runtime. */
  fetch?: ((input: string, init: RequestInit) => Promise<Response>) | undefined;
  /** A caller's undici Dispatcher (Node only). */
  dispatcher?: unknown;
  /** The client's per-request `timeout`, for the own Agent's header and body limits. */
  timeout: number;
}
