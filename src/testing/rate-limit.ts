/** The fake server's rate limit, like Segmind's per-account requests per minute. */
export interface MockRateLimitOptions {
  /** Requests accepted per window; the next is answered 429 until the window ends. */
  requestsPerMinute: number;
  /**
   * What counts: v1 calls and v2 submits (`'submits'`), or every request to the API (`'all'`,
   * status and result polls included; output downloads and storage uploads never count).
   * @default 'submits'
   */
  scope?: 'submits' | 'all';
  /** The window's length in ms; a window opens with the first request after the last one ended. @default 60_000 */
  window?: number;
}

/** One window as the fake saw it: when it opened, and the requests it counted. */
export interface MockRateWindow {
  /** When it opened (ms since epoch). */
  start: number;
  /** Counted requests answered normally. */
  accepted: number;
  /** Counted requests answered 429. */
  rejected: number;
}

/** What the fake's limiter did: the windows in order and the 429s sent. */
export interface MockRateLimitLog {
  /** Every window so far, oldest first, with what it accepted and refused. */
  readonly windows: readonly MockRateWindow[];
  /** 429s answered so far. */
  readonly rejected: number;
}

/**
 * Fixed windows that open with the first counted request. A request over the budget is answered
 * 429 like Segmind: no `Retry-After`, an `x-rate-limit-reset-at-utc` with the window's end, and a
 * JSON error. A rejected request does not use up budget.
 */
export class MockRateLimiter implements MockRateLimitLog {
  readonly windows: MockRateWindow[] = [];
  rejected = 0;
  readonly #limit: number;
  readonly #scope: 'submits' | 'all';
  readonly #window: number;

  constructor(options: MockRateLimitOptions) {
    const { requestsPerMinute, scope = 'submits', window = 60_000 } = options;
    if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1) {
      throw new TypeError(
        `rateLimit.requestsPerMinute must be a whole number ≥ 1, got ${String(requestsPerMinute)}`,
      );
    }
    if (scope !== 'submits' && scope !== 'all')
      throw new TypeError(`rateLimit.scope must be 'submits' or 'all'`);
    if (!(typeof window === 'number' && window > 0))
      throw new TypeError('rateLimit.window must be a positive number of ms');
    this.#limit = requestsPerMinute;
    this.#scope = scope;
    this.#window = window;
  }

  /** `undefined` to let the request through, or the 429 to answer. */
  check(method: string, path: string, now = Date.now()): Response | undefined {
    if (!this.#counts(method, path)) return undefined;
    let current = this.windows[this.windows.length - 1];
    if (!current || now >= current.start + this.#window) {
      current = { start: now, accepted: 0, rejected: 0 };
      this.windows.push(current);
    }
    if (current.accepted < this.#limit) {
      current.accepted++;
      return undefined;
    }
    current.rejected++;
    this.rejected++;
    return Response.json(
      { error: 'Rate limit exceeded. Please try again later.' },
      {
        status: 429,
        headers: { 'x-rate-limit-reset-at-utc': new Date(current.start + this.#window).toISOString() },
      },
    );
  }

  reset(): void {
    this.windows.length = 0;
    this.rejected = 0;
  }

  #counts(method: string, path: string): boolean {
    // Downloads and storage (uploads, assets) are not the API's requests: Segmind serves them elsewhere.
    if (path.startsWith('/outputs/') || path.startsWith('/assets/') || path === '/upload-asset') return false;
    if (this.#scope === 'all') return true;
    return method === 'POST' && /^\/v[12]\/[\w.-]+$/.test(path) && !path.endsWith('/requests');
  }
}
