/** Ctrl-C as an AbortSignal: the first stops cleanly, a second one exits at once. */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** `true` once Ctrl-C (SIGINT) or SIGTERM arrived. */
  readonly interrupted: boolean;
  /** Removes the handlers. */
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM for the life of one command. */
export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  let count = 0;
  const handler = () => {
    count++;
    // The second Ctrl-C means "now": the ids were (or are being) printed by the first.
    if (count > 1) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get interrupted() {
      return count > 0;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
