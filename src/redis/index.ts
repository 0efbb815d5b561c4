// @ts-expect-error: the package types its main entry only; these subpaths are its two limiters.
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
// @ts-expect-error: as above.
import RateLimiterRedis from 'rate-limiter-flexible/lib/RateLimiterRedis.js';
import { SegmindError } from '../errors.js';
import type { RateLimitBudget, RateLimitCounter, RateLimitStore } from '../limits/store.js';
import { type FlexibleLimiter, takePoint } from '../limits/store.js';
import { checkCount, checkOptionsObject } from '../options/checks.js';
import { describeValue } from '../util/describe-value.js';

export type { RateLimitBudget, RateLimitCounter, RateLimitStore } from '../limits/store.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * Redis key prefix: every process using the same Redis and prefix shares one budget. Use one
   * prefix per Segmind account.
   * @default 'segmind'
   */
  prefix?: string | undefined;
  /**
   * The per-process budget used while Redis is unreachable (the 429 pause absorbs any excess).
   * @default the whole `requestsPerMinute`
   */
  insuranceRequestsPerMinute?: number | undefined;
}

/**
 * A Redis client you own: ioredis, or node-redis (v4 or later). The store never connects, quits
 * or reconfigures it.
 */
export type RedisLikeClient = object;

/** How long a call waits on Redis before going on under the insurance limit. */
const REDIS_TIMEOUT_MS = 1_000;
/** While Redis is down, how often one call tries it again (the others use the insurance limit at once). */
const PROBE_EVERY_MS = 1_000;

interface LimiterOptions {
  points: number;
  duration: number;
  keyPrefix: string;
  storeClient?: unknown;
  useRedisPackage?: boolean;
}
type LimiterClass = new (options: LimiterOptions) => FlexibleLimiter;

// Only the two limiter files this store uses, not the package's index of every adapter (this entry
// point is opt-in, so they load with it).
const RedisLimiter = RateLimiterRedis as LimiterClass;
const MemoryLimiter = RateLimiterMemory as LimiterClass;

/**
 * A rate-limit store in Redis, so many processes (on any machine) share one per-minute budget.
 * Built on rate-limiter-flexible's Redis limiter: the SDK sends no Redis commands of its own
 * design. If Redis is unreachable, calls go on under a per-process insurance limit, a warning is
 * logged once per outage, and the shared limit resumes when Redis is back; no call fails for it and
 * none waits more than about a second on Redis.
 * @example
 * import Redis from 'ioredis';
 * import { SegmindClient } from 'segmind';
 * import { redisStore } from 'segmind/redis';
 * const redis = new Redis(process.env.REDIS_URL);
 * const client = new SegmindClient({
 *   rateLimit: { requestsPerMinute: 50, store: redisStore(redis, { prefix: 'segmind:acct1' }) },
 * });
 */
export function redisStore(redis: RedisLikeClient, options: RedisStoreOptions = {}): RateLimitStore {
  // Checked here, at once: a wrong client would otherwise surface only as an "outage" at the first call.
  const client = redis as { sendCommand?: unknown; defineCommand?: unknown } | null;
  if (
    typeof client !== 'object' ||
    client === null ||
    (typeof client.sendCommand !== 'function' && typeof client.defineCommand !== 'function')
  ) {
    throw new SegmindError(
      `redisStore(redis): redis must be your ioredis or node-redis client (one with sendCommand), got ${describeValue(redis)}`,
    );
  }
  const o = checkOptionsObject('redisStore options', options, ['prefix', 'insuranceRequestsPerMinute']);
  const prefix = o.prefix ?? 'segmind';
  if (typeof prefix !== 'string' || !prefix) {
    throw new SegmindError(`redisStore: prefix must be a non-empty string, got ${describeValue(prefix)}`);
  }
  const insurance =
    o.insuranceRequestsPerMinute === undefined
      ? undefined
      : checkCount('redisStore: insuranceRequestsPerMinute', o.insuranceRequestsPerMinute, 1);
  return {
    counter(budget) {
      return new RedisCounter(redis, prefix, insurance ?? budget.points, budget);
    },
  };
}

class RedisCounter implements RateLimitCounter {
  readonly #shared: FlexibleLimiter;
  readonly #insurance: FlexibleLimiter;
  readonly #log: RateLimitBudget['log'];
  #outage = false;
  #nextProbe = 0;

  constructor(redis: object, prefix: string, insurance: number, budget: RateLimitBudget) {
    const seconds = Math.max(1, Math.round(budget.windowMs / 1000));
    this.#shared = new RedisLimiter({
      storeClient: redis,
      points: budget.points,
      duration: seconds,
      keyPrefix: prefix,
      // Not rejectIfRedisNotReady: a client still connecting at start-up must not count as an
      // outage. A call that gets no answer in time falls back instead (and Redis is then probed
      // once a second, not on every call).
      // ioredis has defineCommand; node-redis v4+ does not (its class name varies by version).
      useRedisPackage: typeof (redis as { defineCommand?: unknown }).defineCommand !== 'function',
    });
    this.#insurance = new MemoryLimiter({ points: insurance, duration: seconds, keyPrefix: prefix });
    this.#log = budget.log;
  }

  async take(): Promise<number> {
    if (this.#outage && Date.now() < this.#nextProbe) return takePoint(this.#insurance, 'requests');
    try {
      const wait = await withTimeout(takePoint(this.#shared, 'requests'), REDIS_TIMEOUT_MS);
      if (this.#outage) {
        this.#outage = false;
        this.#log.info('Redis is reachable again: the shared rate limit applies again');
      }
      return wait;
    } catch (error) {
      this.#nextProbe = Date.now() + PROBE_EVERY_MS;
      if (!this.#outage) {
        this.#outage = true;
        this.#log.warn(
          `Redis is unreachable for the shared rate limit (${(error as Error)?.message ?? String(error)}); requests go on under this process's insurance limit until it is back`,
        );
      }
      return takePoint(this.#insurance, 'requests');
    }
  }
}

// Our own race rather than RLWrapperTimeouts: the counter must know when it fell back, to warn once
// per outage and to probe Redis now and then instead of paying the timeout on every call.
// A busy process runs due timers before it reads its sockets: after an event-loop stall the timer
// would fire although Redis had answered in time. The timeout is therefore decided only after the
// sockets have been read once more (setImmediate runs after the poll phase), so a stalled process is
// not mistaken for an outage (which would switch every process to its insurance limit).
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      immediate = setImmediate(() => reject(new Error(`no answer from Redis within ${ms} ms`)));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  });
}
