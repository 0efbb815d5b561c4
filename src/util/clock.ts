import { sleep as realSleep } from './sleep.js';

/**
 * Time as the SDK sees it: deadlines, retry backoff, poll pauses and rate-limit windows all read it.
 * Internal (not exported from the package): tests swap it for a manual clock so they can assert on
 * schedules without waiting and without racing a busy machine's scheduler.
 */
export interface Clock {
  /** ms since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with `UserAbortError` the moment `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and timers. */
export const systemClock: Clock = { now: () => Date.now(), sleep: realSleep };

let current: Clock = systemClock;

/** The clock every SDK module reads. */
export const clock: Clock = {
  now: () => current.now(),
  sleep: (ms, signal) => current.sleep(ms, signal),
};

/** Replaces the clock (tests only); `undefined` restores the real one. Returns the previous clock. */
export function setClock(next: Clock | undefined): Clock {
  const previous = current;
  current = next ?? systemClock;
  return previous;
}
