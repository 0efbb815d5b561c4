import { afterEach, beforeEach, vi } from 'vitest';
import { UserAbortError } from '../../src/errors.js';
import { type Clock, setClock } from '../../src/util/clock.js';

/** 2030-01-01T00:00:00.250Z: a fixed start, off the second so Retry-After dates round visibly. */
export const START = Date.UTC(2030, 0, 1, 0, 0, 0, 250);

interface Sleeper {
  at: number;
  resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Time that moves only when a test says so. Installed as the SDK's clock (src/util/clock.ts), so
 * deadlines, retry backoff and poll pauses are exact and independent of how busy the machine is;
 * it also drives `Date` (the fake Segmind server and request timestamps read it).
 *
 * Two ways to move time:
 * - `advance(ms)`: the test moves it, waking each sleeper due on the way, in order.
 * - auto-advance (the default of {@link useManualClock}): whenever the SDK sleeps, time jumps to the
 *   end of the earliest sleep. Real I/O takes no time at all, so "time passes only when the SDK waits".
 *
 * HTTP request timeouts inside the transport still use real timers; the clock does not affect them.
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #auto = false;
  #tickScheduled = false;
  #onSleep: Array<() => void> = [];
  /** Every sleep the SDK asked for, in ms, in order (aborted ones included). */
  readonly sleeps: number[] = [];

  constructor(start = START) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new UserAbortError(signal.reason));
    this.sleeps.push(ms);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.#now + ms,
        resolve,
        signal,
        onAbort: () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(new UserAbortError(signal?.reason));
        },
      };
      signal?.addEventListener('abort', sleeper.onAbort, { once: true });
      this.#sleepers.push(sleeper);
      for (const notify of this.#onSleep.splice(0)) notify();
      this.#schedule();
    });
  }

  /** Sleeps begun and not over yet. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /** Resolves once the SDK is sleeping on this clock (at once if it already is). */
  sleeping(): Promise<void> {
    if (this.#sleepers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onSleep.push(resolve));
  }

  /**
   * Moves time forward by `ms`; each sleeper due on the way wakes at its own time, in order, and
   * gets one turn of the event loop before time moves on (network I/O it starts finishes later, at
   * the new time). With no sleeper due, time moves before this returns its promise.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#wake(next);
      // Let the woken code run (and perhaps sleep again) before moving on.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#set(target);
  }

  /** Sets time to an absolute value (never backwards), waking sleepers due by then. */
  async setTo(at: number): Promise<void> {
    await this.advance(Math.max(0, at - this.#now));
  }

  /** Turns auto-advance on or off (see the class comment). */
  autoAdvance(on = true): void {
    this.#auto = on;
    this.#schedule();
  }

  #earliest(): Sleeper | undefined {
    let first: Sleeper | undefined;
    for (const s of this.#sleepers) if (!first || s.at < first.at) first = s;
    return first;
  }

  #wake(sleeper: Sleeper): void {
    this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
    sleeper.signal?.removeEventListener('abort', sleeper.onAbort);
    this.#set(Math.max(this.#now, sleeper.at));
    sleeper.resolve();
  }

  #set(now: number): void {
    this.#now = now;
    if (vi.isFakeTimers()) vi.setSystemTime(now);
  }

  // Auto-advance runs after the current I/O callbacks, so a sleep and an abort in the same turn see
  // the abort first.
  #schedule(): void {
    if (!this.#auto || this.#tickScheduled || this.#sleepers.length === 0) return;
    this.#tickScheduled = true;
    setImmediate(() => {
      this.#tickScheduled = false;
      if (!this.#auto) return;
      const next = this.#earliest();
      if (next) this.#wake(next);
      this.#schedule();
    });
  }
}

/**
 * Gives each test in the file a fresh {@link ManualClock} as the SDK's clock and as `Date`, and puts
 * the real ones back after it. Auto-advance is on unless `{ auto: false }`.
 * @example
 * const clock = useManualClock();
 * it('waits the Retry-After', async () => { …; expect(clock.sleeps).toEqual([1000]); });
 */
export function useManualClock(options: { auto?: boolean } = {}): ManualClock {
  let current: ManualClock | undefined;
  beforeEach(() => {
    current = new ManualClock();
    vi.useFakeTimers({ toFake: ['Date'], now: current.now() });
    current.autoAdvance(options.auto ?? true);
    setClock(current);
  });
  afterEach(() => {
    current?.autoAdvance(false);
    setClock(undefined);
    vi.useRealTimers();
  });
  // A view that always reaches the current test's clock.
  return new Proxy({} as ManualClock, {
    get(_, key) {
      if (!current) throw new Error('useManualClock(): the clock exists only inside a test');
      const value = Reflect.get(current, key, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
