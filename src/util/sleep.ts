import { UserAbortError } from '../errors.js';
import { onAbort } from './abort.js';

// Hand-written rather than `node:timers/promises`: this module is loaded by every runtime the SDK
// supports, and Cloudflare Workers without `nodejs_compat` cannot import `node:` modules. It also
// rejects with the SDK's own UserAbortError, so callers need no translation.

/** Waits `ms`, or rejects with `UserAbortError` the moment `signal` fires. Leaves no timer or listener. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new UserAbortError(signal.reason));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop?.();
      resolve();
    }, ms);
    const stop = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(new UserAbortError(signal.reason));
        })
      : undefined;
  });
}
