import type { Dispatcher } from 'undici';
import { SegmindError } from '../errors.js';
import type { FetchFunction } from '../http/transport.js';
import type { RateLimitOptions, ResolvedRateLimit } from '../limits/rate-limit-options.js';
import { resolveRateLimit } from '../limits/rate-limit-options.js';
import { detectRuntime, environment } from '../runtime/detect.js';
import { LOG_LEVELS, type Logger, type LogLevel } from '../util/logger.js';
import { registerSecret } from '../util/redact.js';
import {
  checkApiKey,
  checkBoolean,
  checkByteLimit,
  checkDuration,
  checkHeaders,
  checkKeyURL,
  checkRetries,
} from './checks.js';

export type { FetchFunction };

/** Where the SDK sends requests unless told otherwise. */
export const DEFAULT_BASE_URL = 'https://api.segmind.com';
/** Segmind storage, where image inputs go when `baseURL` is Segmind's own. */
export const DEFAULT_UPLOAD_URL = 'https://workflows-api.segmind.com/upload-asset';
/** Limit for one HTTP request, in ms. */
export const DEFAULT_TIMEOUT = 120_000;
/** Retries after the first attempt, for retryable failures only. */
export const DEFAULT_MAX_RETRIES = 2;
/** Base interval between status polls in `wait()`, in ms. */
export const DEFAULT_POLL_INTERVAL = 1_000;
/** Deadline for a whole `wait()` or `run()`, in ms. */
export const DEFAULT_WAIT_TIMEOUT = 600_000;
/** Log level when neither the option nor `SEGMIND_LOG` says. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';
/** Largest success body read into memory, in bytes (256 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Largest image input uploaded, in bytes (50 MiB). */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Options of {@link SegmindClient}. Every one has a default; per-call {@link RequestOptions} win. */
export interface ClientOptions {
  /**
   * Your Segmind API key (`SG_…`): visible ASCII, no spaces or control characters (a key with a
   * stray newline from a `.env` file is refused at construction, never sent).
   * @default process.env.SEGMIND_API_KEY
   */
  apiKey?: string | undefined;
  /**
   * The API's origin. Must be https, except for loopback hosts (for the fake server).
   * @default process.env.SEGMIND_BASE_URL ?? 'https://api.segmind.com'
   */
  baseURL?: string | undefined;
  /**
   * Limit for each HTTP request, in ms (headers and body together). Like every duration option:
   * a finite number > 0 and ≤ 2_147_483_647 (about 24.8 days), else a `SegmindError` at construction.
   * @default 120_000
   */
  timeout?: number | undefined;
  /**
   * How many times a retryable failure is retried. A request that may have been billed never is.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Base interval of `wait()` polling, in ms, when the call does not set `interval` (finite, > 0,
   * ≤ 2_147_483_647).
   * @default 1_000
   */
  pollInterval?: number | undefined;
  /**
   * Deadline of `wait()` and `run()`, in ms, when the call does not set `timeout` (finite, > 0,
   * ≤ 2_147_483_647).
   * @default 600_000
   */
  waitTimeout?: number | undefined;
  /**
   * Check parameters of the known models before sending them.
   * @default true
   */
  validate?: boolean | undefined;
  /**
   * An undici Dispatcher (Agent, Pool, ProxyAgent, MockAgent). The client does not close it. Node.js
   * and Deno only: the Bun, Workers and browser builds send through `fetch` and refuse it (see `fetch`).
   * @default the client's own keep-alive Agent
   */
  dispatcher?: Dispatcher | undefined;
  /**
   * Headers merged into every request to the API (`baseURL`'s origin only, like the key: never to
   * a CDN or any other host). Names must be HTTP tokens and values printable ASCII without control
   * characters; anything else is a `SegmindError` at construction.
   * @default {}
   * @example
   * new SegmindClient({ defaultHeaders: { 'x-team': 'search' } });
   */
  defaultHeaders?: Record<string, string> | undefined;
  /**
   * Largest success body the SDK reads into memory, in bytes: an answer with a larger
   * `content-length`, or one that grows past it, fails with an `APIError` and the connection is
   * dropped. Error bodies are always cut at 64 KiB. `downloadToFile()` streams to disk and is not
   * bound by it.
   * @default 268_435_456 (256 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * How much to log.
   * @default process.env.SEGMIND_LOG ?? 'warn'
   */
  logLevel?: LogLevel | undefined;
  /**
   * Where log lines go.
   * @default console
   */
  logger?: Logger | undefined;
  /**
   * Keeps the client under the account's requests-per-minute limit: calls over it wait their turn
   * (FIFO, abortable, inside their own deadline) and are never failed for it. `withOptions()`
   * copies share the limiter. Without it, a 429 still pauses every request of the client until
   * the server's reset time.
   * @default none
   * @example
   * new SegmindClient({ rateLimit: { requestsPerMinute: 50, concurrency: 8 } });
   */
  rateLimit?: RateLimitOptions | undefined;
  /**
   * A WHATWG `fetch` to send every request with, on any runtime: a proxy or tracing wrapper, a
   * test double. Selects the fetch transport on Node and Deno too (where the default is undici).
   * Pass `init` on whole: on Deno a billable POST carries a one-off `client` in it, so Deno's fetch
   * never re-sends it on a reused connection.
   * @default undici on Node.js and Deno (Deno with `--allow-env`); the runtime's own `globalThis.fetch` on Bun, Workers and browsers
   * @example
   * import { fetch as undiciFetch, ProxyAgent } from 'undici';
   * const proxy = new ProxyAgent('http://proxy.internal:3128');
   * new SegmindClient({ fetch: (url, init) => undiciFetch(url, { ...init, dispatcher: proxy }) });
   */
  fetch?: FetchFunction | undefined;
  /**
   * Allow the client in a browser. The API key is sent with every request, so any visitor of the
   * page can read it and spend your credits: use it only for a key scoped to a trusted user (an
   * internal tool), never for a public site; call Segmind from your server instead.
   * @default false (the constructor throws in a browser)
   * @example
   * // An internal tool where each user enters their own key:
   * new SegmindClient({ apiKey: keyTheUserTyped, dangerouslyAllowBrowser: true });
   */
  dangerouslyAllowBrowser?: boolean | undefined;
  /**
   * Where image inputs (bytes, files) are uploaded before a model request (Segmind storage). The
   * key is sent there too, so it follows `baseURL`'s rule: https, or plain http on loopback only.
   * @default process.env.SEGMIND_UPLOAD_URL; else `https://workflows-api.segmind.com/upload-asset`
   * when `baseURL` is Segmind's own, and `<baseURL's origin>/upload-asset` for any other `baseURL`
   * (the fake server, a proxy)
   */
  uploadURL?: string | undefined;
  /**
   * Largest image input uploaded, in bytes; checked before a file is read into memory.
   * @default 52_428_800 (50 MiB)
   */
  maxUploadBytes?: number | undefined;
}

