import { SegmindError } from '../errors.js';
import { describeValue } from '../util/describe-value.js';
import {
  checkBoolean,
  checkByteLimit,
  checkDuration,
  checkHeaders,
  checkRetries,
  checkSignal,
} from './checks.js';
import type { ResolvedOptions } from './client-options.js';

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
  /**
   * The `timeout` the caller set on this call, if any: it also bounds the wait at the gate (the
   * rate-limit queue). The client's default does not, so a batch may queue for minutes.
   */
  queueTimeout: number | undefined;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Per-call options over the client's, each checked like the client option of the same name. */
export function callSettings(client: ResolvedOptions, call: RequestOptions = {}): CallSettings {
  if (typeof call !== 'object' || call === null) {
    throw new SegmindError(`request options must be an object, got ${describeValue(call)}`);
  }
  const timeout = call.timeout === undefined ? undefined : checkDuration('timeout', call.timeout);
  return {
    timeout: timeout ?? client.timeout,
    queueTimeout: timeout,
    maxRetries:
      call.maxRetries === undefined ? client.maxRetries : checkRetries('maxRetries', call.maxRetries),
    validate: checkBoolean('validate', call.validate) ?? client.validate,
    signal: checkSignal('signal', call.signal),
    headers: call.headers === undefined ? NO_HEADERS : checkHeaders('headers', call.headers),
    maxResponseBytes:
      call.maxResponseBytes === undefined
        ? client.maxResponseBytes
        : checkByteLimit('maxResponseBytes', call.maxResponseBytes),
  };
}
