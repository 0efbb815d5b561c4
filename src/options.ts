import type { Dispatcher } from 'undici';
import { SegmindError } from './errors.js';
import { LOG_LEVELS, type Logger, type LogLevel } from './util/logger.js';

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

/** Options of {@link SegmindClient}. Every one has a default; per-call {@link RequestOptions} win. */
export interface ClientOptions {
  /**
   * Your Segmind API key (`SG_…`).
   * @default process.env.SEGMIND_API_KEY
   */
  apiKey?: string | undefined;
  /**
   * The API's origin. Must be https, except for loopback hosts (for the fake server).
   * @default process.env.SEGMIND_BASE_URL ?? 'https://api.segmind.com'
   */
  baseURL?: string | undefined;
  /**
   * Limit for each HTTP request, in ms (headers and body together).
   * @default 120_000
   */
  timeout?: number | undefined;
  /**
   * How many times a retryable failure is retried. A request that may have been billed never is.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Base interval of `wait()` polling, in ms, when the call does not set `interval`.
   * @default 1_000
   */
  pollInterval?: number | undefined;
  /**
   * Deadline of `wait()` and `run()`, in ms, when the call does not set `timeout`.
   * @default 600_000
   */
  waitTimeout?: number | undefined;
  /**
   * Check parameters of the known models before sending them.
   * @default true
   */
  validate?: boolean | undefined;
  /**
   * An undici Dispatcher (Agent, Pool, ProxyAgent, MockAgent). The client does not close it.
   * @default the client's own keep-alive Agent
   */
  dispatcher?: Dispatcher | undefined;
  /** Headers merged into every request to the API. */
  defaultHeaders?: Record<string, string> | undefined;
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
}

/**
 * Options every method takes as its last argument. They win over the client's.
 * @example
 * await client.runSync('flux-schnell', { prompt }, { timeout: 30_000, signal: AbortSignal.timeout(60_000) });
 */
export interface RequestOptions {
  /** Limit for each HTTP request, in ms. @default the client's `timeout` */
  timeout?: number | undefined;
  /** Retries for retryable failures. @default the client's `maxRetries` */
  maxRetries?: number | undefined;
  /** Cancels the call, including a pending retry delay, with `UserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
  /** Check parameters before sending. @default the client's `validate` */
  validate?: boolean | undefined;
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
  defaultHeaders: Record<string, string>;
  logLevel: LogLevel;
  logger: Logger;
}

type Env = Record<string, string | undefined>;

/** The one place client options meet their defaults and the environment. */
export function resolveClientOptions(options: ClientOptions, env: Env = process.env): ResolvedOptions {
  const apiKey = options.apiKey ?? env.SEGMIND_API_KEY;
  if (!apiKey) {
    throw new SegmindError(
      'No API key: pass { apiKey } to new SegmindClient() or set the SEGMIND_API_KEY environment variable',
    );
  }
  const envLevel = env.SEGMIND_LOG?.toLowerCase();
  const logLevel = options.logLevel ?? (isLogLevel(envLevel) ? envLevel : DEFAULT_LOG_LEVEL);
  if (!isLogLevel(logLevel)) throw new SegmindError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    apiKey,
    baseURL: checkBaseURL(options.baseURL ?? env.SEGMIND_BASE_URL ?? DEFAULT_BASE_URL),
    timeout: positive('timeout', options.timeout ?? DEFAULT_TIMEOUT),
    maxRetries: retries(options.maxRetries ?? DEFAULT_MAX_RETRIES),
    pollInterval: positive('pollInterval', options.pollInterval ?? DEFAULT_POLL_INTERVAL),
    waitTimeout: positive('waitTimeout', options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT),
    validate: options.validate ?? true,
    dispatcher: options.dispatcher,
    defaultHeaders: { ...options.defaultHeaders },
    logLevel,
    logger: options.logger ?? console,
  };
}

/** The settings one call runs with: per-call options over the client's. */
export interface CallSettings {
  timeout: number;
  maxRetries: number;
  validate: boolean;
  signal: AbortSignal | undefined;
  headers: Record<string, string>;
}

export function callSettings(client: ResolvedOptions, call: RequestOptions = {}): CallSettings {
  return {
    timeout: positive('timeout', call.timeout ?? client.timeout),
    maxRetries: retries(call.maxRetries ?? client.maxRetries),
    validate: call.validate ?? client.validate,
    signal: call.signal,
    headers: { ...client.defaultHeaders, ...call.headers },
  };
}

function isLogLevel(value: unknown): value is LogLevel {
  return LOG_LEVELS.includes(value as LogLevel);
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new SegmindError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

function retries(value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new SegmindError(`maxRetries must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** `true` for hosts that never leave this machine: localhost, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.test(hostname) || hostname.toLowerCase().endsWith('.localhost');
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
