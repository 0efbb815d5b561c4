// Many images under one limit, under faults: Redis killed mid-batch, kill -9 then resume, abort
// mid-batch, and 10 000 calls queued behind the limit, each with a 1 s deadline.
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientWithInternals } from '../src/client.js';
import { type ConnectionError, RequestTimeoutError, SegmindClient } from '../src/index.js';
import { redisStore } from '../src/redis/index.js';
import { createMockServer, type MockServer } from '../src/testing/index.js';
import { spawnNode } from '../test/support/child.js';
import { type LocalRedis, startRedis } from '../test/support/redis.js';
import { activeResources, leakedSince } from './support.js';

// Under CI=true a missing redis-server fails the test (startRedis throws) instead of skipping it.
const HAVE_REDIS = process.env.CI === 'true' || Boolean(spawnSync('redis-server', ['--version']).stdout);
let server: MockServer;
let redis: LocalRedis | undefined;
beforeAll(async () => {
  server = await createMockServer({ queueTime: 20, jobDuration: 200 });
  redis = await startRedis();
});
afterAll(async () => {
  await server.close();
  await redis?.stop();
});

const KEY = 'SG_reliab0000000000000';
const prompts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ prompt: `${tag}${i}` }));
const submitsOf = (tag: string) =>
  server.requests.filter(
    (r) =>
      r.method === 'POST' &&
      r.path.startsWith('/v2/') &&
      (r.json as { prompt: string }).prompt.startsWith(tag),
  );

describe('batch reliability', () => {
  it.skipIf(!HAVE_REDIS)(
    'Redis killed mid-batch: 0 failed items, one warning',
    async () => {
      const lines: string[] = [];
      const io = new Redis(redis!.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      io.on('error', () => {});
      const client = createClientWithInternals(
        {
          apiKey: KEY,
          baseURL: server.url,
          logLevel: 'warn',
          logger: { error() {}, info() {}, debug() {}, warn: (l: string) => void lines.push(l) },
          rateLimit: {
            requestsPerMinute: 10,
            store: redisStore(io, { prefix: 'rel:outage' }),
          },
        },
        { rateLimitWindowMs: 1_000 },
      );
      let killed: Promise<void> | undefined;
      const items = await client
        .batch('fast-flux-schnell', prompts(40, 'outage'), {
          concurrency: 8,
          onProgress: (p) => {
            if (p.succeeded + p.failed === 10) killed ??= redis!.kill();
          },
        })
        .all();
      await killed;
      io.disconnect();
      await redis!.restart();
      expect(items.filter((i) => !i.ok)).toHaveLength(0);
      expect(submitsOf('outage')).toHaveLength(40);
      expect(lines.filter((l) => /Redis is unreachable/.test(l))).toHaveLength(1);
    },
    60_000,
  );

  it('kill -9 mid-batch, then resume: every item submitted at most once, the rest reported', async () => {
    const journal = join(await mkdtemp(join(tmpdir(), 'segmind-rel-')), 'run.jsonl');
    const total = 30;
    const script = `
      import { SegmindClient } from 'segmind';
      const client = new SegmindClient({ apiKey: '${KEY}', baseURL: process.env.URL, logLevel: 'off' });
      const params = Array.from({ length: ${total} }, (_, i) => ({ prompt: 'resume' + i }));
      for await (const item of client.batch('fast-flux-schnell', params, { concurrency: 6, journal: process.env.JOURNAL })) console.log('done');
    `;
    const child = spawnNode(['--input-type=module', '-e', script], {
      env: { URL: server.url, JOURNAL: journal },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let done = 0;
    child.stdout?.on('data', (d: Buffer) => {
      done += (d.toString().match(/done/g) ?? []).length;
      if (done >= 10) child.kill('SIGKILL');
    });
    await new Promise((resolve) => child.on('exit', resolve));
    expect(submitsOf('resume').length).toBeLessThan(total);
    const client = new SegmindClient({ apiKey: KEY, baseURL: server.url, logLevel: 'off' });
    const items = await client.batch('fast-flux-schnell', prompts(total, 'resume'), { journal }).all();
    expect(items).toHaveLength(total);
    const perPrompt = new Map<string, number>();
    for (const r of submitsOf('resume')) {
      const p = (r.json as { prompt: string }).prompt;
      perPrompt.set(p, (perPrompt.get(p) ?? 0) + 1);
    }
    expect(Math.max(...perPrompt.values())).toBe(1);
    const failed = items.filter((i) => !i.ok);
    for (const f of failed) expect((f.error as ConnectionError).requestSent).toBe(true);
    expect(submitsOf('resume').length + failed.length).toBeGreaterThanOrEqual(total);
  }, 60_000);

  it('abort mid-batch: no submit after the abort', async () => {
    const controller = new AbortController();
    // Each request as the client hands it to its dispatcher, and whether the batch was aborted by
    // then: what the client sent, not when the server got round to logging it.
    const sent: Array<{ method: string; afterAbort: boolean }> = [];
    const dispatcher = new Agent().compose((dispatch) => (opts, handler) => {
      sent.push({ method: opts.method, afterAbort: controller.signal.aborted });
      return dispatch(opts, handler);
    });
    const client = createClientWithInternals(
      {
        apiKey: KEY,
        baseURL: server.url,
        logLevel: 'off',
        dispatcher,
        rateLimit: { requestsPerMinute: 5 },
      },
      { rateLimitWindowMs: 1_000 },
    );
    const batch = client.batch('fast-flux-schnell', prompts(50, 'abort'), {
      concurrency: 10,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.succeeded >= 5) controller.abort();
      },
    });
    try {
      const items = await batch.all();
      expect(items.filter((i) => i.ok).length).toBeGreaterThanOrEqual(5);
      expect(items.filter((i) => !i.ok).every((i) => i.error.name === 'UserAbortError')).toBe(true);
      // Items waiting for the next window were never sent, and nothing at all left after the abort.
      expect(sent.filter((r) => r.method === 'POST').length).toBeLessThan(50);
      expect(sent.filter((r) => r.afterAbort)).toEqual([]);
    } finally {
      await dispatcher.close();
    }
  }, 30_000);

  it('10 000 calls queued behind the limit with a 1 s deadline each: all settle, no timer left', async () => {
    const client = new SegmindClient({
      apiKey: KEY,
      baseURL: server.url,
      logLevel: 'off',
      rateLimit: { requestsPerMinute: 1, concurrency: 4 },
    });
    await client.submitAsync('fast-flux-schnell', { prompt: 'queue-first' });
    const baseline = activeResources();
    const results = await Promise.allSettled(
      Array.from({ length: 10_000 }, (_, i) =>
        client.run('fast-flux-schnell', { prompt: `queue${i}` }, { timeout: 1_000 }),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const errors = results.map((r) => (r as PromiseRejectedResult).reason as RequestTimeoutError);
    expect(errors.every((e) => e instanceof RequestTimeoutError && e.requestSent === false)).toBe(true);
    expect(submitsOf('queue')).toHaveLength(1);
    expect(await leakedSince(baseline)).toEqual({});
    await client.close();
  }, 60_000);
});
