import type { Dispatcher } from 'undici';
import type { HttpRequest, HttpResponse, Transport } from '../transport.js';
import { Connections } from './agent.js';
import { sendThrough } from './exchange.js';

/**
 * Sends requests with undici (Node, and Deno through its Node compatibility): the caller's
 * dispatcher, or the client's own keep-alive Agent, built on the first request.
 * @example
 * const transport = new UndiciTransport(undefined, 120_000);
 * const res = await transport.send({ method: 'GET', url, headers: {}, timeout: 10_000, billable: false });
 */
export class UndiciTransport implements Transport {
  readonly #connections: Connections;

  constructor(dispatcher: Dispatcher | undefined, timeout: number) {
    this.#connections = new Connections(dispatcher, timeout);
  }

  /** Rejects only with `ConnectionError`, `RequestTimeoutError`, `UserAbortError` (or a closed-client `SegmindError`). */
  send(req: HttpRequest): Promise<HttpResponse> {
    const connections = this.#connections;
    let ready: Dispatcher | undefined;
    try {
      ready = connections.ready;
    } catch (err) {
      return Promise.reject(err);
    }
    if (ready) return sendThrough(ready, req, connections.timeout);
    // The first request of a process: undici is imported first.
    return connections.dispatcher().then((dispatcher) => sendThrough(dispatcher, req, connections.timeout));
  }

  /** Closes the own Agent's sockets; a caller's dispatcher is left open. */
  close(): Promise<void> {
    return this.#connections.close();
  }
}
