import { parseJson, stringFieldOf } from './util/json.js';
import { excerpt, redact, removeSecrets, scrubValue } from './util/redact.js';

// Each instance carries the names of its class chain under a registered symbol, so a guard works on
// an error from another copy of the package (ESM and CJS loaded together), where instanceof fails.
const BRAND = Symbol.for('segmind.SegmindError');

/** Response headers, lower-cased, one string per name (repeated headers joined with `, `). */
export type ResponseHeaders = Record<string, string>;
/** @deprecated Use {@link ResponseHeaders}; kept for modules not yet moved over (not exported). */
export type Headers = ResponseHeaders;

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
 * No error carries the API key: message, `detail`, `body`, `headers`, `toJSON()` and
 * `util.inspect()` output are scrubbed of it, whatever its length.
 *
 * @example
 * try { await client.runSync('flux-schnell', { prompt }); }
 * catch (err) { if (err instanceof RateLimitError) console.log(err.retryAfter); }
 */
export class SegmindError extends Error {
  /** Always `'SegmindError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'SegmindError';

  constructor(message: string, options?: { cause?: unknown }) {
    // The one place every error passes through: the message (and so the stack) never holds a key.
    super(removeSecrets(message), options);
    const names: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      names.push((c as { name: string }).name);
    }
    Object.defineProperty(this, BRAND, { value: Object.freeze(names) });
  }

  /** The error's fields, without the stack, safe to log or send (the key is never among them). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'cause') out[key] = value;
    }
    const cause = (this as { cause?: unknown }).cause;
    if (cause instanceof Error) out.cause = { name: cause.name, message: removeSecrets(cause.message) };
    return out;
  }
}

/** The error class names {@link isSegmindError} can check for, with the type each one narrows to. */
export interface SegmindErrorTypes {
  /** {@link SegmindError} */
  SegmindError: SegmindError;
  /** {@link ValidationError} */
  ValidationError: ValidationError;
  /** {@link APIError} */
  APIError: APIError;
  /** {@link BadRequestError} */
  BadRequestError: BadRequestError;
  /** {@link AuthenticationError} */
  AuthenticationError: AuthenticationError;
  /** {@link PermissionDeniedError} */
  PermissionDeniedError: PermissionDeniedError;
  /** {@link NotFoundError} */
  NotFoundError: NotFoundError;
  /** {@link InsufficientCreditsError} */
  InsufficientCreditsError: InsufficientCreditsError;
  /** {@link UnprocessableEntityError} */
  UnprocessableEntityError: UnprocessableEntityError;
  /** {@link InferenceFailedError} */
  InferenceFailedError: InferenceFailedError;
  /** {@link RateLimitError} */
  RateLimitError: RateLimitError;
  /** {@link InternalServerError} */
  InternalServerError: InternalServerError;
  /** {@link ConnectionError} */
  ConnectionError: ConnectionError;
  /** {@link RequestTimeoutError} */
  RequestTimeoutError: RequestTimeoutError;
  /** {@link InferenceTimeoutError} */
  InferenceTimeoutError: InferenceTimeoutError;
  /** {@link BatchError} */
  BatchError: BatchError;
  /** {@link UserAbortError} */
  UserAbortError: UserAbortError;
}

/**
 * `true` for any error thrown by this SDK, even one from another copy of the package (ESM and CJS),
 * where `instanceof` fails. With a class name, `true` only for that class or a subclass of it.
 * @example
 * if (isSegmindError(err, 'RateLimitError')) console.log(err.retryAfter);
 * if (isSegmindError(err, 'APIError')) console.log(err.status); // any HTTP error
 */
export function isSegmindError(value: unknown): value is SegmindError;
export function isSegmindError<N extends keyof SegmindErrorTypes>(
  value: unknown,
  name: N,
): value is SegmindErrorTypes[N];
export function isSegmindError(value: unknown, name?: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const brand = (value as Record<symbol, unknown>)[BRAND];
  if (name === undefined) return brand === true || Array.isArray(brand);
  if (Array.isArray(brand)) return brand.includes(name);
  // An older copy branded with `true` only: its own class name is all that can be checked.
  return brand === true && (value as { name?: unknown }).name === name;
}

/** The parameters break the model's rules. Thrown before any request is sent, so nothing is billed. */
export class ValidationError extends SegmindError {
  /** Always `'ValidationError'`, also across copies of the package (see `isSegmindError`). */
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
  /** The HTTP status of the answer. */
  status: number;
  /** The answer's headers, lower-cased (scrubbed of the key by the error). */
  headers: ResponseHeaders;
  /** The server's `error` text, or an excerpt of the body. Redacted and bounded here. */
  detail?: string | undefined;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  /** A sentence to use instead of the default `"<status> <detail>"`. */
  message?: string;
  /** The id to report; by default the body's `request_id`, else the `x-request-id` header. */
  requestId?: string | undefined;
  /** How long the server asked to wait, in ms (parsed from `Retry-After` by the retry policy). */
  retryAfter?: number | undefined;
}

/** The server answered with a status that is not a success. Subclasses cover the known statuses. */
export class APIError extends SegmindError {
  /** `'APIError'`, or the name of the subclass. */
  override name: string = 'APIError';
  /** The HTTP status (200 for a success answer the SDK could not use). */
  readonly status: number;
  /** The id of the failed call: the job's id for a job, else the `x-request-id` the server sent. */
  readonly requestId: string | undefined;
  /** The server's message, redacted and at most 500 characters. */
  readonly detail: string | undefined;
  /** The response headers, lower-cased, with the key removed from any value that echoed it. */
  readonly headers: ResponseHeaders;
  /** The parsed JSON body, when the server sent JSON (the key removed from any string in it). */
  readonly body: unknown;
  /** How long the server asked to wait before trying again, in ms, when it said. */
  readonly retryAfter: number | undefined;

