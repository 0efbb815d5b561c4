import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/testing/index.js';
import { runScript } from '../support/child.js';

describe('a burst at cold start stays under the Agent cap', () => {
  it('100 concurrent calls in a fresh process open at most 64 sockets plus the one fetch used first', async () => {
    const server = await createMockServer();
    try {
      const out = await runScript(
        `
        import { SegmindClient } from 'segmind';
        const client = new SegmindClient({ apiKey: 'SG_0123456789abcdef', baseURL: process.argv[1] });
        const images = await Promise.all(
          Array.from({ length: 100 }, (_, i) => client.runSync('flux-schnell', { prompt: 'p' + i, width: 512, height: 512 })),
        );
        console.log(images.filter((image) => image.data.length > 0).length);
      `,
        [server.url],
        60_000,
      );
      expect(out.stderr).toBe('');
      expect(out.stdout.trim()).toBe('100');
      expect(server.requests).toHaveLength(100);
      // The first request may go through Node's global fetch while undici loads; every other one
      // waits for the client's own Agent (64 sockets per origin).
      expect(server.connections()).toBeLessThanOrEqual(65);
    } finally {
      await server.close();
    }
  });
});
