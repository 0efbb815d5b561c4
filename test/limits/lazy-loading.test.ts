import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/testing/index.js';
import { runScript } from '../support/child.js';

describe('rate-limit code loads on first use', () => {
  it("import 'segmind' loads no limiter; a rateLimit call loads the memory limiter only, never Redis code", async () => {
    const server = await createMockServer();
    try {
      const out = await runScript(
        `
        import { createRequire } from 'node:module';
        import { SegmindClient } from 'segmind';
        const cache = createRequire(import.meta.url).cache;
        const loaded = () => Object.keys(cache).filter((k) => /rate-limiter-flexible|ioredis|[\\/@]redis[\\/]/.test(k));
        const client = new SegmindClient({ apiKey: 'SG_test0000000000000', baseURL: process.argv[1], rateLimit: { requestsPerMinute: 5 } });
        const atImport = loaded();
        await client.runSync('flux-schnell', { prompt: 'a', width: 512, height: 512 });
        console.log(JSON.stringify({ atImport, afterCall: loaded().map((k) => k.replace(/.*node_modules\\//, '')) }));
      `,
        [server.url],
      );
      expect(out.stderr).toBe('');
      const { atImport, afterCall } = JSON.parse(out.stdout) as { atImport: string[]; afterCall: string[] };
      expect(atImport).toEqual([]);
      expect(afterCall.some((k) => k.endsWith('RateLimiterMemory.js'))).toBe(true);
      expect(afterCall.filter((k) => /Redis|ioredis|^redis\/|@redis/.test(k))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
