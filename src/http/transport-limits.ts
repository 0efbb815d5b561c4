// What may end an exchange early, armed the same way by both transports: the request's `timeout`
// (for the whole exchange: connect, headers and body) and the caller's AbortSignal.
import { onAbort } from '../util/abort.js';
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
 * the signal's reason), until `release()`. Never keeps a process alive.
 *
 * Where there is a process (Node, Bun, Deno), every exchange in flight shares one timer, armed for
 * the earliest deadline: a timer per request costs Bun about 7 % of a small request's time, and
 * almost every request ends long before its deadline. Workers and browsers get one timer per
 * request: a Worker's timer belongs to the request (the event) that armed it.
 */
export class TransportLimits {
  /** Whether the time ran out. */
  timedOut = false;
  /** When the time runs out, in `performance.now()` ms. */
  readonly deadline: number;
  /** Neighbours in the list of exchanges sharing the timer (see Deadlines). */
  previous: TransportLimits | undefined;
  next: TransportLimits | undefined;
  readonly #timeout: number;
  readonly #stop: (reason: unknown) => void;
  readonly #stopListening: (() => void) | undefined;
  readonly #ownTimer: ReturnType<typeof setTimeout> | undefined;
  #released = false;

  /** @param shared whether the runtime has a process whose timers outlive a request (see above) */
  constructor(req: HttpRequest, stop: (reason: unknown) => void, shared: boolean) {
    this.#timeout = req.timeout;
    this.#stop = stop;
    this.deadline = performance.now() + req.timeout;
    if (shared) {
      deadlines.add(this);
    } else {
      this.#ownTimer = setTimeout(() => this.expire(), req.timeout);
      unref(this.#ownTimer);
    }
    const { signal } = req;
    // One listener per signal however many requests share it (util/abort.ts).
    if (signal) this.#stopListening = onAbort(signal, () => stop(signal.reason));
  }

  /** The time ran out (called by the timer). */
  expire(): void {
    if (this.#released) return;
    this.timedOut = true;
    this.#stop(new TimedOut(this.#timeout));
  }

  /** The exchange is over: neither the timer nor the signal stops it any more. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#ownTimer === undefined) deadlines.delete(this);
    else clearTimeout(this.#ownTimer);
    this.#stopListening?.();
  }
}

// The exchanges in flight and the one timer for the earliest of their deadlines. A released
// exchange only leaves the list: the timer, when it fires with nothing due, is armed for the next.
// Module-wide like the runtime's own timer list, which it stands in front of.
//
// A doubly-linked list through the exchanges themselves, not a Set: a long-lived Set that gains and
// loses an entry per request keeps the runtime's garbage collector busy (its table lives in the old
// generation and is rewritten on every add; measured in Node: twice the CPU per request at 32
// requests in flight). Here only the head is long-lived.
class Deadlines {
  #head: TransportLimits | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  add(limits: TransportLimits): void {
    const head = this.#head;
    limits.next = head;
    if (head) head.previous = limits;
    this.#head = limits;
    if (limits.deadline < this.#armedFor) this.#arm(limits.deadline);
  }

  delete(limits: TransportLimits): void {
    const { previous, next } = limits;
    if (previous) previous.next = next;
    else if (this.#head === limits) this.#head = next;
    else return; // not in the list
    if (next) next.previous = previous;
    limits.previous = limits.next = undefined;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()));
    unref(this.#timer);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    // Timers may fire a fraction of a millisecond early; that counts as due.
    const now = performance.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    // Due ones are stopped after the walk: stopping one may release others, which leave the list.
    const due: TransportLimits[] = [];
    for (let limits = this.#head; limits; limits = limits.next) {
      if (limits.deadline <= now) due.push(limits);
      else if (limits.deadline < next) next = limits.deadline;
    }
    for (const limits of due) {
      this.delete(limits);
      limits.expire();
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}

const deadlines = new Deadlines();

// Node and Bun return an object with unref(), Deno a number it can unref.
function unref(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) {
    (timer as { unref(): void }).unref();
  } else if (typeof timer === 'number') {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  }
}
