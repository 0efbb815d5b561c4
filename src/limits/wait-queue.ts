import { RequestTimeoutError, UserAbortError } from '../errors.js';
import { onAbort } from '../util/abort.js';
import { clock } from '../util/clock.js';
import type { GateRequest } from './gate.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  settled: boolean;
  cleanup(): void;
}

/**
 * A FIFO line of callers, each leaving early when its signal fires or its deadline passes (with the
 * usual errors). The owner grants the head with `grantNext()`. Our own rather than
 * rate-limiter-flexible's RateLimiterQueue: that one cannot drop a queued caller on abort, and its
 * deadlines are whole Unix seconds on the system clock, not the SDK clock.
 */
export class WaitQueue {
  #items: Array<Waiter | undefined> = [];
  #head = 0;
  #live = 0;
  readonly #onEmpty: (() => void) | undefined;

  /** `onEmpty` runs when the last waiter leaves without being granted (abort or deadline). */
  constructor(onEmpty?: () => void) {
    this.#onEmpty = onEmpty;
  }

  /** Callers still waiting. */
  get size(): number {
    return this.#live;
  }

  /** Joins the end of the line; resolves when granted. */
  wait(request: GateRequest, what: string): Promise<void> {
    const { signal, deadline } = request;
    if (signal?.aborted) return Promise.reject(new UserAbortError(signal.reason));
    const since = clock.now();
    if (deadline !== undefined && deadline <= since) return Promise.reject(timeoutError(0, what));
    return new Promise<void>((resolve, reject) => {
      let timer: AbortController | undefined;
      const leave = (error: unknown) => {
        if (waiter.settled) return;
        waiter.settled = true;
        waiter.cleanup();
        this.#live--;
        reject(error);
        if (this.#live === 0) this.#onEmpty?.();
      };
      const stopListening = signal
        ? onAbort(signal, () => leave(new UserAbortError(signal.reason)))
        : undefined;
      const waiter: Waiter = {
        resolve,
        reject,
        settled: false,
        cleanup() {
          stopListening?.();
          timer?.abort();
        },
      };
      if (deadline !== undefined) {
        timer = new AbortController();
        clock.sleep(deadline - since, timer.signal).then(
          () => leave(timeoutError(clock.now() - since, what)),
          () => {},
        );
      }
      this.#items.push(waiter);
      this.#live++;
    });
  }

  /** Lets the first caller still waiting through; `false` when nobody waits. */
  grantNext(): boolean {
    while (this.#head < this.#items.length) {
      const waiter = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (waiter && !waiter.settled) {
        waiter.settled = true;
        waiter.cleanup();
        this.#live--;
        this.#compact();
        waiter.resolve();
        return true;
      }
    }
    this.#compact();
    return false;
  }

  /** Lets everybody through, in order. */
  grantAll(): void {
    while (this.grantNext()) {}
  }

  // Granted and departed waiters leave holes at the front: drop them now and then.
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}

function timeoutError(waited: number, what: string): RequestTimeoutError {
  return new RequestTimeoutError(
    `The call's deadline passed after ${waited} ms waiting for ${what}; nothing was sent`,
    { timeout: waited, requestSent: false },
  );
}
