import { SegmindError } from '../errors.js';
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

/**
 * The window's length is an internal detail: the project's own tests and bench shorten the minute
 * with this key on the `rateLimit` object. It is not part of the typed, documented surface.
 */
export const WINDOW_KEY: symbol = Symbol.for('segmind.rateLimit.windowMs');
const MINUTE = 60_000;
const MAX = 2_147_483_647;

/** Checks `rateLimit` like every other option: a clear `SegmindError` before anything is sent. */
export function resolveRateLimit(value: unknown): ResolvedRateLimit | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SegmindError('rateLimit must be an object such as { requestsPerMinute: 50, concurrency: 8 }');
  }
  const o = value as RateLimitOptions;
  const requestsPerMinute = count('rateLimit.requestsPerMinute', o.requestsPerMinute);
  const concurrency = count('rateLimit.concurrency', o.concurrency);
  const scope = o.scope ?? 'submits';
  if (scope !== 'submits' && scope !== 'all') {
    throw new SegmindError(`rateLimit.scope must be 'submits' or 'all', got ${JSON.stringify(scope)}`);
  }
  const store = o.store;
  if (store !== undefined && typeof (store as Partial<RateLimitStore>)?.counter !== 'function') {
    throw new SegmindError("rateLimit.store must be a store such as redisStore(redis) from 'segmind/redis'");
  }
  if (store !== undefined && requestsPerMinute === undefined) {
    throw new SegmindError('rateLimit.store needs rateLimit.requestsPerMinute: it is the budget it shares');
  }
  if (requestsPerMinute === undefined && concurrency === undefined) {
    throw new SegmindError('rateLimit needs requestsPerMinute, concurrency or both');
  }
  const windowMs = (value as Record<symbol, unknown>)[WINDOW_KEY] ?? MINUTE;
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs <= 0 || windowMs > MAX) {
    throw new SegmindError(`rateLimit window must be a positive number of ms, got ${String(windowMs)}`);
  }
  return { requestsPerMinute, concurrency, scope, store, windowMs };
}

function count(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX) {
    throw new SegmindError(`${name} must be a whole number from 1 to ${MAX}, got ${String(value)}`);
  }
  return value;
}
