import { errorFromResponse, isSegmindError, RateLimitError, UserAbortError } from '../errors.js';
import type { CallSettings, ResolvedOptions } from '../options.js';
import { runtimeTag } from '../runtime/detect.js';
import { clock } from '../util/clock.js';
import type { SdkLogger } from '../util/logger.js';
import { VERSION } from '../version.js';
import { openGate, type RequestGate } from './gate.js';
import { BACKOFF_INITIAL, withRetries } from './retry.js';
import type { HttpResponse } from './transport.js';
import type { Transport } from './transport-seam.js';

/** Bytes of an error body kept for `detail`; the rest is dropped with the connection. */
export const ERROR_BODY_LIMIT = 64 * 1024;

// `node/20.18.1`, `bun/1.1.0`, `deno/2.0.0`, `workerd`: what the runtime says about itself.
const USER_AGENT = `segmind-node/${VERSION} ${runtimeTag()}`;

/** One logical call: retried as a whole (request and body read) under the billing rule. */
export interface CallSpec {
  method: 'GET' | 'POST';
  url: URL;
  body?: string | undefined;
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
      if (this.#urls.size < 1_000) this.#urls.set(path, url);
    }
    return url;
  }

  /** Whether `url` is on the API's origin, and so may receive the key. */
  isApiOrigin(url: URL): boolean {
    const base = this.options.baseURL;
    return url.host === base.host && url.protocol === base.protocol;
  }

  /**
   * The headers for one request. The key and the client's `defaultHeaders` go to `baseURL`'s origin
   * only (a default `authorization` must never reach a CDN); per-call headers go wherever the call
   * goes, except `x-api-key`. Names are lower-cased (options.ts), so later entries replace earlier ones.
   */
  headersFor(url: URL, settings: CallSettings): Record<string, string> {
    if (this.isApiOrigin(url)) {
      return {
        'x-api-key': this.options.apiKey,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...this.options.defaultHeaders,
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
    const label = `${spec.method} ${spec.url.pathname}`;
    let started = 0;
    let outcome = '';
    return withRetries(
      async () => {
        started = performance.now();
        outcome = '';
        let url = spec.url;
        let res: HttpResponse;
        // Requests to the API wait their turn at the gate (rate limit, 429 pause); downloads do not.
        const ticket = this.isApiOrigin(url)
          ? await this.gate.acquire({
              startsWork: spec.billable,
              signal: settings.signal,
              deadline: spec.deadline,
            })
          : undefined;
        try {
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
          outcome = String(res.status);
          if (res.status < 200 || res.status >= 300) {
            throw errorFromResponse({
              status: res.status,
              headers: res.headers,
              text: await this.errorText(res, spec),
              secret: this.options.apiKey,
              jobEndpoint: spec.jobEndpoint,
              jobId: spec.jobId,
            });
          }
          const value = await read(res);
          if (this.log.debugEnabled) this.log.debug(`${label} → ${outcome} in ${elapsed(started)} ms`);
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
        onRetryDecision: (error, decision) => {
          // A 429 holds every request of the client until the server's reset (or the backoff), so
          // a burst of callers turns into one wait instead of a storm of retries.
          if (error instanceof RateLimitError) {
            const wait = decision.retry ? decision.delay : (error.retryAfter ?? BACKOFF_INITIAL);
            this.gate.pause(clock.now() + wait);
          }
          // One line per attempt. A request that may have been billed is worth a warning.
          const billed = !decision.retry && decision.reason === 'may have been billed';
          if (!this.log.debugEnabled && !billed) return;
          const what = outcome || (isSegmindError(error) ? error.name : 'error');
          const next = decision.retry
            ? `retry ${decision.attempt}/${settings.maxRetries} in ${decision.delay} ms`
            : `not retried (${decision.reason})`;
          const why =
            decision.retry || error instanceof UserAbortError ? '' : `: ${(error as Error).message}`;
          (billed ? this.log.warn : this.log.debug)(
            `${label} → ${what} in ${elapsed(started)} ms; ${next}${why}`,
          );
        },
      },
    );
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

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
