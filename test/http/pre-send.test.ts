import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConnectionError, SegmindClient, SegmindError } from '../../src/index.js';
import { API_KEY, JPEG } from '../support/fixtures.js';
import { useManualClock } from '../support/manual-clock.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() =>
  serveHandlers(
    http.post(
      '*/v1/flux-schnell',
      () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } }),
    ),
  ),
);
useManualClock();

describe('failures before a byte was sent', () => {
  it('a TLS handshake failure is requestSent: false and a POST is retried', async () => {
    // An https URL pointed at a plain-http server: the TLS handshake fails before any request.
    const url = server.url.replace('http://', 'https://');
    const before = server.connections();
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: url, maxRetries: 2, logLevel: 'off' });
    const err = await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(false);
    expect((err as Error).message).not.toMatch(/may have been billed/);
    expect(server.connections() - before).toBe(3);
    expect(server.requests).toHaveLength(0);
  });
});

describe('keys and header values are checked before anything is sent', () => {
  it.each([
    ['a trailing newline', `${API_KEY}\n`],
    ['a carriage return', `${API_KEY}\r`],
    ['a space', `SG_ ${API_KEY}`],
    ['non-ASCII', `${API_KEY}é`],
  ])('refuses a key with %s at construction, without echoing it', (_what, apiKey) => {
    const make = () => new SegmindClient({ apiKey, baseURL: server.url });
    expect(make).toThrow(SegmindError);
    expect(make).toThrow(/not a valid API key/);
    try {
      make();
    } catch (err) {
      expect((err as Error).message).not.toContain(API_KEY);
    }
  });

  it('names the environment variable when the key from SEGMIND_API_KEY is bad', () => {
    const before = process.env.SEGMIND_API_KEY;
    process.env.SEGMIND_API_KEY = `${API_KEY}\n`;
    try {
      expect(() => new SegmindClient({ baseURL: server.url })).toThrow(/SEGMIND_API_KEY .*newline/);
    } finally {
      if (before === undefined) delete process.env.SEGMIND_API_KEY;
      else process.env.SEGMIND_API_KEY = before;
    }
  });

  it.each([
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a NUL', 'a\u0000b'],
    ['non-ASCII', 'café'],
  ])('refuses a defaultHeaders value with %s at construction', (_what, value) => {
    expect(
      () => new SegmindClient({ apiKey: API_KEY, baseURL: server.url, defaultHeaders: { 'x-team': value } }),
    ).toThrow(/defaultHeaders: the value of x-team contains/);
  });

  it('refuses a bad header name at construction', () => {
    expect(
      () => new SegmindClient({ apiKey: API_KEY, baseURL: server.url, defaultHeaders: { 'x team': 'a' } }),
    ).toThrow(/not a valid header name/);
  });

  it('a bad per-call header value is a SegmindError and nothing is sent', async () => {
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const before = server.connections();
    const err = await c
      .runSync('flux-schnell', { prompt: 'x' }, { headers: { 'x-trace': 'a\r\nx-evil: 1' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toMatch(/headers: the value of x-trace contains a carriage return/);
    expect(server.requests).toHaveLength(0);
    expect(server.connections()).toBe(before);
  });
});
