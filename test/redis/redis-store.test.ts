import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientWithInternals } from '../../src/client.js';
import { SegmindClient } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import { createMockServer } from '../../src/testing/index.js';
import { ROOT, runScript } from '../support/child.js';
import { type LocalRedis, startRedis } from '../support/redis.js';

let redis: LocalRedis | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const prompts = (n: number, tag = 'p') => Array.from({ length: n }, (_, i) => ({ prompt: `${tag}${i}` }));
const logCollector = () => {
  const lines: string[] = [];
  const logger = {
    error() {},
    debug() {},
    info: (l: string) => lines.push(l),
    warn: (l: string) => lines.push(l),
  };
  return { lines, logger };
};

describe.skipIf(
  !process.env.CI && !(await import('node:child_process')).spawnSync('redis-server', ['--version']).stdout,
)('redisStore (real redis-server)', () => {
  it('two clients, one on ioredis and one on node-redis, share one budget', async () => {
    const server = await createMockServer({
      queueTime: 5,
      jobDuration: 10,
      rateLimit: { requestsPerMinute: 3, window: 1_000 },
    });
    const io = new Redis(redis!.port, '127.0.0.1');
    const nr = createClient({ url: redis!.url });
    await nr.connect();
    try {
      const make = (r: object) =>
        createClientWithInternals(
          {
            apiKey: 'SG_test0000000000000',
            baseURL: server.url,
            logLevel: 'off',
            rateLimit: {
              requestsPerMinute: 3,
              store: redisStore(r, { prefix: 'test:share' }),
            },
          },
          { rateLimitWindowMs: 1_000 },
        );
      // Warm up on another fake so the measured windows are not skewed by a cold start.
      const warm = await createMockServer();
      await new SegmindClient({ apiKey: 'SG_test0000000000000', baseURL: warm.url, logLevel: 'off' }).runSync(
        'flux-schnell',
        { prompt: 'warm', width: 512, height: 512 },
      );
      await warm.close();
      await Promise.all([io.ping(), nr.ping()]);
      const [a, b] = [make(io), make(nr)];
      const [ra, rb] = await Promise.all([
        a.batch('fast-flux-schnell', prompts(5, 'a')).all(),
        b.batch('fast-flux-schnell', prompts(4, 'b')).all(),
      ]);
      expect([...ra, ...rb].filter((i) => !i.ok)).toHaveLength(0);
      const windows = server.rateLimit!.windows;
      for (const w of windows) expect(w.accepted + w.rejected).toBeLessThanOrEqual(4);
      expect(server.rateLimit!.rejected).toBeLessThanOrEqual(1);
      expect(windows.length).toBeGreaterThanOrEqual(3);
    } finally {
      io.disconnect();
      await nr.quit();
      await server.close();
    }
  });

  it('Redis down mid-batch: nothing fails, one warning, the shared limit resumes when it is back', async () => {
    const server = await createMockServer({ queueTime: 5, jobDuration: 10 });
    const io = new Redis(redis!.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    io.on('error', () => {});
    const { lines, logger } = logCollector();
    const client = createClientWithInternals(
      {
        apiKey: 'SG_test0000000000000',
        baseURL: server.url,
        logLevel: 'info',
        logger,
        rateLimit: {
          requestsPerMinute: 4,
          store: redisStore(io, { prefix: 'test:outage' }),
        },
      },
      { rateLimitWindowMs: 1_000 },
    );
    try {
      let killed: Promise<void> | undefined;
      const items = await client
        .batch('fast-flux-schnell', prompts(16), {
          onProgress: (p) => {
            // Redis dies once the first window's items are done: the other three windows run without it.
            if (p.succeeded + p.failed === 4) killed ??= redis!.kill();
          },
        })
        .all();
      await killed;
      expect(items.filter((i) => !i.ok)).toHaveLength(0);
      expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(16);
      expect(lines.filter((l) => /Redis is unreachable/.test(l))).toHaveLength(1);
      // Back: the next call past the probe interval finds it and the shared limit applies again.
      const ready = new Promise((resolve) => io.once('ready', resolve));
      await redis!.restart();
      // ioredis reconnects on its own schedule (up to 2 s apart); once it has, the next call past
      // the probe interval (1 s) finds Redis. Calls go on until one does, however slow the machine.
      await ready;
      for (let i = 0; !lines.some((l) => /Redis is reachable again/.test(l)); i++) {
        await client.submitAsync('fast-flux-schnell', { prompt: `after${i}` });
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(lines.some((l) => /Redis is reachable again/.test(l))).toBe(true);
      expect(lines.filter((l) => /Redis is unreachable/.test(l))).toHaveLength(1);
      // The shared limit applies again: the next call takes its turn from Redis, not from memory.
      const commands: string[] = [];
      const send = io.sendCommand.bind(io);
      io.sendCommand = ((...args: Parameters<typeof send>) => {
        commands.push(args[0].name);
        return send(...args);
      }) as typeof io.sendCommand;
      await client.submitAsync('fast-flux-schnell', { prompt: 'shared again' });
      expect(commands).not.toEqual([]);
    } finally {
      io.disconnect();
      await server.close();
    }
  }, 30_000);

  it('a process too busy to read the answer in time is not taken for a Redis outage', async () => {
    const server = await createMockServer({ queueTime: 5, jobDuration: 10 });
    const io = new Redis(redis!.port, '127.0.0.1');
    const { lines, logger } = logCollector();
    const client = createClientWithInternals(
      {
        apiKey: 'SG_test0000000000000',
        baseURL: server.url,
        logLevel: 'info',
        logger,
        rateLimit: {
          requestsPerMinute: 100,
          store: redisStore(io, { prefix: 'test:busy' }),
        },
      },
      { rateLimitWindowMs: 60_000 },
    );
    try {
      await client.submitAsync('fast-flux-schnell', { prompt: 'cold' });
      // The next command to Redis is answered at once, but this process is busy (a CPU-bound
      // stretch longer than the store's 1 s timeout) before it reads the answer: the timer is due
      // before the socket is read. That is a slow process, not an outage.
      let stall = true;
      const send = io.sendCommand.bind(io);
      io.sendCommand = ((...args: Parameters<typeof send>) => {
        const sent = send(...args);
        if (stall) {
          stall = false;
          // Blocks this thread for 1.3 s (a stalled event loop) without reading the clock.
          setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_300));
        }
        return sent;
      }) as typeof io.sendCommand;
      await client.submitAsync('fast-flux-schnell', { prompt: 'busy' });
      expect(stall).toBe(false);
      expect(lines.filter((l) => /Redis is unreachable/.test(l))).toEqual([]);
    } finally {
      io.disconnect();
      await server.close();
    }
  });

  it('three processes share one limit: never more than N+1 per window, nothing fails', async () => {
    const server = await createMockServer({
      queueTime: 5,
      jobDuration: 10,
      rateLimit: { requestsPerMinute: 4, window: 2_000 },
    });
    const script = `
        import { Redis } from 'ioredis';
        import { SegmindClient } from 'segmind';
        import { redisStore } from 'segmind/redis';
        import { createClientWithInternals } from '${ROOT}src/client.ts';
        const redis = new Redis(Number(process.argv[1]), '127.0.0.1');
        // Warm up on another fake first (modules loaded, Redis connected): a cold first request
        // reaches the server late under load, and the server's window then opens out of step.
        await new SegmindClient({ apiKey: 'SG_test0000000000000', baseURL: process.argv[4], logLevel: 'off' })
          .runSync('flux-schnell', { prompt: 'warm', width: 512, height: 512 });
        await redis.ping();
        const client = createClientWithInternals({
          apiKey: 'SG_test0000000000000', baseURL: process.argv[2], logLevel: 'off',
          rateLimit: { requestsPerMinute: 4, store: redisStore(redis, { prefix: 'test:procs' }) },
        }, { rateLimitWindowMs: 2000 });
        const items = await client.batch('fast-flux-schnell', Array.from({ length: 4 }, (_, i) => ({ prompt: process.argv[3] + i }))).all();
        console.log(JSON.stringify({ failed: items.filter((i) => !i.ok).length }));
        redis.disconnect();
      `;
    const warm = await createMockServer();
    try {
      const runs = await Promise.all(
        ['x', 'y', 'z'].map((tag) =>
          runScript(script, [String(redis!.port), server.url, tag, warm.url], 60_000),
        ),
      );
      for (const run of runs) {
        expect(run.stderr).toBe('');
        expect(JSON.parse(run.stdout.trim())).toEqual({ failed: 0 });
      }
      const windows = server.rateLimit!.windows;
      expect(windows.reduce((n, w) => n + w.accepted, 0)).toBe(12);
      for (const w of windows) expect(w.accepted + w.rejected).toBeLessThanOrEqual(5);
    } finally {
      await server.close();
      await warm.close();
    }
  }, 90_000);
});
