// The transport choice of the bun, deno, workerd/worker and browser builds (tsup.config.ts puts this
// module in place of create-transport.ts): the runtime's fetch, or the caller's.
import { SegmindError } from '../errors.js';
import { FetchTransport } from '../http/transport-fetch.js';
import type { Transport, TransportInit } from '../http/transport-seam.js';
import { detectRuntime } from './detect.js';

/** The fetch transport over `init.fetch`, or the runtime's own `globalThis.fetch`. */
export function createTransport(init: TransportInit): Transport {
  if (init.dispatcher !== undefined) {
    throw new SegmindError(
      `The dispatcher option is an undici Dispatcher for Node.js; on ${detectRuntime()} requests go through fetch: pass { fetch } to customise them`,
    );
  }
  return new FetchTransport(init.fetch);
}
