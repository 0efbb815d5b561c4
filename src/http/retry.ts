import pRetry, { type Options } from 'p-retry';
import { APIError, ConnectionError, isSegmindError, UserAbortError } from '../errors.js';
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

/**
 * What a failed request tells about billing. Segmind bills a 200 only, so any other answer proves
 * nothing was billed, as does a failure before the request left; a request that left and got no
 * usable answer (a timeout, a broken connection, a 200 the SDK could not read) may have been.
 * The one billing predicate: the retry policy and the batch journal both decide on it.
 */
export type BillingOutcome = 'not-billed' | 'may-have-been-billed' | 'unknown';

/** The billing outcome of `error` for a request that may start a billable job. */
export function billingOutcome(error: unknown): BillingOutcome {
  if (error instanceof ConnectionError) return error.requestSent ? 'may-have-been-billed' : 'not-billed';
  if (error instanceof APIError) {
    return error.status >= 200 && error.status < 300 ? 'may-have-been-billed' : 'not-billed';
  }
  // Validation, a closed client, an abort before the request left: nothing was sent. An abort after
  // it left cannot be told apart here; callers that must know keep their own record (the journal).
  return 'unknown';
}

/** Why a failed attempt is not retried. */
export type StopReason =
  | 'aborted'
  | 'may-have-been-billed'
  | 'not-retryable'
  | 'retries-exhausted'
  | 'wait-too-long'
  | 'past-deadline';

/** What the policy decided after a failed attempt. */
export type RetryDecision =
  | { retry: true; delay: number; attempt: number }
  | { retry: false; reason: StopReason };

/** How one call retries. */
export interface RetryPolicy {
  maxRetries: number;
  /**
   * The request may start a billable job (v1 call, v2 submit): it is retried only when the server
   * certainly did not start one.
   */
  billable: boolean;
  signal?: AbortSignal | undefined;
  /** Absolute time (ms since epoch, SDK clock) past which no retry is waited for. */
  deadline?: number | undefined;
  /** How long the server asked to wait after `error`, in ms, when it said. */
  retryAfter(error: unknown): number | undefined;
  /** `true` for an error that ends the call whatever it is (the call's deadline passed at the gate). */
  isFinal?: ((error: unknown) => boolean) | undefined;
  /**
   * Told of each failed attempt with the decision taken, before any wait: logging, the 429 pause,
   * the journal's "nothing was billed" record. Awaited.
   */
  onDecision?: (error: unknown, decision: RetryDecision) => void | Promise<void>;
}

/** Whether an error may be retried under the billing rule (the budget and delays aside). */
export function isRetryable(error: unknown, billable: boolean): boolean {
  if (error instanceof APIError) return RETRYABLE_STATUSES.has(error.status);
  // Timeouts included: one that fired before the request left (while connecting) billed nothing.
  if (error instanceof ConnectionError) return !billable || !error.requestSent;
  return false;
}

/**
 * The wait before retry number `retry` (1-based): what the server asked for when it said, else
 * exponential backoff with jitter. Jitter never shortens a wait the server asked for.
 */
export function retryDelay(hinted: number | undefined, retry: number, random = Math.random): number {
  if (hinted !== undefined) return hinted;
  const base = Math.min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** (retry - 1));
  return Math.round(base * (1 + BACKOFF_JITTER * (2 * random() - 1)));
}

/** The decision after attempt number `attempt` failed with `error`, `retriesLeft` retries remaining. */
export function decide(
  error: unknown,
  attempt: number,
  retriesLeft: number,
  policy: RetryPolicy,
): RetryDecision {
  if (error instanceof UserAbortError) return { retry: false, reason: 'aborted' };
  if (policy.isFinal?.(error)) return { retry: false, reason: 'past-deadline' };
  if (!isRetryable(error, policy.billable)) {
    const billed = policy.billable && billingOutcome(error) === 'may-have-been-billed';
    return { retry: false, reason: billed ? 'may-have-been-billed' : 'not-retryable' };
  }
  if (retriesLeft <= 0) return { retry: false, reason: 'retries-exhausted' };
  const delay = retryDelay(policy.retryAfter(error), attempt);
  if (delay > MAX_RETRY_AFTER) return { retry: false, reason: 'wait-too-long' };
  if (policy.deadline !== undefined && clock.now() + delay > policy.deadline) {
    return { retry: false, reason: 'past-deadline' };
  }
  return { retry: true, delay, attempt };
}

/**
 * Runs `attempt` until it succeeds or the policy says stop; rejects with the last error.
 *
 * p-retry runs the loop: it counts attempts, awaits `onFailedAttempt` (where the policy decides,
 * reports and waits) and asks `shouldRetry`. Its own timer is off (`minTimeout: 0`) because every
 * wait here depends on the error (`Retry-After`, `x-rate-limit-reset-at-utc`), stops at the
 * caller's deadline, ends the moment the signal fires, and runs on the SDK's clock so tests can
 * drive it.
 */
export function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  let decision: RetryDecision = NOT_RETRIED;
  // Every option p-retry reads is given, its defaults included: p-retry copies the options and fills
  // in what is missing, and each property it adds to the copy costs Node ~3 µs per call (a new
  // object shape every time), as much as the rest of a request's own work.
  const options: Required<Omit<Options, 'unref'>> = {
    retries: policy.maxRetries,
    signal: policy.signal,
    factor: 2,
    minTimeout: 0,
    maxTimeout: 0,
    maxRetryTime: Number.POSITIVE_INFINITY,
    randomize: false,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      decision = decide(error, attemptNumber, retriesLeft, policy);
      await policy.onDecision?.(error, decision);
      if (decision.retry) await clock.sleep(decision.delay, policy.signal);
    },
    shouldRetry: () => decision.retry,
    shouldConsumeRetry: consumeRetry,
  };
  // No async frame of ours around p-retry's: the happy path's only cost is its own setup.
  if (!policy.signal) return pRetry(attempt, options);
  return pRetry(attempt, options).catch((error: unknown) => {
    // p-retry rejects with the signal's own reason when it sees the signal fired between attempts.
    if (policy.signal?.aborted && !isSegmindError(error)) throw new UserAbortError(policy.signal.reason);
    throw error;
  });
}

const NOT_RETRIED: RetryDecision = { retry: false, reason: 'not-retryable' };
const consumeRetry = () => true;