  constructor(init: APIErrorInit) {
    const detail = init.detail === undefined ? undefined : redact(init.detail);
    const text = detail ?? '';
    super(init.message ?? (text.startsWith(String(init.status)) ? text : `${init.status} ${text}`.trim()));
    this.status = init.status;
    this.headers = scrubValue(init.headers ?? {});
    this.detail = detail;
    this.body = scrubValue(init.body);
    const id = init.requestId || requestIdOf(this.headers, this.body);
    this.requestId = id === undefined ? undefined : removeSecrets(id);
    this.retryAfter = init.retryAfter;
  }
}

/** 400: the server rejected the parameters or the request's form. */
export class BadRequestError extends APIError {
  /** Always `'BadRequestError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'BadRequestError' as const;
}
/** 401: the API key is missing or invalid. */
export class AuthenticationError extends APIError {
  /** Always `'AuthenticationError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'AuthenticationError' as const;
}
/** 403: this account may not use the model. */
export class PermissionDeniedError extends APIError {
  /** Always `'PermissionDeniedError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'PermissionDeniedError' as const;
}
/** 404: unknown model, or an unknown or expired job (jobs are kept one hour). */
export class NotFoundError extends APIError {
  /** Always `'NotFoundError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'NotFoundError' as const;
}
/** 406: not enough credits (or a spend limit was reached). */
export class InsufficientCreditsError extends APIError {
  /** Always `'InsufficientCreditsError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'InsufficientCreditsError' as const;
}
/** 429: rate limited. Retried automatically; thrown once retries run out. */
export class RateLimitError extends APIError {
  /** Always `'RateLimitError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'RateLimitError' as const;
}
/** 5xx: the server failed. Retried automatically; thrown once retries run out. */
export class InternalServerError extends APIError {
  /** Always `'InternalServerError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'InternalServerError' as const;
}

/**
 * 422 on a v1 call or a v2 submit: the server refused the parameters and nothing ran, so nothing was
 * billed. `detail` holds the server's reasons, a FastAPI-style `detail` list flattened to
 * `"steps: must be at most 8; …"`.
 */
export class UnprocessableEntityError extends APIError {
  /** Always `'UnprocessableEntityError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'UnprocessableEntityError' as const;
}

/**
 * A job ran and reported FAILED (HTTP 422 or a body whose `status` is `FAILED`, on its status or
 * result endpoint). Content-safety blocks land here too. The job was accepted, so it may have been
 * billed. `requestId` is always the job's id.
 */
export class InferenceFailedError extends APIError {
  /** Always `'InferenceFailedError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'InferenceFailedError' as const;
  /** The job's server metrics, e.g. `{ inference_time }` (seconds, as on the wire). */
  readonly metrics: Record<string, unknown>;

  constructor(init: APIErrorInit) {
    const id = init.requestId || (isRecord(init.body) ? firstString(init.body.request_id) : undefined);
    super({
      ...init,
      requestId: id,
      message: `${id ? `Job ${id}` : 'The job'} failed: ${init.detail ?? 'no reason given'}`,
    });
    const metrics = (init.body as { metrics?: unknown } | undefined)?.metrics;
    this.metrics = isRecord(metrics) ? scrubValue(metrics) : {};
  }
}

/** The request could not be sent, or the connection broke before a full answer arrived. */
export class ConnectionError extends SegmindError {
  /** `'ConnectionError'`, or the name of the subclass. */
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
  /** Always `'RequestTimeoutError'`, also across copies of the package (see `isSegmindError`). */
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
  /** Always `'InferenceTimeoutError'`, also across copies of the package (see `isSegmindError`). */
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
  /** Always `'UserAbortError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'UserAbortError' as const;

  constructor(reason: unknown, what = 'Request') {
    super(`${what} aborted by the caller`, { cause: reason });
  }
}

/**
 * A batch's `all()` stopped before its input ended: the input threw. `cause` is what it threw;
 * `results` holds every item the batch settled, in input order, so results already paid for are
 * never lost. (`for await` yields those items as they finish, then throws the input's error as is.)
 * @example
 * try { await client.batch('fast-flux-schnell', readPrompts()).all(); }
 * catch (err) {
 *   if (err instanceof BatchError) for (const item of err.results) if (item.ok) keep(item.value);
 * }
 */
export class BatchError<Item = unknown> extends SegmindError {
  /** Always `'BatchError'`, also across copies of the package (see `isSegmindError`). */
  override name = 'BatchError' as const;
  /** Every item the batch settled before it stopped, in input order. */
  readonly results: Item[];

