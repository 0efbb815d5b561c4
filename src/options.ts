import type { Dispatcher } from 'undici';
import { SegmindError } from './errors.js';
import {
  type RateLimitOptions,
  type ResolvedRateLimit,
  resolveRateLimit,
} from './limits/rate-limit-options.js';
import { detectRuntime, environment } from './runtime/detect.js';
import { LOG_LEVELS, type Logger, type LogLevel } from './util/logger.js';
import { registerSecret } from './util/redact.js';

/** Where the SDK sends requests unless told otherwise. */
export const DEFAULT_BASE_URL = 'https://api.segmind.com';
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
   * only: the Bun, Deno, Workers and browser builds send through `fetch` and refuse it (see `fetch`).
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
   * test double. Selects the fetch transport on Node too (where the default is undici).
   * @default undici on Node.js; the runtime's own `globalThis.fetch` on Bun, Deno, Workers and browsers
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
}

/** A WHATWG `fetch` function, as `globalThis.fetch` is. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Options every method takes as its last argument. They win over the client's.
 * @example
 * await client.runSync('flux-schnell', { prompt }, { timeout: 30_000, signal: AbortSignal.timeout(60_000) });
 */
export interface RequestOptions {
  /** Limit for each HTTP request, in ms (finite, > 0, ≤ 2_147_483_647). @default the client's `timeout` */
  timeout?: number | undefined;
  /** Retries for retryable failures. @default the client's `maxRetries` */
  maxRetries?: number | undefined;
  /** Cancels the call, including a pending retry delay, with `UserAbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Extra headers for this call; they go with it wherever it goes (a download's CDN too), except
   * `x-api-key`. A value that is not printable ASCII is a `SegmindError` before anything is sent.
   */
  headers?: Record<string, string> | undefined;
  /** Check parameters before sending. @default the client's `validate` */
  validate?: boolean | undefined;
  /** Largest success body read into memory, in bytes. @default the client's `maxResponseBytes` */
  maxResponseBytes?: number | undefined;
}

/** Client options with every default applied. */
export interface ResolvedOptions {
  apiKey: string;
  baseURL: URL;
  timeout: number;
  maxRetries: number;
  pollInterval: number;
  waitTimeout: number;
  validate: boolean;
  dispatcher: Dispatcher | undefined;
  /** Lower-cased names; sent to `baseURL`'s origin only. */
  defaultHeaders: Record<string, string>;
  maxResponseBytes: number;
  logLevel: LogLevel;
  logger: Logger;
  rateLimit: ResolvedRateLimit | undefined;
  fetch: FetchFunction | undefined;
}

type Env = Record<string, string | undefined>;

/** The one place client options meet their defaults and the environment. */
export function resolveClientOptions(options: ClientOptions, env: Env = environment()): ResolvedOptions {
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
  const resolved: ResolvedOptions = {
    apiKey,
    baseURL: checkBaseURL(options.baseURL ?? env.SEGMIND_BASE_URL ?? DEFAULT_BASE_URL),
    timeout: checkDuration('timeout', options.timeout ?? DEFAULT_TIMEOUT),
    maxRetries: retries(options.maxRetries ?? DEFAULT_MAX_RETRIES),
    pollInterval: checkDuration('pollInterval', options.pollInterval ?? DEFAULT_POLL_INTERVAL),
    waitTimeout: checkDuration('waitTimeout', options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT),
    validate: options.validate ?? true,
    dispatcher: options.dispatcher,
    defaultHeaders: checkHeaders('defaultHeaders', options.defaultHeaders),
    maxResponseBytes: checkByteLimit(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES),
    logLevel,
    logger: options.logger ?? console,
    rateLimit: resolveRateLimit(options.rateLimit),
    fetch: options.fetch,
  };
  // Every error scrubs this key for as long as the client lives.
  registerSecret(resolved, apiKey);
  return resolved;
}

/** The settings one call runs with: per-call options over the client's. */
export interface CallSettings {
  timeout: number;
  maxRetries: number;
  validate: boolean;
  signal: AbortSignal | undefined;
  /**
   * The call's own headers (lower-cased names), sent wherever the call goes. The client's
   * `defaultHeaders` are not in here: the core adds them for `baseURL`'s origin only.
   */
  headers: Record<string, string>;
  /** Largest success body read into memory, in bytes. */
  maxResponseBytes: number;
}

