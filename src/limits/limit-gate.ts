import { UserAbortError } from '../errors.js';
import { clock } from '../util/clock.js';
import type { SdkLogger } from '../util/logger.js';
import { type GateRequest, type GateTicket, NO_TICKET, type RequestGate } from './gate.js';
import type { ResolvedRateLimit } from './rate-limit-options.js';
import { memoryStore, type RateLimitCounter } from './store.js';
import { WaitQueue } from './wait-queue.js';

/** A server-requested pause longer than this is cut short (a bogus header must not freeze the client). */
const MAX_PAUSE = 60_000;
/** How far back the 429 warning counts requests, to report the limit it observed. */
const OBSERVE_MS = 60_000;
const RECENT_MAX = 10_000;

/**
 * The client's request gate: the client-wide 429 pause always, plus the `requestsPerMinute` budget
 * and the `concurrency` cap when `rateLimit` sets them. A request passes three lines in order:
 * the budget (only requests it counts), a concurrency slot, then the pause. The budget comes first
 * so a submit waiting for the next window never holds a slot a status poll could use.
 */
export class LimitGate implements RequestGate {
  readonly #log: SdkLogger;
  readonly #limit: ResolvedRateLimit | undefined;
  readonly #budget: Budget | undefined;
  readonly #slots: Slots | undefined;
  #pausedUntil = 0;
  readonly #paused: WaitQueue;
  #pauseTimer: AbortController | undefined;
  #warned = false;
  // When recent requests were let through, to say in the 429 warning what limit was observed.
  readonly #recent = new Recent();

  constructor(limit: ResolvedRateLimit | undefined, log: SdkLogger) {
    this.#log = log;
    this.#limit = limit;
    if (limit?.requestsPerMinute !== undefined) {
      const store = limit.store ?? memoryStore;
      this.#budget = new Budget(
        () => store.counter({ points: limit.requestsPerMinute!, windowMs: limit.windowMs, log }),
        limit.windowMs,
        log,
      );
    }
    if (limit?.concurrency !== undefined) this.#slots = new Slots(limit.concurrency);
    this.#paused = new WaitQueue(() => this.#cancelPauseTimer());
  }

  acquire(request: GateRequest): GateTicket | Promise<GateTicket> {
    // The common case (no limit configured, not paused): no queue, no promise.
    const now = clock.now();
    if (!this.#budget && !this.#slots && now >= this.#pausedUntil) {
      if (request.signal?.aborted) throw new UserAbortError(request.signal.reason);
      this.#remember(request.startsWork, now);
      return NO_TICKET;
    }
    return this.#acquire(request);
  }

  async #acquire(request: GateRequest): Promise<GateTicket> {
    await this.#waitPause(request);
    if (this.#budget && (request.startsWork || this.#limit?.scope === 'all')) {
      await this.#budget.take(request);
    }
    const slots = this.#slots;
    if (slots) await slots.take(request);
    let released = false;
    const ticket: GateTicket = {
      release() {
        if (released) return;
        released = true;
        slots?.release();
      },
    };
    try {
      // A 429 may have paused the client while this request queued.
      await this.#waitPause(request);
    } catch (error) {
      ticket.release();
      throw error;
    }
    this.#remember(request.startsWork);
    return ticket;
  }

  pause(until: number): void {
    const now = clock.now();
    const end = Math.min(until, now + MAX_PAUSE);
    // Paused first, warned second: a caller woken by the log line must already find the gate shut.
    if (end > this.#pausedUntil) {
      this.#pausedUntil = end;
      // The server's window ends at `end`: the budget's next window opens then, in step with it.
      this.#budget?.spentUntil(end);
      if (this.#paused.size > 0) this.#armPauseTimer();
    }
    if (this.#warned) return;
    this.#warned = true;
    const recent = this.#recent.since(now - OBSERVE_MS);
    // The request that got the 429 was let through too: the limit is one less.
    const work = Math.max(0, recent.work - 1);
    const rpm = this.#limit?.requestsPerMinute;
    const advice =
      rpm === undefined
        ? `set rateLimit: { requestsPerMinute: ${Math.max(1, work)} } (your plan's limit) on the client`
        : `lower rateLimit.requestsPerMinute (now ${rpm}), or check that no other process uses this key`;
    this.#log.warn(
      `Rate limited (429) after ${work} requests that start work (${recent.length} requests in all) in the last minute; every request of this client now waits ${Math.max(0, end - now)} ms, until ${new Date(end).toISOString()}. To stay under the account's limit, ${advice}.`,
    );
  }

  async #waitPause(request: GateRequest): Promise<void> {
    while (clock.now() < this.#pausedUntil) {
      const waiting = this.#paused.wait(request, 'the end of a 429 pause');
      this.#armPauseTimer();
      await waiting;
    }
  }

  // One timer for the whole pause; cancelled when nobody waits, so the process may exit.
  #armPauseTimer(): void {
    this.#cancelPauseTimer();
    const timer = new AbortController();
    this.#pauseTimer = timer;
    clock.sleep(Math.max(0, this.#pausedUntil - clock.now()), timer.signal).then(
      () => {
        if (this.#pauseTimer === timer) this.#pauseTimer = undefined;
        this.#paused.grantAll();
      },
      () => {},
    );
  }

  #cancelPauseTimer(): void {
    this.#pauseTimer?.abort();
    this.#pauseTimer = undefined;
  }

  #remember(work: boolean, now = clock.now()): void {
    this.#recent.add(now, work);
  }
}

