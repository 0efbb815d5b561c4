// Base64 without Buffer (Workers without nodejs_compat, browsers), checked in Node against Buffer.
import { describe, expect, it, vi } from 'vitest';
import { Base64Decoder, base64ToBytes, bytesToBase64 } from '../../src/runtime/base64.js';

describe('base64 without Buffer', () => {
  const sample = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 255);
  const text = Buffer.from(sample).toString('base64');

  it('decodes text split at every position as Buffer does', () => {
    for (let cut = 0; cut <= 40; cut++) {
      const decoder = new Base64Decoder();
      decoder.write(text.slice(0, cut));
      decoder.write(text.slice(cut, cut + 7));
      decoder.write(text.slice(cut + 7));
      expect(Buffer.from(decoder.end()).equals(Buffer.from(sample))).toBe(true);
    }
  });

  it('uses the table decoder where there is no Buffer, with the same result', async () => {
    const saved = globalThis.Buffer;
    try {
      // @ts-expect-error: simulate Workers without nodejs_compat
      delete globalThis.Buffer;
      vi.resetModules();
      const fresh = await import('../../src/runtime/base64.js');
      const out: Uint8Array = fresh.base64ToBytes(`${text.slice(0, 100)}\n${text.slice(100)}`);
      expect(out.constructor).toBe(Uint8Array);
      expect(Array.from(out)).toEqual(Array.from(sample));
      expect(Array.from(fresh.base64ToBytes('aGVsbG8'))).toEqual([104, 101, 108, 108, 111]);
      expect(fresh.bytesToBase64(sample)).toBe(text);
    } finally {
      globalThis.Buffer = saved;
    }
  });

  it('round-trips through bytesToBase64', () => {
    expect(bytesToBase64(sample)).toBe(text);
    expect(Array.from(base64ToBytes(text))).toEqual(Array.from(sample));
  });
});
