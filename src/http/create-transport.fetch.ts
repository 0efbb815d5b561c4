// The transport choice of the Bun, Workers and browser builds (tsup.config.ts puts this module in
// place of create-transport.ts): the runtime's fetch, or the caller's. No undici, no `node:` module.
import { SegmindError } from '../errors.js';
import { detectRuntime } from '../runtime/detect.js';
import { FetchTransport } from './fetch/fetch-transport.js';
import type { Transport, TransportInit } from './transport.js';

/** The fetch transport over `init.fetch`, or the runtime's own `globalThis.fetch`. */
export function createTransport(init: TransportInit): Transport {
  if (init.dispatcher !== undefined) {
    throw new SegmindError(
      `The dispatcher option is an undici Dispatcher for Node.js and Deno; on ${detectRuntime()} requests go through fetch: pass { fetch } to customise them`,
    );
  }
  return new FetchTransport(init.fetch);
}
