// Section 6: many jobs under one account's limit, against the fake enforcing N requests per
// (scaled) window like Segmind's 429s. Counts come from the fake's own window log. These are counts
// of behaviour, not speed: they run the sources (through tsx), where the project's internal factory
// shortens the rate limit's minute to the bench's window (no option of the package reaches it).
import { createClientWithInternals, SegmindClient } from '../src/client.js';
import * as Testing from '../src/testing/index.js';
import { startRedis } from '../test/support/redis.js';
import { ROOT, runChild } from './support.js';

const { createMockServer } = Testing;

export interface WindowFigures {
  jobs: number;
  failed: number;
  rejected429: number;
  /** Mean accepted per full window (the last, partial one left out), and its ratio to N. */
  perWindow: number;
  ratio: number;
  /** Most requests (accepted + 429) the fake saw in one window. */
  maxAttempts: number;
  windows: number;
  wallMs: number;
}

function figures(
  log: Testing.MockRateLimitLog,
  jobs: number,
  failed: number,
  n: number,
  wallMs: number,
): WindowFigures {
  const windows = log.windows;
  const full = windows.length > 1 ? windows.slice(0, -1) : windows;
  const perWindow = full.reduce((s, w) => s + w.accepted, 0) / Math.max(1, full.length);
  return {
    jobs,
    failed,
    rejected429: log.rejected,
    perWindow,
    ratio: perWindow / n,
    maxAttempts: Math.max(0, ...windows.map((w) => w.accepted + w.rejected)),
    windows: windows.length,
    wallMs,
  };
}

/** 200 jobs through batch() with rateLimit vs a naive Promise.all(run()) with default retries. */
export async function measureBatch(
  jobs: number,
  n: number,
  windowMs: number,
): Promise<{ batch: WindowFigures; naive: WindowFigures }> {
  const params = Array.from({ length: jobs }, (_, i) => ({ prompt: `job ${i}` }));
  const fake = () =>
    createMockServer({
      queueTime: 50,
      jobDuration: 200,
      rateLimit: { requestsPerMinute: n, window: windowMs },
    });

  const warm = await createMockServer({});
  const server = await fake();
  try {
    const client = createClientWithInternals(
      {
        apiKey: 'SG_bench0000000000000',
        baseURL: server.url,
        logLevel: 'off',
        rateLimit: { requestsPerMinute: n, concurrency: 16 },
      },
      { rateLimitWindowMs: windowMs },
    );
    // Modules loaded and a connection open first, as in a long-running service.
    await client
      .withOptions({ baseURL: warm.url })
      .runSync('flux-schnell', { prompt: 'warm', width: 512, height: 512 });
    const started = performance.now();
    const items = await client.batch('fast-flux-schnell', params, { concurrency: 16 }).all();
    const batch = figures(
      server.rateLimit!,
      jobs,
      items.filter((i) => !i.ok).length,
      n,
      performance.now() - started,
    );

    const naiveServer = await fake();
    try {
      const naiveClient = new SegmindClient({
        apiKey: 'SG_bench0000000000000',
        baseURL: naiveServer.url,
        logLevel: 'off',
      });
      const t = performance.now();
      const results = await Promise.allSettled(params.map((p) => naiveClient.run('fast-flux-schnell', p)));
      const naive = figures(
        naiveServer.rateLimit!,
        jobs,
        results.filter((r) => r.status === 'rejected').length,
        n,
        performance.now() - t,
      );
      return { batch, naive };
    } finally {
      await naiveServer.close();
    }
  } finally {
    await server.close();
    await warm.close();
  }
}

/** `processes` processes sharing one Redis limit; undefined when redis-server is not installed. */
export async function measureShared(
  jobs: number,
  n: number,
  windowMs: number,
  processes: number,
): Promise<WindowFigures | undefined> {
  const redis = await startRedis();
  if (!redis) return undefined;
  const server = await createMockServer({
    queueTime: 50,
    jobDuration: 200,
    rateLimit: { requestsPerMinute: n, window: windowMs },
  });
  try {
    const per = Math.ceil(jobs / processes);
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: processes }, (_, p) =>
        runChild<{ items: number; failed: number }>(`${ROOT}bench/limits-child.ts`, [
          server.url,
          String(redis.port),
          String(n),
          String(windowMs),
          String(per),
          `p${p}`,
        ]),
      ),
    );
    const failed = runs.reduce((s, r) => s + r.failed, 0);
    return figures(server.rateLimit!, per * processes, failed, n, performance.now() - started);
  } finally {
    await server.close();
    await redis.stop();
  }
}
