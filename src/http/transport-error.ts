// The errors a transport throws, worded once for both transports. A transport says what it knows
// (how far the exchange got, whether its timer fired); this module turns that into the error class,
// `requestSent` and the sentences users read, the billing sentence included.
import { ConnectionError, RequestTimeoutError, SegmindError, UserAbortError } from '../errors.js';
import type { HttpRequest } from './transport.js';

/**
 * How far an exchange got before it failed, as far as the transport can tell.
 * - `not-sent`: certainly nothing left (refused, DNS, TLS handshake, a fetch that never started).
 * - `sent`: the request may have reached the server (a connected socket, or a failure fetch cannot place).
 * - `reading`: the answer had begun; its body broke.
 * - `browser`: a browser's fetch failed before any answer. It never says why (a CORS block, the
 *   network), nor whether the request left: a CORS refusal of a POST's answer comes after the
 *   server read it. Counted as sent, so a billable POST is not re-sent; a GET is retried as always.
 */
export type SendProgress = 'not-sent' | 'sent' | 'reading' | 'browser';

/** What a transport knows about a failure. */
export interface FailureFacts {
  progress: SendProgress;
  /** The whole-request timer (or a transport's own header/body timer) fired. */
  timedOut: boolean;
}

/**
 * The error for an exchange that failed: `UserAbortError` when the caller's signal fired,
 * `RequestTimeoutError` when the time ran out, else `ConnectionError`. `requestSent` is false only
 * for `not-sent`, and only then may a billable POST be retried (see retry.ts).
 */
export function networkError(req: HttpRequest, cause: unknown, facts: FailureFacts): SegmindError {
  if (req.signal?.aborted) return new UserAbortError(req.signal.reason);
  const what = `${req.method} ${req.url.pathname}`;
  const sent = facts.progress !== 'not-sent';
  const billing = sent ? billingSentence(req, facts.progress === 'browser') : '';
  if (facts.timedOut) {
    return new RequestTimeoutError(`${what} timed out after ${req.timeout} ms.${billing}`, {
      timeout: req.timeout,
      requestSent: sent,
      cause,
    });
  }
  return new ConnectionError(
    `${what}: connection to ${req.url.host} ${WHERE[facts.progress]} (${describe(cause)}).${billing}`,
    { requestSent: sent, cause },
  );
}

const WHERE: Record<SendProgress, string> = {
  'not-sent': 'failed before the request was sent',
  sent: 'broke after the request was sent',
  reading: 'broke while reading the answer',
  browser: 'was blocked by the browser (CORS) or failed before an answer',
};

/** Why a billable request that may have left is not retried: said once, for every such error. */
function billingSentence(req: HttpRequest, unknownIfSent: boolean): string {
  if (!req.billable) return '';
  const lead = unknownIfSent
    ? 'The browser does not tell whether the request reached the server'
    : 'The request had been sent';
  return ` ${lead}, so the image may have been generated and billed; it was not retried. Check your Segmind dashboard before sending it again.`;
}

/** The failure in a few words. */
function describe(cause: unknown): string {
  // Node's and Deno's fetch wrap the network's error ("connect ECONNREFUSED …") in a TypeError.
  const error = cause instanceof TypeError && cause.cause instanceof Error ? cause.cause : cause;
  return error instanceof Error ? error.message : String(error);
}

/** For a request on a client after `close()`. */
export function clientClosedError(): SegmindError {
  return new SegmindError('This client was closed with close(); create a new one');
}
