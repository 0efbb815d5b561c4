// Many calls may share one AbortSignal (a batch's, a request handler's): adding a listener per call
// would pile thousands onto it (Node warns past 10). Each signal gets one listener of ours, which
// fans out to the calls still waiting on it.

const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` fires (the caller checks `signal.aborted` first). Returns a
 * function that stops listening; call it when the work is done, so nothing is kept for a signal
 * that outlives it.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (!callbacks) {
    const fresh = new Set<() => void>();
    callbacks = fresh;
    waiting.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const fire of [...fresh]) fire();
      },
      { once: true },
    );
  }
  const set = callbacks;
  set.add(callback);
  return () => {
    set.delete(callback);
  };
}