/** Client options with every default applied. */
export interface ResolvedOptions {
  apiKey: string;
  baseURL: URL;
  /** Where image inputs are uploaded; the key goes there too. */
  uploadURL: URL;
  timeout: number;
  maxRetries: number;
  pollInterval: number;
  waitTimeout: number;
  validate: boolean;
  dispatcher: Dispatcher | undefined;
  /** Lower-cased names; sent to `baseURL`'s origin only. */
  defaultHeaders: Record<string, string>;
  maxResponseBytes: number;
  maxUploadBytes: number;
  logLevel: LogLevel;
  logger: Logger;
  rateLimit: ResolvedRateLimit | undefined;
  fetch: FetchFunction | undefined;
}

type Env = Record<string, string | undefined>;

/** The one place client options meet their defaults and the environment. */
export function resolveClientOptions(options: ClientOptions, env: Env = environment()): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new SegmindError('new SegmindClient(options): options must be an object');
  }
  if (detectRuntime() === 'browser' && options.dangerouslyAllowBrowser !== true) {
    throw new SegmindError(
      'SegmindClient refuses to run in a browser: the API key would be sent from the page, where any visitor can read it and spend your credits. Call Segmind from your server; if the key is scoped to a trusted user, pass { dangerouslyAllowBrowser: true }.',
    );
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new SegmindError('fetch must be a fetch function, e.g. { fetch: globalThis.fetch }');
  }
  const fromEnv = options.apiKey === undefined;
  const apiKey = options.apiKey ?? env.SEGMIND_API_KEY;
  if (!apiKey) {
    throw new SegmindError(
      'No API key: pass { apiKey } to new SegmindClient() or set the SEGMIND_API_KEY environment variable',
    );
  }
  checkApiKey(apiKey, fromEnv ? 'SEGMIND_API_KEY' : 'apiKey');
  const envLevel = env.SEGMIND_LOG?.toLowerCase();
  const logLevel = options.logLevel ?? (isLogLevel(envLevel) ? envLevel : DEFAULT_LOG_LEVEL);
  if (!isLogLevel(logLevel)) throw new SegmindError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  const baseURL = checkKeyURL('baseURL', options.baseURL ?? env.SEGMIND_BASE_URL ?? DEFAULT_BASE_URL);
  if (!baseURL.pathname.endsWith('/')) baseURL.pathname += '/';
  const resolved: ResolvedOptions = {
    apiKey,
    baseURL,
    uploadURL: checkKeyURL(
      options.uploadURL === undefined && env.SEGMIND_UPLOAD_URL ? 'SEGMIND_UPLOAD_URL' : 'uploadURL',
      options.uploadURL ?? (env.SEGMIND_UPLOAD_URL || defaultUploadURL(baseURL)),
    ),
    timeout: checkDuration('timeout', options.timeout ?? DEFAULT_TIMEOUT),
    maxRetries: checkRetries('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES),
    pollInterval: checkDuration('pollInterval', options.pollInterval ?? DEFAULT_POLL_INTERVAL),
    waitTimeout: checkDuration('waitTimeout', options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT),
    validate: checkBoolean('validate', options.validate) ?? true,
    dispatcher: options.dispatcher,
    defaultHeaders: checkHeaders('defaultHeaders', options.defaultHeaders),
    maxResponseBytes: checkByteLimit(
      'maxResponseBytes',
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ),
    maxUploadBytes: checkByteLimit('maxUploadBytes', options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES),
    logLevel,
    logger: options.logger ?? console,
    rateLimit: resolveRateLimit(options.rateLimit),
    fetch: options.fetch,
  };
  // Every error scrubs this key for as long as the client lives.
  registerSecret(resolved, apiKey);
  return resolved;
}

/** Segmind's storage for Segmind's API; `<origin>/upload-asset` for any other base (the fake, a proxy). */
function defaultUploadURL(baseURL: URL): string {
  return baseURL.origin === new URL(DEFAULT_BASE_URL).origin
    ? DEFAULT_UPLOAD_URL
    : new URL('/upload-asset', baseURL.origin).href;
}

function isLogLevel(value: unknown): value is LogLevel {
  return LOG_LEVELS.includes(value as LogLevel);
}