  constructor(message: string, results: Item[], options: { cause: unknown }) {
    super(message, options);
    this.results = results;
  }
}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  406: InsufficientCreditsError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** What the factory needs to build an error from an HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: ResponseHeaders;
  /** The body as text, possibly cut short; the factory keeps a redacted excerpt. */
  text: string;
  /** The API key, so it can be scrubbed from anything the server echoed. */
  secret?: string | undefined;
  /**
   * A job's status or result endpoint: a 422 or a FAILED body there means the job ran and failed.
   * Elsewhere (a v1 call, a v2 submit) a 422 means the parameters were refused and nothing ran.
   */
  jobEndpoint?: boolean | undefined;
  /** The job's id, when the answer is about a known job: reported as `requestId` whatever the body says. */
  jobId?: string | undefined;
  /** How long the server asked to wait, in ms, as the retry policy read its headers. */
  retryAfter?: number | undefined;
  /** The request that got this answer (`POST /v1/flux-schnell`), for messages that must name it. */
  request?: string | undefined;
}

/**
 * The one place an HTTP answer becomes an error: picks the class from the status (or a FAILED body
 * on a job endpoint) and fills `detail`, `requestId`, `headers`, `body` and `retryAfter`.
 */
export function errorFromResponse(answer: HttpAnswer): APIError {
  const { status, secret } = answer;
  const headers = scrubValue(answer.headers, secret);
  const trimmed = answer.text.trimStart();
  const looksJson = headers['content-type']?.includes('json') || /^[{[]/.test(trimmed);
  const body = scrubValue(looksJson ? parseJson(answer.text) : undefined, secret);
  // A JSON body cut at the read cap does not parse: its message fields are still read from the text.
  const cutJson = looksJson && body === undefined;
  const serverText = isRecord(body)
    ? messageOf(body)
    : ((cutJson
        ? messageOf({
            error: stringFieldOf(answer.text, 'error'),
            message: stringFieldOf(answer.text, 'message'),
          })
        : undefined) ?? excerpt(answer.text, headers['content-type']));
  const detail = serverText ? redact(serverText, secret) : undefined;
  const init: APIErrorInit = {
    status,
    headers,
    detail,
    body,
    requestId: answer.jobId,
    retryAfter: answer.retryAfter,
  };
  if (status >= 300 && status < 400) {
    // A redirect the SDK did not follow: the key must not travel to wherever it points.
    const location = headers.location ? ` to ${redact(headers.location, secret)}` : ' without a Location';
    return new APIError({
      ...init,
      message: `${answer.request ?? 'The request'} was answered ${status}, a redirect${location}, which the SDK does not follow for requests to the API (the key would go with it); nothing was billed. Check baseURL.`,
    });
  }
  if (answer.jobEndpoint && (status === 422 || (isRecord(body) && body.status === 'FAILED'))) {
    return new InferenceFailedError(init);
  }
  if (status === 422) {
    return new UnprocessableEntityError({
      ...init,
      message: `422 the server refused the parameters (nothing ran, nothing was billed)${detail ? `: ${detail}` : ''}`,
    });
  }
  const Class = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
  return new Class(init);
}

/**
 * The server's reason from an error body: `error`, a FastAPI-style `detail` (a string or a list of
 * `{ loc, msg }`, flattened to `"steps: must be at most 8; …"`) and `message`, each once, in that order.
 */
export function messageOf(body: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  for (const value of [body.error, body.detail, body.message]) {
    const text = textOf(value);
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.length > 0 ? parts.join(': ') : undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) {
    const items = value.map(textOf).filter((t): t is string => !!t);
    return items.length > 0 ? items.join('; ') : undefined;
  }
  if (isRecord(value)) {
    const msg = firstString(value.msg, value.message, value.error);
    if (!msg) return undefined;
    const loc = Array.isArray(value.loc)
      ? value.loc.filter((p, i) => !(i === 0 && p === 'body')).join('.')
      : undefined;
    return loc ? `${loc}: ${msg}` : msg;
  }
  return undefined;
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v) return v;
  return undefined;
}

function requestIdOf(headers: ResponseHeaders, body: unknown): string | undefined {
  return (
    (isRecord(body) ? firstString(body.request_id) : undefined) ?? (headers['x-request-id'] || undefined)
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
