import {
  APIError,
  errorFromResponse,
  isSegmindError,
  RateLimitError,
  type SegmindError,
  UserAbortError,
} from '../errors.js';
import { type GateTicket, openGate, type RequestGate } from '../limits/gate.js';
import type { ResolvedOptions } from '../options/client-options.js';
import type { CallSettings } from '../options/request-options.js';
import { runtimeTag } from '../runtime/detect.js';
import { clock } from '../util/clock.js';
import type { SdkLogger } from '../util/logger.js';
import { VERSION } from '../version.js';
import { BACKOFF_INITIAL, billingOutcome, type RetryDecision, withRetries } from './retry.js';
import { retryAfterMs } from './retry-timing.js';
import type { HttpResponse, Transport } from './transport.js';

/** Bytes of an error body kept for `detail`; the rest is dropped with the connection. */
export const ERROR_BODY_LIMIT = 64 * 1024;

// `node/20.18.1`, `bun/1.1.0`, `deno/2.0.0`, `workerd`: what the runtime says about itself.
const USER_AGENT = `segmind-node/${VERSION} ${runtimeTag()}`;

/**
 * What a caller above the core (the batch journal) learns about each attempt of a billable call,
 * passed with the call: never through shared state.
 */
export interface SendHooks {
  /** The attempt passed the gate and is about to leave. Awaited: the request waits for it. */
  beforeSend?: (() => Promise<void>) | undefined;
  /**
   * The attempt ended with an answer (or a failure before the request left) that proves nothing was
   * billed; called before any retry wait. Awaited.
   */
  notBilled?: ((error: SegmindError) => Promise<void>) | undefined;
}

/** One logical call: retried as a whole (request and body read) under the billing rule. */
export interface CallSpec {
  method: 'GET' | 'POST';
  url: URL;
  body?: string | Uint8Array | undefined;
  /** v1 call or v2 submit: never re-sent once it may have reached the server. */
  billable: boolean;
  settings: CallSettings;
  /** Absolute time (ms since epoch) no retry wait may pass. */
  deadline?: number | undefined;
  /** How many redirects to follow (downloads only; the key is dropped when the origin changes). */
  redirects?: number | undefined;
  /**
   * A job's status or result GET: a 422 or a FAILED body means the job ran and failed
   * (`InferenceFailedError`). Elsewhere (v1 call, v2 submit) a 422 is `UnprocessableEntityError`.
   */
  jobEndpoint?: boolean | undefined;
  /**
   * The job's id, on a job endpoint: an `InferenceFailedError` reports it as `requestId`, whatever
   * the body or the `x-request-id` header say.
   */
  jobId?: string | undefined;
  /**
   * Bytes of an error body to read before it is cut short (a FAILED 422 status body can be large).
   * Never more than the call's `maxResponseBytes`. @default ERROR_BODY_LIMIT (64 KiB)
   */
  errorBodyLimit?: number | undefined;
  /** Per-attempt hooks of a billable call. */
  hooks?: SendHooks | undefined;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * What every resource shares: resolved options, the dispatcher and the logger. It attaches auth to
 * requests for the API's origin only, maps error answers through the one error factory and retries.
 */
export class Core {
  readonly options: ResolvedOptions;
  readonly transport: Transport;
  readonly log: SdkLogger;
  readonly gate: RequestGate;

  constructor(options: ResolvedOptions, transport: Transport, log: SdkLogger, gate: RequestGate = openGate) {
    this.options = options;
    this.transport = transport;
    this.log = log;
    this.gate = gate;
  }

  readonly #urls = new Map<string, URL>();

  /** An absolute URL for a path under `baseURL` (cached: the same few paths are used again and again). */
  url(path: string): URL {
    let url = this.#urls.get(path);
    if (!url) {
      url = new URL(path.replace(/^\/+/, ''), this.options.baseURL);
      if (this.#urls.size < 1_000) {
        this.#urls.set(path, url);
        this.#apiURLs.add(url);
      }
    }
    return url;
  }

  // URLs this core built under baseURL: known to be on the API's origin without reading their
  // parts again (URL getters cost more than a set lookup on every request, measurably so in Bun).
  readonly #apiURLs = new WeakSet<URL>();
  // The API's headers for each set of per-call headers (most calls share the one empty set).
  readonly #apiHeaders = new WeakMap<Record<string, string>, Record<string, string>>();

  /** Whether `url` is on the API's origin (`baseURL`'s): the key, `defaultHeaders` and the gate apply. */
  isApiOrigin(url: URL): boolean {
    return this.#apiURLs.has(url) || sameOrigin(url, this.options.baseURL);
  }

  /** Whether `url` may receive the key: `baseURL`'s origin or `uploadURL`'s, nothing else. */
  isKeyOrigin(url: URL): boolean {
    return this.isApiOrigin(url) || sameOrigin(url, this.options.uploadURL);
  }

  /**
   * The headers for one request. The key and the client's `defaultHeaders` go to `baseURL`'s origin
   * only (a default `authorization` must never reach a CDN); per-call headers go wherever the call
   * goes, except `x-api-key`. Names are lower-cased (options.ts), so later entries replace earlier ones.
   */
  headersFor(url: URL, settings: CallSettings): Record<string, string> {
    if (this.isApiOrigin(url)) {
      let headers = this.#apiHeaders.get(settings.headers);
      if (!headers) {
        headers = {
          'x-api-key': this.options.apiKey,
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          ...this.options.defaultHeaders,
          ...settings.headers,
        };
        this.#apiHeaders.set(settings.headers, headers);
      }
      return headers;
    }
    if (this.isKeyOrigin(url)) {
      // Segmind storage: the key, not the client's defaultHeaders (they are for baseURL alone).
      return {
        'x-api-key': this.options.apiKey,
        'content-type': 'application/json',
        accept: 'application/json, text/plain, */*',
        'user-agent': USER_AGENT,
        ...settings.headers,
      };
    }
    const headers: Record<string, string> = { 'user-agent': USER_AGENT };
    for (const [name, value] of Object.entries(settings.headers)) {
      if (name !== 'x-api-key') headers[name] = value;
    }
    return headers;
  }

