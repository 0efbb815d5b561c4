// How a failed batch item's error reads: always a SegmindError for the caller, and as a journal line
// keeps it (name and message).
import { isSegmindError, SegmindError } from '../errors.js';

/** `error` as the SegmindError a batch item reports (anything else is wrapped, with it as `cause`). */
export function asSegmindError(error: unknown): SegmindError {
  if (isSegmindError(error)) return error as SegmindError;
  return new SegmindError(`batch item failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/** An error's name and message, as a journal line keeps them. */
export function why(error: unknown): { error: string; message: string } {
  const e = asSegmindError(error);
  return { error: e.name, message: e.message.slice(0, 500) };
}
