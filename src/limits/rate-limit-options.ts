import { SegmindError } from '../errors.js';
import { checkCount, checkDuration, checkOptionsObject } from '../options/checks.js';
import { describeValue } from '../util/describe-value.js';
import type { RateLimitStore } from './store.js';

/** Which requests `requestsPerMinute` counts. */
export type RateLimitScope = 'submits' | 'all';

/**
 * Keeps a client under the account's limit: requests over it wait their turn (FIFO, abortable,
 * inside their own deadline) and are never failed for it.
 * @example
 * const client = new SegmindClient({ rateLimit: { requestsPerMinute: 50, concurrency: 8 } });
 */
export interface RateLimitOptions {
  /**
   * A budget of N requests per 60-second window that opens with the first request: a burst of N
   * may start at once, the next starts when the window ends. A positive integer.
   * @default no budget
   */
  requestsPerMinute?: number | undefined;
  /**
   * Most HTTP requests to the API in flight at once (submits and polls alike). May be used alone.
   * @default no cap
   */
  concurrency?: number | undefined;
  /**
   * What `requestsPerMinute` counts: the requests that start work (v1 calls and v2 submits), or
   * every request to the API (`'all'`, polls included).
   * @default 'submits'
   */
  scope?: RateLimitScope | undefined;
  /**
   * Where the budget is counted. Share one limit between processes with `redisStore()` from
   * `segmind/redis`.
   * @default this process's memory
   */
  store?: RateLimitStore | undefined;
}

/** `rateLimit` checked, with the window length. */
export interface ResolvedRateLimit {
  requestsPerMinute: number | undefined;
  concurrency: number | undefined;
  scope: RateLimitScope;
  store: RateLimitStore | undefined;
  windowMs: number;
}

/** The budget's window: Segmind counts requests per minute. */
export const MINUTE = 60_000;

const OPTION_NAMES = ['requestsPerMinute', 'concurrency', 'scope', 'store'] as const;

/**
 * Checks `rateLimit` like every other option: a clear `SegmindError` before anything is sent.
 * `windowMs` is the budget's window, a minute except in the project's own tests (which shorten it
 * through the client's internal factory, never through the public options).
 */
export function resolveRateLimit(value: unknown, windowMs: number = MINUTE): ResolvedRateLimit | undefined {
  if (value === undefined) return undefined;
  const o = checkOptionsObject('rateLimit', value, OPTION_NAMES) as RateLimitOptions;
  const requestsPerMinute =
    o.requestsPerMinute === undefined
      ? undefined
      : checkCount('rateLimit.requestsPerMinute', o.requestsPerMinute, 1);
  const concurrency =
    o.concurrency === undefined ? undefined : checkCount('rateLimit.concurrency', o.concurrency, 1);
  const scope = o.scope ?? 'submits';
  if (scope !== 'submits' && scope !== 'all') {
    throw new SegmindError(`rateLimit.scope must be 'submits' or 'all', got ${describeValue(scope)}`);
  }
  const store = o.store;
  if (store !== undefined && typeof (store as Partial<RateLimitStore>)?.counter !== 'function') {
    throw new SegmindError(
      `rateLimit.store must be a store such as redisStore(redis) from 'segmind/redis', got ${describeValue(store)}`,
    );
  }
  if (store !== undefined && requestsPerMinute === undefined) {
    throw new SegmindError('rateLimit.store needs rateLimit.requestsPerMinute: it is the budget it shares');
  }
  if (requestsPerMinute === undefined && concurrency === undefined) {
    throw new SegmindError('rateLimit needs requestsPerMinute, concurrency or both');
  }
  return {
    requestsPerMinute,
    concurrency,
    scope,
    store,
    windowMs: checkDuration('rateLimit window', windowMs),
  };
}