  /** Sends `spec` and hands a 2xx answer to `read`; anything else becomes a typed error. */
  call<T>(spec: CallSpec, read: (res: HttpResponse) => Promise<T>): Promise<T> {
    const { settings } = spec;
    const hooks = spec.billable ? spec.hooks : undefined;
    // For debug lines only: no clock read or string built per attempt unless they are logged.
    const debug = this.log.debugEnabled;
    let started = 0;
    let status = 0;
    // Fixed once for the call: a retry does not get a fresh queue allowance.
    const gateDeadline = queueDeadline(spec);
    let gateTimeout: unknown;
    return withRetries(
      async () => {
        if (debug) started = performance.now();
        status = 0;
        let url = spec.url;
        let res: HttpResponse;
        // Requests to the API wait their turn at the gate (rate limit, 429 pause); others do not.
        let ticket: GateTicket | undefined;
        if (this.isApiOrigin(url)) {
          try {
            const admitted = this.gate.acquire({
              startsWork: spec.billable,
              signal: settings.signal,
              deadline: gateDeadline,
            });
            ticket = admitted instanceof Promise ? await admitted : admitted;
          } catch (error) {
            // The call's deadline passed while it queued: that ends the call, it is not retried.
            gateTimeout = error;
            throw error;
          }
        }
        try {
          if (hooks?.beforeSend) await hooks.beforeSend();
          for (let hops = 0; ; hops++) {
            res = await this.transport.send({
              method: spec.method,
              url,
              headers: this.headersFor(url, settings),
              body: spec.body,
              timeout: settings.timeout,
              signal: settings.signal,
              billable: spec.billable,
              maxResponseBytes: settings.maxResponseBytes,
            });
            const location = res.headers.location;
            if (!REDIRECT_STATUSES.has(res.status) || !location || hops >= (spec.redirects ?? 0)) break;
            await res.discard();
            url = new URL(location, url);
          }
          status = res.status;
          if (status < 200 || status >= 300) {
            throw errorFromResponse({
              status: res.status,
              headers: res.headers,
              text: await this.errorText(res, spec),
              secret: this.options.apiKey,
              jobEndpoint: spec.jobEndpoint,
              jobId: spec.jobId,
              retryAfter: retryAfterMs(res.headers, clock.now()),
              request: `${spec.method} ${spec.url.pathname}`,
            });
          }
          const value = await read(res);
          if (debug)
            this.log.debug(`${spec.method} ${spec.url.pathname} → ${status} in ${elapsed(started)} ms`);
          return value;
        } finally {
          ticket?.release();
        }
      },
      {
        maxRetries: settings.maxRetries,
        billable: spec.billable,
        signal: settings.signal,
        deadline: spec.deadline,
        retryAfter: retryAfterOf,
        isFinal: (error) => error === gateTimeout,
        onDecision: async (error, decision) => {
          // A 429 holds every request of the client until the server's reset (or the backoff), so
          // a burst of callers turns into one wait instead of a storm of retries.
          if (error instanceof RateLimitError) {
            const wait = decision.retry ? decision.delay : (error.retryAfter ?? BACKOFF_INITIAL);
            this.gate.pause(clock.now() + wait);
          }
          if (debug) this.log.debug(this.#attemptLine(spec, status, started, error, decision));
          // Recorded before the retry wait, so a crash during it never leaves the call looking sent.
          if (hooks?.notBilled && isSegmindError(error) && billingOutcome(error) === 'not-billed') {
            await hooks.notBilled(error as SegmindError);
          }
        },
      },
    );
  }

  // One debug line per failed attempt. The error itself reaches the caller, so it is not logged
  // at a louder level here (users would see every failure twice).
  #attemptLine(
    spec: CallSpec,
    status: number,
    started: number,
    error: unknown,
    decision: RetryDecision,
  ): string {
    const label = `${spec.method} ${spec.url.pathname}`;
    const what = status ? String(status) : isSegmindError(error) ? error.name : 'error';
    const next = decision.retry
      ? `retry ${decision.attempt} in ${decision.delay} ms`
      : `not retried (${decision.reason})`;
    const why = decision.retry || error instanceof UserAbortError ? '' : `: ${(error as Error)?.message}`;
    return `${label} → ${what} in ${elapsed(started)} ms; ${next}${why}`;
  }

  // An error body that breaks half way still yields the status's error, with what was read.
  private async errorText(res: HttpResponse, spec: CallSpec): Promise<string> {
    const limit = Math.min(spec.errorBodyLimit ?? ERROR_BODY_LIMIT, spec.settings.maxResponseBytes);
    try {
      return await res.text(limit);
    } catch (err) {
      if (err instanceof UserAbortError) throw err;
      return '';
    }
  }
}

/** When the call must stop waiting at the gate: its deadline, or its own `timeout` from now. */
function queueDeadline(spec: CallSpec): number | undefined {
  const wait = spec.settings.queueTimeout;
  const own = wait === undefined ? undefined : clock.now() + wait;
  if (own === undefined) return spec.deadline;
  return spec.deadline === undefined ? own : Math.min(own, spec.deadline);
}

function retryAfterOf(error: unknown): number | undefined {
  return error instanceof APIError ? error.retryAfter : undefined;
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.host === b.host && a.protocol === b.protocol;
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
