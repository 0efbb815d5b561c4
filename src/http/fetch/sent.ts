// "Was it sent?" over fetch. fetch reports every network failure as the same TypeError and never says
// whether bytes of the request left, so the answer is conservative: a request counts as NOT sent only
// when that is certain, so a v1 call or a v2 submit is never re-sent after it may have started a job.
import type { RuntimeName } from '../../runtime/detect.js';
import type { SendProgress } from '../transport-error.js';

/** A fetch that threw synchronously: it never started any I/O. */
export class NotStarted {
  constructor(readonly error: unknown) {}
}

// Error codes and messages that mean the connection was never made (or its TLS handshake failed),
// as Node's fetch (undici, in `cause`), Bun (`code`, "TLS handshake failed") and Deno (the message,
// "(Connect)") report them.
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ConnectionRefused',
  'FailedToOpenSocket',
  // TLS handshake failures: certificates are checked, and versions agreed, before any request.
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);
// Deno names the failed phase only in its message; there is no code to read.
const BEFORE_SEND_MESSAGE =
  /client error \(Connect\)|tcp connect error|dns error|failed to lookup address|TLS handshake failed/i;

/**
 * How far a request got when `fetch` rejected before any answer (the timer and the caller's signal
 * aside: those are told apart by the transport):
 * - `not-sent` only when certain: fetch never started (it threw), or the runtime names a
 *   connect-phase failure (refused, DNS, unreachable, TLS: Node's `cause.code`, Bun's `code`,
 *   Deno's "(Connect)" message);
 * - `browser` for a browser's bare TypeError ("Failed to fetch", "Load failed", "NetworkError when
 *   attempting to fetch resource."): a CORS block or the network, and no way to know if it left;
 * - `sent` for everything else, Workers' "Network connection lost." included.
 */
export function progressOfFailedFetch(error: unknown, runtime: RuntimeName): SendProgress {
  if (error instanceof NotStarted) return 'not-sent';
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, syscall, message } = e as { code?: unknown; syscall?: unknown; message?: unknown };
    if (typeof code === 'string' && BEFORE_SEND_CODES.has(code)) return 'not-sent';
    if (syscall === 'connect' || syscall === 'getaddrinfo') return 'not-sent';
    if (typeof message === 'string' && BEFORE_SEND_MESSAGE.test(message)) return 'not-sent';
    e = (e as { cause?: unknown }).cause;
  }
  return runtime === 'browser' && error instanceof TypeError ? 'browser' : 'sent';
}
