import { clock } from './util/clock.js';
import { excerpt, redact } from './util/redact.js';

const BRAND = Symbol.for('segmind.SegmindError');

/** Response headers, lower-cased, one string per name. */
export type Headers = Record<string, string>;

/** One broken rule found by parameter validation. */
export interface ValidationIssue {
  /** The offending field, dot-separated for nested values; `''` for the parameters object itself. */
  path: string;
  /** What rule it breaks, in plain words. */
  message: string;
}

/**
 * The base of every error this SDK throws. Branch on the subclasses, or use
 * {@link isSegmindError} when two copies of the package may be loaded.
 *
 * @example
 * try { await client.runSync('flux-schnell', { prompt }); }
 * catch (err) { if (err instanceof RateLimitError) console.log(err.retryAfter); }
 */
export class SegmindError extends Error {
  override name = 'SegmindError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** `true` for any error thrown by this SDK, even one from another copy of the package (ESM and CJS). */
export function isSegmindError(value: unknown): value is SegmindError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** The parameters break the model's rules. Thrown before any request is sent, so nothing is billed. */
export class ValidationError extends SegmindError {
  override name = 'ValidationError' as const;
  /** Every broken rule, not just the first. */
  readonly issues: ValidationIssue[];
  /** The model the parameters were meant for. */
  readonly model: string;

  constructor(model: string, issues: ValidationIssue[]) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(`Invalid parameters for ${model}: ${list}`);
    this.issues = issues;
    this.model = model;
  }
}

/** What the SDK knows about an HTTP answer that became an error. */
export interface APIErrorInit {
  status: number;
  headers: Headers;
  /** The server's `error` text, or an excerpt of the body. Redacted and bounded by the factory. */
  detail?: string | undefined;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  /** A sentence to use instead of the default `"<status> <detail>"`. */
  message?: string;
}

/** The server answered with a status that is not a success. Subclasses cover the known statuses. */
export class APIError extends SegmindError {
  override name: string = 'APIError';
  /** The HTTP status. */
  readonly status: number;
  /** The `x-request-id` (or the job's `request_id`) of the failed call, when the server sent one. */
  readonly requestId: string | undefined;
  /** The server's message, redacted and at most 500 characters. */
  readonly detail: string | undefined;
  /** The response headers, lower-cased. */
  readonly headers: Headers;
  /** The parsed JSON body, when the server sent JSON. */
  readonly body: unknown;
  /** How long the server asked to wait before trying again, in ms, when it said. */
  readonly retryAfter: number | undefined;

  constructor(init: APIErrorInit) {
    const detail = init.detail ?? '';
    super(
      init.message ?? (detail.startsWith(String(init.status)) ? detail : `${init.status} ${detail}`.trim()),
    );
    this.status = init.status;
    this.headers = init.headers;
    this.detail = init.detail;
    this.body = init.body;
    this.requestId = requestIdOf(init.headers, init.body);
    this.retryAfter = retryAfterMs(init.headers, clock.now());
  }
}

/** 400: the server rejected the parameters or the request's form. */
export class BadRequestError extends APIError {
  override name = 'BadRequestError' as const;
}
/** 401: the API key is missing or invalid. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError' as const;
}
/** 403: this account may not use the model. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError' as const;
}
/** 404: unknown model, or an unknown or expired job (jobs are kept one hour). */
export class NotFoundError extends APIError {
  override name = 'NotFoundError' as const;
}
/** 406: not enough credits (or a spend limit was reached). */
export class InsufficientCreditsError extends APIError {
  override name = 'InsufficientCreditsError' as const;
}
/** 429: rate limited. Retried automatically; thrown once retries run out. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError' as const;
}
/** 5xx: the server failed. Retried automatically; thrown once retries run out. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError' as const;
}

/**
 * A job ran and reported FAILED (HTTP 422, or a body whose `status` is `FAILED`).
 * Content-safety blocks land here too. The job was accepted, so it may have been billed.
 */
export class InferenceFailedError extends APIError {
  override name = 'InferenceFailedError' as const;
  /** The job's server metrics, e.g. `{ inference_time }` (seconds, as on the wire). */
  readonly metrics: Record<string, unknown>;

  constructor(init: APIErrorInit & { requestId?: string | undefined }) {
    super({
      ...init,
      message: `Job ${init.requestId ?? requestIdOf(init.headers, init.body) ?? ''} failed: ${init.detail ?? 'no reason given'}`,
    });
    if (init.requestId) Object.defineProperty(this, 'requestId', { value: init.requestId, enumerable: true });
    const metrics = (init.body as { metrics?: unknown } | undefined)?.metrics;
    this.metrics = isRecord(metrics) ? metrics : {};
  }
}