export function callSettings(client: ResolvedOptions, call: RequestOptions = {}): CallSettings {
  return {
    timeout: call.timeout === undefined ? client.timeout : checkDuration('timeout', call.timeout),
    maxRetries: retries(call.maxRetries ?? client.maxRetries),
    validate: call.validate ?? client.validate,
    signal: call.signal,
    headers: call.headers === undefined ? NO_HEADERS : checkHeaders('headers', call.headers),
    maxResponseBytes:
      call.maxResponseBytes === undefined ? client.maxResponseBytes : checkByteLimit(call.maxResponseBytes),
  };
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function isLogLevel(value: unknown): value is LogLevel {
  return LOG_LEVELS.includes(value as LogLevel);
}

// Header names are RFC 9110 tokens; values printable ASCII (space and tab inside) with no control
// characters. undici would refuse the rest only once the request is on its way, and a `\n` in a
// value is the classic `.env` slip; refusing it here means nothing half-formed is ever sent.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\x20-\x7e\t]*$/;
// The key: visible ASCII only, no spaces.
const API_KEY = /^[\x21-\x7e]+$/;

function describeBadChar(value: string, allowed: RegExp): string {
  for (const ch of value) {
    if (!allowed.test(ch)) {
      const code = ch.codePointAt(0) ?? 0;
      const name =
        ch === '\n' ? 'a newline' : ch === '\r' ? 'a carriage return' : ch === ' ' ? 'a space' : '';
      return name || `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return 'a character that is not allowed';
}

function checkApiKey(key: string, source: string): void {
  if (typeof key !== 'string') throw new SegmindError(`${source} must be a string, got ${typeof key}`);
  if (!API_KEY.test(key)) {
    // Never echo the key itself: name the source and the offending character only.
    const what = describeBadChar(key, /^[\x21-\x7e]$/);
    throw new SegmindError(
      `${source} is not a valid API key: it contains ${what} (a key is visible ASCII with no spaces or control characters; check for a stray newline in your .env)`,
    );
  }
}

/** Checks header names and values; returns a copy with lower-cased names. */
export function checkHeaders(
  option: string,
  headers: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new SegmindError(`${option} must be an object of header names to string values`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new SegmindError(`${option}: ${JSON.stringify(name)} is not a valid header name`);
    }
    if (typeof value !== 'string') {
      throw new SegmindError(`${option}: the value of ${name} must be a string, got ${typeof value}`);
    }
    if (!HEADER_VALUE.test(value)) {
      throw new SegmindError(
        `${option}: the value of ${name} contains ${describeBadChar(value, /^[\x20-\x7e\t]$/)}; header values must be printable ASCII without control characters`,
      );
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

function checkByteLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SegmindError(`maxResponseBytes must be a positive whole number of bytes, got ${String(value)}`);
  }
  return value;
}

function retries(value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new SegmindError(`maxRetries must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

// Exactly these: `*.localhost` names go to DNS like any other name, so they are not loopback.
// WHATWG URL parsing has already normalised 127.1 to 127.0.0.1 and the long forms of ::1 to [::1].
const LOOPBACK = /^(localhost|127\.(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){2}|\[::1\])$/i;

/** `true` for hosts that never leave this machine: exactly `localhost`, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

function checkBaseURL(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SegmindError(`baseURL is not a valid URL: ${value}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new SegmindError(
      `baseURL must use https (plain http is allowed only for localhost, 127.0.0.0/8 and ::1): ${url.origin}`,
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** The longest duration timers honour, in ms (2³¹−1); Node fires a longer timer after 1 ms. */
export const MAX_DURATION = 2_147_483_647;

/**
 * `value` when it is a usable duration: a finite number of ms, > 0 and ≤ {@link MAX_DURATION}.
 * Anything else is a `SegmindError` naming the option and the rule, thrown before anything is sent.
 */
export function checkDuration(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_DURATION) {
    throw new SegmindError(
      `${name} must be a finite number of milliseconds > 0 and ≤ ${MAX_DURATION}, got ${String(value)}`,
    );
  }
  return value;
}
