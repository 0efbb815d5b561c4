// The transport choice of the Node build (which Deno loads too). The Bun, Workers and browser builds
// replace this module with create-transport.fetch.ts (see tsup.config.ts), so they never load undici.
import type { Dispatcher } from 'undici';
import { detectRuntime, type RuntimeName } from '../runtime/detect.js';
import { FetchTransport } from './fetch/fetch-transport.js';
import type { HttpRequest, HttpResponse, Transport, TransportInit } from './transport.js';
import { clientClosedError } from './transport-error.js';
import { loadUndici, undiciLoaded, undiciRunsHere } from './undici/agent.js';
import { UndiciTransport } from './undici/undici-transport.js';

/**
 * undici for the life of the client, unless the caller passed `fetch` (then fetch throughout).
 *
 * Cold start (Node only): importing undici costs about 50 ms, Node's built-in fetch about 25 ms less
 * on its first use (bench/cold-start-first-image.ts). So the first request of a fresh Node process
 * (from a client without a dispatcher of its own) goes through Node's global fetch, and undici is
 * imported once that answer has been read, when the event loop is next free; every later request
 * of the process waits for undici if it is not there yet, so a burst at cold start (100 run() calls
 * at once) stays under the Agent's socket cap.
 *
 * Deno uses undici too: its fetch may re-send a POST on a reused connection (fetch/deno-client.ts),
 * undici never does. Where undici cannot run (Deno without env access) or cannot be imported (an
 * ESM bundle without a `require`, where undici's own require() of Node's modules fails), the
 * runtime's fetch sends, with a connection of its own for every billable request on Deno.
 */
export function createTransport(init: TransportInit): Transport {
  if (init.fetch !== undefined) return new FetchTransport(init.fetch);
  if (init.dispatcher !== undefined) return new UndiciTransport(init.dispatcher as Dispatcher, init.timeout);
  const runtime = detectRuntime();
  if (!undiciRunsHere()) return new FetchTransport(undefined, runtime);
  const undici = new UndiciTransport(undefined, init.timeout);
  if (undiciLoaded()) return undici;
  return new UndiciOnceLoaded(undici, runtime);
}

// Process-wide, like the import it stands in for: the one request sent through the global fetch.
let fetchUsed = false;

/** Imports undici when the event loop is next free, off any answer's path. */
function loadSoon(): void {
  const timer = setTimeout(() => {
    loadUndici().catch(() => {
      // The next request that needs undici sees the failure, and falls back to fetch.
    });
  }, 0);
  timer.unref?.();
}

// The client's own Agent before undici is imported: the cold-start request through the global
// fetch, then undici, or the runtime's fetch for good when undici cannot be imported.
class UndiciOnceLoaded implements Transport {
  readonly #undici: UndiciTransport;
  readonly #runtime: RuntimeName;
  #fallback: FetchTransport | undefined;
  #closed = false;

  constructor(undici: UndiciTransport, runtime: RuntimeName) {
    this.#undici = undici;
    this.#runtime = runtime;
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    // Once undici is in (every request but the first few of a process): straight to it, no await.
    if (!this.#closed && !this.#fallback && undiciLoaded()) return this.#undici.send(req);
    return this.#sendEarly(req);
  }

  async #sendEarly(req: HttpRequest): Promise<HttpResponse> {
    if (this.#closed) throw clientClosedError();
    if (this.#fallback) return this.#fallback.send(req);
    if (undiciLoaded()) return this.#undici.send(req);
    if (!fetchUsed && this.#runtime === 'node' && typeof globalThis.fetch === 'function') {
      fetchUsed = true;
      return this.#coldStart(req);
    }
    try {
      await loadUndici();
    } catch {
      this.#fallback = new FetchTransport(undefined, this.#runtime);
      return this.#fallback.send(req);
    }
    return this.#undici.send(req);
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#undici.close();
  }

  async #coldStart(req: HttpRequest): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await new FetchTransport(undefined, 'node').send(req);
    } catch (err) {
      loadSoon();
      throw err;
    }
    // undici is imported after the body is read, not when the headers arrive: never in the middle of an image.
    const then = <T>(reading: Promise<T>): Promise<T> => reading.finally(loadSoon);
    return {
      status: res.status,
      headers: res.headers,
      contentLength: res.contentLength,
      bytes: (limit) => then(res.bytes(limit)),
      text: (limit) => then(res.text(limit)),
      each: (onChunk) => then(res.each(onChunk)),
      pipeTo: (destination) => then(res.pipeTo(destination)),
      discard: () => then(res.discard()),
    };
  }
}
