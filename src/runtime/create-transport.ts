// Node's transport choice. The bun/deno/workerd/browser builds replace this module with
// create-transport.fetch.ts (see tsup.config.ts), so they never load undici or node:stream.
import type { Dispatcher } from 'undici';
import { SegmindError } from '../errors.js';
import { Connections, type HttpRequest, type HttpResponse, send } from '../http/transport.js';
import { FetchTransport } from '../http/transport-fetch.js';
import type { Transport, TransportInit } from '../http/transport-seam.js';

/**
 * undici for the life of the client, unless the caller passed `fetch` (then fetch throughout).
 *
 * Cold start: loading undici costs about 50 ms, Node's built-in fetch about 25 ms less on its first
 * use (bench/cold-start-first-image.ts). So until undici has loaded in this process, a client
 * without a dispatcher of its own sends through Node's global fetch, and loads undici once that
 * first answer has been read, when the event loop is next free; from then on every client of the
 * process uses undici. The first image of a fresh process does not wait for undici; warm calls get
 * undici's speed. Both transports keep the same contract (timeouts, aborts, bounded bodies, the
 * billing rule; see transport-fetch.ts for how fetch's failures are classified).
 */
export function createTransport(init: TransportInit): Transport {
  if (init.fetch !== undefined) return new FetchTransport(init.fetch);
  const connections = new Connections(init.dispatcher as Dispatcher | undefined, init.timeout);
  if (init.dispatcher !== undefined || undiciReady || typeof globalThis.fetch !== 'function') {
    return new Undici(connections);
  }
  return new WarmingUp(connections);
}

class Undici implements Transport {
  constructor(readonly connections: Connections) {}
  send(req: HttpRequest): Promise<HttpResponse> {
    return send(this.connections.dispatcher, { ...req, dispatcherTimeout: this.connections.timeout });
  }
  close(): Promise<void> {
    return this.connections.close();
  }
}

// Process-wide: what is avoided is loading the module, which happens once per process.
let undiciReady = false;
let scheduled = false;
// Requests on their way through the global fetch. Only one at a time: a burst at cold start (100
// run() calls at once) must not open a socket per call outside the Agent's cap, so a second
// concurrent request loads undici at once instead; the cold-start win is the first image alone.
let fetchInFlight = 0;

/** Loads undici and builds the Agent now (throws `SegmindError` for a closed client). */
function loadNow(connections: Connections): void {
  void connections.dispatcher;
  undiciReady = true;
}

/** Loads undici and builds the Agent when the event loop is next free, off any answer's path. */
function warmUp(connections: Connections): void {
  if (scheduled || undiciReady) return;
  scheduled = true;
  const timer = setTimeout(() => {
    try {
      void connections.dispatcher; // loads undici, builds this client's Agent
      undiciReady = true;
    } catch {
      scheduled = false; // a client closed meanwhile: the next request tries again
    }
  }, 0);
  timer.unref?.();
}

class WarmingUp extends Undici {
  readonly #fetch = new FetchTransport();
  #closed = false;

  override async send(req: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw new SegmindError('This client was closed with close(); create a new one');
    if (undiciReady) return super.send(req);
    if (fetchInFlight > 0) {
      loadNow(this.connections);
      return super.send(req);
    }
    fetchInFlight++;
    let res: HttpResponse;
    try {
      res = await this.#fetch.send(req);
    } catch (err) {
      fetchInFlight--;
      warmUp(this.connections);
      throw err;
    }
    // Loaded after the body is read, not when the headers arrive: never in the middle of an image.
    let settled = false;
    const then = <T>(reading: Promise<T>): Promise<T> =>
      reading.finally(() => {
        if (!settled) {
          settled = true;
          fetchInFlight--;
        }
        warmUp(this.connections);
      });
    return {
      ...res,
      bytes: (limit) => then(res.bytes(limit)),
      text: (limit) => then(res.text(limit)),
      each: (onChunk) => then(res.each(onChunk)),
      pipeTo: (destination) => then(res.pipeTo(destination)),
      discard: () => then(res.discard()),
    };
  }

  override close(): Promise<void> {
    this.#closed = true;
    return super.close();
  }
}
