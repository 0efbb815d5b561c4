import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { SegmindClient, SegmindError } from '../../src/index.js';
import { checkDuration } from '../../src/options/checks.js';
import { API_KEY, JPEG } from '../support/fixtures.js';
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

const BAD = [Number.POSITIVE_INFINITY, 2 ** 31, 3e9, -1, 0, Number.NaN, '1000' as unknown as number];

describe('every duration is finite, > 0 and ≤ 2147483647 ms', () => {
  it.each(BAD)('checkDuration refuses %s, naming the option', (value) => {
    expect(() => checkDuration('interval', value)).toThrow(SegmindError);
    expect(() => checkDuration('interval', value)).toThrow(/interval must be a finite number/);
  });

  it('checkDuration accepts the largest timer Node honours', () => {
    expect(checkDuration('timeout', 2_147_483_647)).toBe(2_147_483_647);
    expect(checkDuration('timeout', 0.5)).toBe(0.5);
  });

  it.each(['timeout', 'pollInterval', 'waitTimeout'] as const)(
    'refuses %s: Infinity or over 2^31-1 at construction',
    (name) => {
      for (const value of [Number.POSITIVE_INFINITY, 2 ** 31]) {
        expect(() => new SegmindClient({ apiKey: API_KEY, baseURL: server.url, [name]: value })).toThrow(
          new RegExp(`${name} must be a finite number`),
        );
      }
    },
  );

  it.each(BAD)('a per-call timeout of %s is refused before anything is sent', async (timeout) => {
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const err = await c.runSync('flux-schnell', { prompt: 'x' }, { timeout }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toMatch(/timeout must be a finite number/);
    expect(server.requests).toHaveLength(0);
  });
});
