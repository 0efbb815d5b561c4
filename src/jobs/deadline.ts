import { clock } from '../util/clock.js';

/**
 * The one deadline of a `wait()` or `run()`: when it started (for `InferenceTimeoutError.elapsed`,
 * which for `run()` includes the submit) and when it ends. Polls, result fetches, the submit's own
 * request timeout and the retry decision all read this value; nothing else computes a deadline.
 */
export class Deadline {
  /** When the wait (or the run, before its submit) began, ms since epoch on the SDK clock. */
  readonly startedAt: number;
  /** When it ends, ms since epoch on the SDK clock. */
  readonly at: number;

  private constructor(startedAt: number, at: number) {
    this.startedAt = startedAt;
    this.at = at;
  }

  /** A deadline `ms` from now. `ms` must already be a checked duration. */
  static after(ms: number): Deadline {
    const now = clock.now();
    return new Deadline(now, now + ms);
  }

  /** ms left; 0 or less once passed. */
  left(): number {
    return this.at - clock.now();
  }

  /** ms since it started. */
  elapsed(): number {
    return clock.now() - this.startedAt;
  }

  /** A per-request limit that never outlives the deadline (at least 1 ms, so a timer can fire). */
  cap(timeout: number): number {
    return Math.max(1, Math.min(timeout, this.left()));
  }
}
