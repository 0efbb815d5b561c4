import { describe, expect, it } from 'vitest';
import { BACKOFF_INITIAL, retryDelay } from '../../src/http/retry.js';
import { parseHttpDate, retryAfterMs } from '../../src/http/retry-timing.js';

const NOW = Date.UTC(2030, 0, 1, 0, 0, 0);

describe('Retry-After: non-negative integer seconds or an RFC 9110 HTTP date, nothing else', () => {
  it.each([
    '-5',
    '1 2',
    '0.5',
    '1e3',
    '+3',
    '3s',
    'soon',
    '2030-01-01T00:00:10Z',
    'Tue, 1 Jan 2030 00:00:10 GMT',
  ])('ignores %j (falls back to backoff)', (value) => {
    const hinted = retryAfterMs({ 'retry-after': value }, NOW);
    expect(hinted).toBeUndefined();
    expect(retryDelay(hinted, 1, () => 0.5)).toBe(BACKOFF_INITIAL);
  });

  it.each([
    ['0', 0],
    ['7', 7_000],
    ['Tue, 01 Jan 2030 00:00:10 GMT', 10_000],
    ['Tuesday, 01-Jan-30 00:00:10 GMT', 10_000],
    ['Tue Jan  1 00:00:10 2030', 10_000],
    ['Mon, 31 Dec 2029 23:59:00 GMT', 0],
  ])('accepts %j as %i ms', (value, ms) => {
    expect(retryAfterMs({ 'retry-after': value }, NOW)).toBe(ms);
  });

  it('refuses dates that do not exist or have the wrong weekday form', () => {
    expect(parseHttpDate('Thu, 31 Feb 2030 00:00:00 GMT', NOW)).toBeUndefined();
    expect(parseHttpDate('Tue, 01 Jan 2030 25:00:00 GMT', NOW)).toBeUndefined();
    expect(parseHttpDate('Tue, 01 Jan 2030 00:00:00 UTC', NOW)).toBeUndefined();
  });

  it('an ignored Retry-After still lets x-rate-limit-reset-at-utc speak', () => {
    expect(
      retryAfterMs({ 'retry-after': '-5', 'x-rate-limit-reset-at-utc': '2030-01-01T00:00:03Z' }, NOW),
    ).toBe(3_000);
  });
});