/** The request could not be sent, or the connection broke before a full answer arrived. */
export class ConnectionError extends SegmindError {
  override name: string = 'ConnectionError';
  /**
   * `true` when the request may have reached the server. For a v1 call or a v2 submit that means
   * the image may have been generated and billed; the SDK never re-sends such a request.
   */
  readonly requestSent: boolean;

  constructor(message: string, options: { cause?: unknown; requestSent: boolean }) {
    super(message, { cause: options.cause });
    this.requestSent = options.requestSent;
  }
}

/** One HTTP request outlived its `timeout`. */
export class RequestTimeoutError extends ConnectionError {
  override name = 'RequestTimeoutError' as const;
  /** The limit that was hit, in ms. */
  readonly timeout: number;

  constructor(message: string, options: { timeout: number; requestSent: boolean; cause?: unknown }) {
    super(message, options);
    this.timeout = options.timeout;
  }
}

/** `wait()` or `run()` outlived its deadline. The job may still finish: resume it with its `requestId`. */
export class InferenceTimeoutError extends SegmindError {
  override name = 'InferenceTimeoutError' as const;
  /** The job to resume with `client.job(requestId)`. */
  readonly requestId: string;
  /** How long the wait lasted, in ms. */
  readonly elapsed: number;
  /** The last status seen before the deadline, when one was seen. */
  readonly lastStatus: string | undefined;

  constructor(requestId: string, elapsed: number, lastStatus?: string) {
    super(
      `Job ${requestId} did not finish within ${elapsed} ms${lastStatus ? ` (last status ${lastStatus})` : ''}; it may still complete: resume it with client.job('${requestId}')`,
    );
    this.requestId = requestId;
    this.elapsed = elapsed;
    this.lastStatus = lastStatus;
  }
}

/** The caller's `AbortSignal` fired. `cause` is the signal's reason. */
export class UserAbortError extends SegmindError {
  override name = 'UserAbortError' as const;

  constructor(reason: unknown, what = 'Request') {
    super(`${what} aborted by the caller`, { cause: reason });
  }
}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  406: InsufficientCreditsError,
  429: RateLimitError,
};

/** What the factory needs to build an error from an HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body as text, possibly cut short; the factory keeps a redacted excerpt. */
  text: string;
  /** The API key, so it can be scrubbed from anything the server echoed. */
  secret?: string | undefined;
}

/**
 * The one place an HTTP answer becomes an error: picks the class from the status (or a FAILED body)
 * and fills `detail`, `requestId`, `headers`, `body` and `retryAfter`.
 */
export function errorFromResponse(answer: HttpAnswer): APIError {
  const { status, headers, secret } = answer;
  const body = parseJson(answer.text, headers['content-type']);
  const serverText = isRecord(body)
    ? firstString(body.error, body.detail, body.message)
    : excerpt(answer.text, headers['content-type']);
  const detail = serverText ? redact(serverText, secret) : undefined;
  const init: APIErrorInit = { status, headers, detail, body: scrub(body, secret) };
  if (status === 422 || (isRecord(body) && body.status === 'FAILED')) return new InferenceFailedError(init);
  const Class = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
  return new Class(init);
}

function parseJson(text: string, contentType: string | undefined): unknown {
  const trimmed = text.trimStart();
  if (!contentType?.includes('json') && !trimmed.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function scrub(body: unknown, secret: string | undefined): unknown {
  if (body === undefined || !secret) return body;
  const json = JSON.stringify(body);
  return json.includes(secret) ? JSON.parse(json.split(secret).join('[redacted]')) : body;
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v) return v;
  return undefined;
}

function requestIdOf(headers: Headers, body: unknown): string | undefined {
  return headers['x-request-id'] ?? (isRecord(body) ? firstString(body.request_id) : undefined);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or an HTTP date) first, then
 * `x-rate-limit-reset-at-utc` (an ISO date, or epoch seconds or ms). `undefined` when neither parses.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const resetAt = headers['x-rate-limit-reset-at-utc']?.trim();
  if (resetAt) {
    let at: number;
    if (/^\d+(\.\d+)?$/.test(resetAt)) {
      const n = Number(resetAt);
      at = n > 1e12 ? n : n * 1000;
    } else {
      // A bare ISO time without a zone is UTC here, as the header's name says.
      at = Date.parse(
        /[zZ]|[+-]\d\d:?\d\d$/.test(resetAt) || !resetAt.includes('T') ? resetAt : `${resetAt}Z`,
      );
    }
    if (!Number.isNaN(at)) return Math.max(0, Math.round(at - now));
  }
  return undefined;
}
