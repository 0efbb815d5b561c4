// What may end an exchange early, armed the same way by both transports: the one timer per request
// (for the whole exchange: connect, headers and body) and the caller's AbortSignal.
import type { HttpRequest } from './transport.js';

/** What the timer stops an exchange with, so that the failure it causes reads as a timeout. */
export class TimedOut extends Error {
  constructor(timeout: number) {
    super(`no complete answer within ${timeout} ms`);
    this.name = 'TimedOut';
  }
}

/**
 * Calls `stop` once the request's `timeout` is up (with a {@link TimedOut}) or its signal fires (with
 * the signal's reason), until `release()`. The timer never keeps a process alive.
 */
export class ExchangeLimits {
  /** Whether the timer fired. */
  timedOut = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;
  #released = false;

  constructor(req: HttpRequest, stop: (reason: unknown) => void) {
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      stop(new TimedOut(req.timeout));
    }, req.timeout);
    unref(this.#timer);
    const { signal } = req;
    if (signal) {
      this.#signal = signal;
      this.#onAbort = () => stop(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** The exchange is over: neither the timer nor the signal stops it any more. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}

// Node and Bun return an object with unref(), Deno a number it can unref; Workers and browsers have
// no process to keep alive.
function unref(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) {
    (timer as { unref(): void }).unref();
  } else if (typeof timer === 'number') {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  }
}
