import { describe, expect, it } from 'vitest';
import { RequestTimeoutError, SegmindClient } from '../../src/index.js';
import { API_KEY } from '../support/fixtures.js';
import { useManualClock } from '../support/manual-clock.js';
import { useFakes } from '../support/use-server.js';

const fake = useFakes();

describe('a per-call timeout bounds the wait in the rate-limit queue', () => {
  // Time moves only when the SDK waits: the queue's 60 s window costs nothing here.
  const clock = useManualClock();

  it.each(['runSync', 'submitAsync'] as const)(
    '%s with timeout: 300 leaves the queue after 300 ms with RequestTimeoutError, nothing sent',
    async (method) => {
      const server = await fake();
      const client = new SegmindClient({
        apiKey: API_KEY,
        baseURL: server.url,
        logLevel: 'off',
        rateLimit: { requestsPerMinute: 1 },
      });
      await client[method]('fast-flux-schnell', { prompt: 'first' });
      const started = clock.now();
      const error = await client[method]('fast-flux-schnell', { prompt: 'second' }, { timeout: 300 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect((error as RequestTimeoutError).requestSent).toBe(false);
      expect((error as Error).message).toMatch(/nothing was sent/);
      expect(clock.now() - started).toBe(300);
      expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    },
  );

  it('without a per-call timeout, a call waits its turn (the client default does not bound the queue)', async () => {
    const server = await fake();
    const client = new SegmindClient({
      apiKey: API_KEY,
      baseURL: server.url,
      logLevel: 'off',
      timeout: 1_000,
      rateLimit: { requestsPerMinute: 1 },
    });
    await client.runSync('fast-flux-schnell', { prompt: 'first' });
    const started = clock.now();
    await client.runSync('fast-flux-schnell', { prompt: 'second' });
    expect(clock.now() - started).toBeGreaterThan(1_000);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});
