import { SegmindClient } from '../../src/index.js';
import type { ClientOptions } from '../../src/options/client-options.js';

/** A key of the real shape, so redaction by pattern is exercised too. */
export const API_KEY = 'SG_0123456789abcdef';

/** Smallest valid JPEG-looking bytes: the SOI marker, some payload, the EOI marker. */
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xd9]);

export function client(baseURL: string, options: ClientOptions = {}): SegmindClient {
  return new SegmindClient({ apiKey: API_KEY, baseURL, logLevel: 'off', ...options });
}

/** Captures everything a client logs. */
export function captureLogs() {
  const lines: string[] = [];
  const sink = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  return { lines, logger: { error: sink, warn: sink, info: sink, debug: sink } };
}