/**
 * The last {@link RECENT_MAX} requests let through (when, and whether each starts work), for the
 * 429 warning: a ring of numbers, so remembering one costs no object (a call a request, at
 * thousands a second, would otherwise feed the garbage collector).
 */
class Recent {
  // Grown by doubling up to RECENT_MAX (a client that makes a few requests holds a few slots),
  // then written round and round.
  #at = new Float64Array(16);
  #work = new Uint8Array(16);
  #next = 0;
  #size = 0;

  add(at: number, work: boolean): void {
    if (this.#size === this.#at.length && this.#size < RECENT_MAX) {
      // Full before reaching the cap: it has only been appended to, so it grows in order.
      const grown = Math.min(RECENT_MAX, this.#size * 2);
      const times = new Float64Array(grown);
      times.set(this.#at);
      const works = new Uint8Array(grown);
      works.set(this.#work);
      this.#at = times;
      this.#work = works;
      this.#next = this.#size;
    }
    this.#at[this.#next] = at;
    this.#work[this.#next] = work ? 1 : 0;
    this.#next = (this.#next + 1) % this.#at.length;
    if (this.#size < this.#at.length) this.#size++;
  }

  /** How many were let through after `from`, and how many of those start work. */
  since(from: number): { length: number; work: number } {
    let length = 0;
    let work = 0;
    for (let i = 0; i < this.#size; i++) {
      if (this.#at[i]! > from) {
        length++;
        work += this.#work[i]!;
      }
    }
    return { length, work };
  }
}

/**
 * The `requestsPerMinute` line: the head of the queue takes a point from the store's counter; when
 * the window is spent it waits for the window's end (plus a small margin, so a request never
 * reaches the server just before its own window ends), then tries again.
 */
class Budget {
  readonly #queue: WaitQueue;
  readonly #makeCounter: () => RateLimitCounter;
  #counter: RateLimitCounter | undefined;
  readonly #margin: number;
  #firstWindow = true;
  readonly #log: SdkLogger;
  #pumping = false;
  #sleep: AbortController | undefined;
  #warnedFailure = false;

  constructor(makeCounter: () => RateLimitCounter, windowMs: number, log: SdkLogger) {
    this.#makeCounter = makeCounter;
    // The server's window opens when the first request arrives, a little after this one opened:
    // the margin covers that (a cold connection's first request included).
    this.#margin = Math.min(1_000, Math.max(250, Math.round(windowMs / 50)));
    this.#log = log;
    // Nobody left waiting: stop waiting for the window, so no timer outlives the last call.
    this.#queue = new WaitQueue(() => this.#sleep?.abort());
  }

  /** Marks the current window spent until `until` (a 429 told us when the server's window ends). */
  spentUntil(until: number): void {
    const ms = until - clock.now();
    if (ms <= 0) return;
    try {
      this.#counter ??= this.#makeCounter();
      void this.#counter.spendUntil?.(ms)?.catch(() => {});
    } catch {
      // Best effort: without it the next window may start a little early and meet one more 429.
    }
  }

  take(request: GateRequest): Promise<void> {
    const granted = this.#queue.wait(request, 'its turn under rateLimit.requestsPerMinute');
    void this.#pump();
    return granted;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.size > 0) {
        const wait = await this.#takePoint();
        if (wait <= 0) {
          // Everybody left while the point was being taken: give it back.
          if (!this.#queue.grantNext()) void this.#counter?.refund?.()?.catch(() => {});
          continue;
        }
        const sleep = new AbortController();
        this.#sleep = sleep;
        try {
          // The first window's first request is a cold one (modules to load, a connection to open),
          // so the server's first window opens later than ours: a wider margin, once.
          const margin = this.#firstWindow ? Math.max(this.#margin, 1_000) : this.#margin;
          await clock.sleep(wait + margin, sleep.signal);
          this.#firstWindow = false;
        } catch {
          // Everybody left.
        } finally {
          this.#sleep = undefined;
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #takePoint(): Promise<number> {
    try {
      this.#counter ??= this.#makeCounter();
      return await this.#counter.take();
    } catch (error) {
      // A store that fails must not fail calls: they go through, and the 429 pause absorbs excess.
      if (!this.#warnedFailure) {
        this.#warnedFailure = true;
        this.#log.warn(
          `The rate-limit store failed (${(error as Error)?.message}); requests go on unlimited`,
        );
      }
      return 0;
    }
  }
}

/** The `concurrency` line: a FIFO semaphore. */
class Slots {
  #free: number;
  readonly #queue = new WaitQueue();

  constructor(size: number) {
    this.#free = size;
  }

  async take(request: GateRequest): Promise<void> {
    if (this.#free > 0 && this.#queue.size === 0) {
      this.#free--;
      return;
    }
    // A granted waiter inherits the releasing request's slot.
    await this.#queue.wait(request, 'a free slot under rateLimit.concurrency');
  }

  release(): void {
    if (!this.#queue.grantNext()) this.#free++;
  }
}

/** The gate a client gets: the 429 pause, plus `rateLimit` when set. */
export function createGate(limit: ResolvedRateLimit | undefined, log: SdkLogger): RequestGate {
  return new LimitGate(limit, log);
}
