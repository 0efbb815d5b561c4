import pRetry from 'p-retry';
import { APIError, ConnectionError, retryAfterMs, UserAbortError } from '../errors.js';
import { clock } from '../util/clock.js';

/** HTTP statuses worth another try: nothing was billed and the next attempt may succeed. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** First backoff delay, in ms; it doubles per retry. */
export const BACKOFF_INITIAL = 500;
/** Longest backoff delay, in ms. */
export const BACKOFF_MAX = 8_000;
/** Backoff delays vary by at most this share, up or down. */
export const BACKOFF_JITTER = 0.25;
/** A server asking to wait longer than this (ms) ends the retries. */
export const MAX_RETRY_AFTER = 60_000;

/** How one call retries. */
export interface RetryPolicy {
  maxRetries: number;
  /**
   * The request may start a billable job (v1 call, v2 submit): it is retried only when the server
   * certainly did not start one.
   */
  billable: boolean;
  signal?: AbortSignal | undefined;
  /** Absolute time (ms since epoch) past which no retry is waited for. */
  deadline?: number | undefined;
  /** Told of each failed attempt, with the decision taken. */
  onRetryDecision?: (error: unknown, decision: RetryDecision) => void;
}

export type RetryDecision =
  | { retry: true; delay: number; attempt: number }
  | { retry: false; reason: string };

/** Whether an error may be retried under the billing rule (the budget and delays aside). */
export function isRetryable(error: unknown, billable: boolean): boolean {
  if (error instanceof APIError) return RETRYABLE_STATUSES.has(error.status);
  // Timeouts included: one that fired before the request left (while connecting) billed nothing.
  if (error instanceof ConnectionError) return !billable || !error.requestSent;
  return false;
}

/**
 * The wait before retry number `retry` (1-based): the server's `Retry-After` or
 * `x-rate-limit-reset-at-utc` when it sent one, else exponential backoff with jitter.
 */
export function retryDelay(error: unknown, retry: number, random = Math.random): number {
  if (error instanceof APIError) {
    const hinted = retryAfterMs(error.headers, clock.now());
    if (hinted !== undefined) return hinted;
  }
  const base = Math.min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** (retry - 1));
  return Math.round(base * (1 + BACKOFF_JITTER * (2 * random() - 1)));
}

function decide(error: unknown, retriesLeft: number, retry: number, policy: RetryPolicy): RetryDecision {
  if (error instanceof UserAbortError) return { retry: false, reason: 'aborted' };
  if (!isRetryable(error, policy.billable)) {
    const billed = policy.billable && error instanceof ConnectionError && error.requestSent;
    return { retry: false, reason: billed ? 'may have been billed' : 'not retryable' };
  }
  if (retriesLeft <= 0) return { retry: false, reason: 'retries exhausted' };
  const delay = retryDelay(error, retry);
  if (delay > MAX_RETRY_AFTER)
    return { retry: false, reason: `server asked to wait ${delay} ms (over 60 s)` };
  if (policy.deadline !== undefined && clock.now() + delay > policy.deadline) {
    return { retry: false, reason: `a ${delay} ms wait would pass the deadline` };
  }
  return { retry: true, delay, attempt: retry };
}

/**
 * Runs `attempt` until it succeeds or the policy says stop; rejects with the last error.
 *
 * p-retry does the counting (`retries`) and calls `onFailedAttempt` in order; its own delays are
 * switched off (factor 1, timeouts 0, no randomising) because every wait here depends on the error
 * (`Retry-After`, `x-rate-limit-reset-at-utc`), has to stop at the caller's deadline, must end the
 * moment the caller's signal fires, and runs on the SDK's injectable clock so tests can drive it;
 * p-retry's exponential timer can do none of that. `afterFailure` decides and waits instead.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  // Most calls succeed at once: only a failure pays for p-retry's bookkeeping.
  try {
    return await attempt(1);
  } catch (error) {
    await afterFailure(error, 1, policy.maxRetries, policy);
  }
  return pRetry((n) => attempt(n + 1), {
    retries: policy.maxRetries - 1,
    factor: 1,
    minTimeout: 0,
    maxTimeout: 0,
    randomize: false,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) =>
      afterFailure(error, attemptNumber + 1, retriesLeft, policy),
  });
}

// Decides, reports, then either throws the error (no retry) or waits before the next attempt.
async function afterFailure(
  error: unknown,
  attempt: number,
  retriesLeft: number,
  policy: RetryPolicy,
): Promise<void> {
  const decision = decide(error, retriesLeft, attempt, policy);
  policy.onRetryDecision?.(error, decision);
  if (!decision.retry) throw error;
  await clock.sleep(decision.delay, policy.signal);
}
