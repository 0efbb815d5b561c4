// The checks every option goes through, wherever it is given (client, per call, batch, rateLimit,
// redisStore): one rule and one sentence per kind of value, each a `SegmindError` before anything
// is sent.
import { SegmindError } from '../errors.js';
import { describeValue } from '../util/describe-value.js';
import { closest } from '../util/did-you-mean.js';

/** The longest duration timers honour, in ms (2³¹−1); Node fires a longer timer after 1 ms. */
export const MAX_DURATION = 2_147_483_647;

/**
 * `value` when it is a usable duration: a finite number of ms, > 0 and ≤ {@link MAX_DURATION}.
 * Anything else is a `SegmindError` naming the option and the rule, thrown before anything is sent.
 */
export function checkDuration(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_DURATION) {
    throw new SegmindError(
      `${name} must be a finite number of milliseconds > 0 and ≤ ${MAX_DURATION}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** `value` when it is a whole number from `min` to `max`; else a `SegmindError` naming `name`. */
export function checkCount(name: string, value: unknown, min: number, max = MAX_DURATION): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SegmindError(
      `${name} must be a whole number from ${min} to ${max}, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** `maxRetries`: a whole number ≥ 0. */
export function checkRetries(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new SegmindError(`${name} must be a whole number ≥ 0, got ${describeValue(value)}`);
  }
  return value;
}

/** A cap in bytes: a positive whole number. */
export function checkByteLimit(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SegmindError(`${name} must be a positive whole number of bytes, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` when it is `undefined` or a boolean. */
export function checkBoolean(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new SegmindError(`${name} must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` when it is `undefined` or a function. */
export function checkFunction<T>(name: string, value: T): T {
  if (value !== undefined && typeof value !== 'function') {
    throw new SegmindError(`${name} must be a function, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value` when it is `undefined` or an `AbortSignal` (checked by shape, so a signal from another
 * realm or polyfill passes): anything else would be ignored silently and the call never aborted.
 */
export function checkSignal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (
    typeof signal !== 'object' ||
    signal === null ||
    typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function' ||
    typeof signal.removeEventListener !== 'function'
  ) {
    throw new SegmindError(`${name} must be an AbortSignal, got ${describeValue(value)}`);
  }
  return value as AbortSignal;
}

/**
 * Checks that `value` is a plain options object whose keys are all `known`; an unknown key is a
 * `SegmindError` with a suggestion (`requestPerMinute` → "did you mean requestsPerMinute?"), since
 * a misspelt option is otherwise ignored in silence.
 */
export function checkOptionsObject(
  name: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SegmindError(`${name} must be an object, got ${describeValue(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const guess = closest(key, known);
      throw new SegmindError(
        `${name}: unknown option ${JSON.stringify(key)}${guess ? `; did you mean ${guess}?` : ''} (known: ${known.join(', ')})`,
      );
    }
  }
  return value as Record<string, unknown>;
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

/** The API key: visible ASCII, no spaces or control characters. Never echoes the key itself. */
export function checkApiKey(key: unknown, source: string): string {
  if (typeof key !== 'string') throw new SegmindError(`${source} must be a string, got ${typeof key}`);
  if (!API_KEY.test(key)) {
    const what = describeBadChar(key, /^[\x21-\x7e]$/);
    throw new SegmindError(
      `${source} is not a valid API key: it contains ${what} (a key is visible ASCII with no spaces or control characters; check for a stray newline in your .env)`,
    );
  }
  return key;
}

/** Checks header names and values; returns a copy with lower-cased names. */
export function checkHeaders(option: string, headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new SegmindError(
      `${option} must be an object of header names to string values, got ${describeValue(headers)}`,
    );
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new SegmindError(`${option}: ${JSON.stringify(name)} is not a valid header name`);
    }
    if (typeof value !== 'string') {
      throw new SegmindError(`${option}: the value of ${name} must be a string, got ${describeValue(value)}`);
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

// Exactly these: `*.localhost` names go to DNS like any other name, so they are not loopback.
// WHATWG URL parsing has already normalised 127.1 to 127.0.0.1 and the long forms of ::1 to [::1].
const LOOPBACK = /^(localhost|127\.(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){2}|\[::1\])$/i;

/** `true` for hosts that never leave this machine: exactly `localhost`, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * A URL the key is sent to (`baseURL`, `uploadURL`): https, or plain http on loopback only. Query
 * and fragment are dropped.
 */
export function checkKeyURL(name: string, value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new SegmindError(`${name} must be a URL string, got ${describeValue(value)}`);
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new SegmindError(`${name} is not a valid URL: ${String(value)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new SegmindError(
      `${name} must use https (plain http is allowed only for localhost, 127.0.0.0/8 and ::1): ${url.origin}`,
    );
  }
  url.search = '';
  url.hash = '';
  return url;
}
