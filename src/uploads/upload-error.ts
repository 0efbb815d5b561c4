import { ConnectionError, isSegmindError, SegmindError, UserAbortError } from '../errors.js';

/**
 * The error a model call throws when the upload of one of its images failed: the upload's own error
 * (its class, status, request id and cause kept, so `catch (e) { if (e instanceof RateLimitError) … }`
 * works as for any call), with a message that names the fields and says the model request was not
 * sent. A copy: uploads are shared between calls, and each call names its own fields.
 *
 * A `ConnectionError` says `requestSent: false` here: the flag speaks of the call the caller made,
 * and its model request never left (whatever happened to the upload, which bills nothing). The
 * batch journal reads it that way too: the item is safe to send again.
 */
export function uploadFailed(error: unknown, fields: readonly string[], forModel: boolean): unknown {
  if (error instanceof UserAbortError) return error;
  const where = fields.join(', ');
  const what = forModel
    ? `the image upload failed, so the model request was not sent`
    : 'the image upload failed';
  if (!isSegmindError(error)) {
    return new SegmindError(`${where}: ${what}: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
    });
  }
  const copy = Object.create(Object.getPrototypeOf(error)) as SegmindError;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  const message = `${where}: ${what}: ${error.message}`;
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  if (typeof error.stack === 'string') {
    const stack = error.stack.replace(error.message, message);
    Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true });
  }
  if (forModel && copy instanceof ConnectionError) {
    Object.defineProperty(copy, 'requestSent', { value: false, enumerable: true, configurable: true });
  }
  return copy;
}
