/** What a rate-limit store is told about the budget it keeps. */
export interface RateLimitBudget {
  /** Requests allowed per window. */
  points: number;
  /** The window's length, in ms (60 000: a budget per minute). */
  windowMs: number;
  /** The client's logger (levels and redaction applied), for warnings such as a lost connection. */
  log: {
    /** Logs at `warn` level. */
    warn(message: string): void;
    /** Logs at `info` level. */
    info(message: string): void;
  };
}

/** One budget's counter, shared by every client that uses the same store. */
export interface RateLimitCounter {
  /**
   * Takes one request from the current window. Resolves `0` when it was taken, else the ms until
   * the window ends (nothing taken). Should not reject: a store that cannot reach its backend
   * answers from a local fallback (a rejection lets the request through, with a warning).
   */
  take(): Promise<number>;
  /**
   * Optional: the server said (429) its window ends in `ms`; take no more until then, so the next
   * window opens in step with the server's.
   */
  spendUntil?(ms: number): Promise<unknown> | undefined;
  /** Optional: gives back a point taken for a request that was never sent. */
  refund?(): Promise<unknown> | undefined;
}

/**
 * Where `rateLimit.requestsPerMinute` is counted: in this process (the default), or shared between
 * processes with `redisStore()` from `segmind/redis`.
 * @example
 * import { redisStore } from 'segmind/redis';
 * const client = new SegmindClient({ rateLimit: { requestsPerMinute: 50, store: redisStore(redis) } });
 */
export interface RateLimitStore {
  /** Builds the counter for one budget; called once per client (its `withOptions()` copies share it). */
  counter(budget: RateLimitBudget): RateLimitCounter;
}

/** The slice of rate-limiter-flexible's limiters the SDK uses. */
export interface FlexibleLimiter {
  consume(key: string, points?: number): Promise<{ msBeforeNext: number }>;
  block(key: string, seconds: number): Promise<unknown>;
  reward(key: string, points?: number): Promise<unknown>;
}
type MemoryLimiterClass = new (opts: {
  points: number;
  duration: number;
  keyPrefix?: string;
}) => FlexibleLimiter;

let memoryLimiterClass: Promise<MemoryLimiterClass> | undefined;

/**
 * rate-limiter-flexible's memory limiter, loaded on first use and only that file: `import 'segmind'`
 * stays light and never loads the store adapters (Redis, Mongo, …) the package's index pulls in.
 * A literal specifier, so bundlers include it.
 */
function loadMemoryLimiter(): Promise<MemoryLimiterClass> {
  memoryLimiterClass ??=
    // @ts-expect-error: the package types its main entry only; this subpath is its memory limiter.
    import('rate-limiter-flexible/lib/RateLimiterMemory.js').then(
      (module: { default?: unknown }) => (module.default ?? module) as MemoryLimiterClass,
    );
  return memoryLimiterClass;
}

/**
 * Asks a rate-limiter-flexible limiter for one point: 0 when granted, else the ms until its window
 * ends. Its rejections are a result (over the limit) or an Error (the store failed).
 */
export async function takePoint(limiter: FlexibleLimiter, key: string): Promise<number> {
  try {
    await limiter.consume(key, 1);
    return 0;
  } catch (result) {
    if (result instanceof Error) throw result;
    const ms = (result as { msBeforeNext?: unknown }).msBeforeNext;
    return typeof ms === 'number' && ms > 0 ? ms : 1;
  }
}

/** A budget counted in this process: rate-limiter-flexible's memory limiter. */
export const memoryStore: RateLimitStore = {
  counter({ points, windowMs }) {
    let limiter: Promise<FlexibleLimiter> | undefined;
    const get = () => {
      limiter ??= loadMemoryLimiter().then(
        (MemoryLimiter) => new MemoryLimiter({ points, duration: windowMs / 1000, keyPrefix: 'segmind' }),
      );
      return limiter;
    };
    return {
      take: async () => takePoint(await get(), 'requests'),
      spendUntil: async (ms) => (await get()).block('requests', ms / 1000),
      refund: async () => (await get()).reward('requests', 1),
    };
  },
};
