import { describe, expect, it } from 'vitest';
import { APIError, SegmindClient } from '../../src/index.js';
import { API_KEY } from '../support/fixtures.js';
import { useFakes } from '../support/use-server.js';

const fake = useFakes();

describe('a redirect answering a request to the API', () => {
  it.each([301, 302, 307, 308])(
    'a %i to a POST is an APIError naming the method, path and Location; not followed, not retried',
    async (status) => {
      const server = await fake();
      server.inject({
        match: { method: 'POST' },
        status,
        body: '',
        headers: { location: 'https://elsewhere.example.com/v1/flux-schnell' },
      });
      const client = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
      const error = await client.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      const e = error as APIError;
      expect(e.status).toBe(status);
      expect(e.message).toContain('POST /v1/flux-schnell');
      expect(e.message).toContain(`answered ${status}`);
      expect(e.message).toContain('https://elsewhere.example.com/v1/flux-schnell');
      expect(e.message).not.toMatch(new RegExp(`^${status}$`));
      expect(server.requests).toHaveLength(1);
    },
  );
});
