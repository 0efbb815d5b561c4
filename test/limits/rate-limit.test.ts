import { describe, expect, it } from 'vitest';
import {
  InferenceTimeoutError,
  RequestTimeoutError,
  SegmindClient,
  SegmindError,
  UserAbortError,
} from '../../src/index.js';
import type { MockServer } from '../../src/testing/index.js';
import { useManualClock } from '../support/manual-clock.js';
import { useFakes } from '../support/use-server.js';

const fake = useFakes({ queueTime: 10, jobDuration: 20 });

const prompt = (i: number) => ({ prompt: `p${i}`, width: 512, height: 512 });
const posts = (server: MockServer) => server.requests.filter((r) => r.method === 'POST');
/** Resolves once `condition` holds, checking after each turn of the event loop (no clock involved). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
const warnings = () => {
  const lines: string[] = [];
  const logger = {
    error() {},
    info() {},
    debug() {},
    warn: (line: string): void => {
      lines.push(line);
    },
  };
  return { lines, logger };
};

function client(server: MockServer, rateLimit?: unknown, extra: object = {}) {
  return new SegmindClient({
    apiKey: 'SG_test0000000000000',
    baseURL: server.url,
    logLevel: 'off',
    ...(rateLimit === undefined ? {} : { rateLimit: rateLimit as never }),
    ...extra,
  });
}

describe('rateLimit.requestsPerMinute', () => {
  // A real minute on the manual clock (the fake and rate-limiter-flexible read the same Date): time
  // moves only when the SDK waits, so windows, order and counts are exact on any machine.
  const clock = useManualClock();

  it('sends a burst of N, then the next N when the window ends, with no 429', async () => {
    // Time is moved by hand, only once the fake has counted each burst: the windows are exact.
    clock.autoAdvance(false);
    const server = await fake({ rateLimit: { requestsPerMinute: 3 } });
    const c = client(server, { requestsPerMinute: 3 });
    const calls = Promise.all(Array.from({ length: 8 }, (_, i) => c.runSync('flux-schnell', prompt(i))));
    const sent = (n: number) => until(() => posts(server).length === n && clock.pending > 0);
    await sent(3);
    await clock.advance(59_999);
    expect(posts(server)).toHaveLength(3); // nothing leaves before the window ends
    await clock.advance(60_000);
    await sent(6);
    await clock.advance(120_000);
    const images = await calls;
    expect(images).toHaveLength(8);
    expect(server.rateLimit!.rejected).toBe(0);
    expect(server.rateLimit!.windows.map((w) => w.accepted)).toEqual([3, 3, 2]);
  });

  it('lets queued calls through in the order they were made', async () => {
    const server = await fake();
    const c = client(server, { requestsPerMinute: 1 });
    await Promise.all([0, 1, 2, 3].map((i) => c.runSync('flux-schnell', prompt(i))));
    expect(posts(server).map((r) => (r.json as { prompt: string }).prompt)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('counts only submits by default, so status polls go on while submits wait', async () => {
    const server = await fake({ jobDuration: 50 });
    const c = client(server, { requestsPerMinute: 1 });
    const first = await c.run('fast-flux-schnell', { prompt: 'a' });
    expect(first.status).toBe('COMPLETED');
    clock.autoAdvance(false);
    const controller = new AbortController();
    const second = c.submitAsync('fast-flux-schnell', { prompt: 'b' }, { signal: controller.signal });
    const polled = await c.job(first.request_id as string).status();
    expect(polled.status).toBe('COMPLETED');
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(UserAbortError);
    expect(server.requests.filter((r) => r.path.startsWith('/v2/fast')).length).toBe(1);
  });

  it("with scope: 'all' counts polls too", async () => {
    const server = await fake({ rateLimit: { requestsPerMinute: 2, scope: 'all' } });
    const c = client(server, { requestsPerMinute: 2, scope: 'all' });
    const result = await c.run('fast-flux-schnell', { prompt: 'a' }, { interval: 10, timeout: 600_000 });
    expect(result.status).toBe('COMPLETED');
    expect(server.rateLimit?.rejected).toBe(0);
    for (const w of server.rateLimit?.windows ?? []) expect(w.accepted).toBeLessThanOrEqual(2);
    expect(server.rateLimit?.windows.length).toBeGreaterThanOrEqual(2);
  });

  it('a queued call leaves at once when its signal fires, and is never sent', async () => {
    const server = await fake();
    const c = client(server, { requestsPerMinute: 1 });
    await c.runSync('flux-schnell', prompt(0));
    clock.autoAdvance(false);
    const controller = new AbortController();
    const queued = c.runSync('flux-schnell', prompt(1), { signal: controller.signal });
    await clock.sleeping();
    controller.abort(new Error('user left'));
    const error = await queued.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserAbortError);
    expect((error as UserAbortError).cause).toEqual(new Error('user left'));
    expect(posts(server)).toHaveLength(1);
  });

  it('a queued call past its deadline fails with a timeout error saying nothing was sent', async () => {
    const server = await fake();
    const c = client(server, { requestsPerMinute: 1 });
    await c.runSync('flux-schnell', prompt(0));
    const started = clock.now();
    const error = await c
      .run('fast-flux-schnell', { prompt: 'late' }, { timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).requestSent).toBe(false);
    expect(clock.now() - started).toBe(100);
    expect(posts(server)).toHaveLength(1);
  });

  it("a wait() whose poll is queued past the wait's deadline ends with InferenceTimeoutError", async () => {
    const server = await fake();
    const c = client(server, { requestsPerMinute: 2, scope: 'all' });
    const job = await c.submitAsync('fast-flux-schnell', { prompt: 'a' });
    await job.status(); // the window's second request: the next poll waits for the next window
    const error = await job.wait({ timeout: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InferenceTimeoutError);
    expect((error as InferenceTimeoutError).requestId).toBe(job.requestId);
    expect(server.requests).toHaveLength(2);
  });

  it('withOptions() copies share the limiter', async () => {
    const server = await fake();
    const c = client(server, { requestsPerMinute: 1 });
    const copy = c.withOptions({ maxRetries: 0 });
    await c.runSync('flux-schnell', prompt(0));
    clock.autoAdvance(false);
    const controller = new AbortController();
    const queued = copy.runSync('flux-schnell', prompt(1), { signal: controller.signal });
    await clock.sleeping();
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(UserAbortError);
    expect(posts(server)).toHaveLength(1);
  });
});

describe('rateLimit.concurrency', () => {
  it('caps requests in flight, polls included, used alone', async () => {
    let open = 0;
    let peak = 0;
    const server = await fake({ latency: 40 });
    const c = client(server, { concurrency: 2 });
    const spy = server.requests;
    const origin = spy.push.bind(spy);
    // Count in-flight on the client side: requests the server saw minus answers the client read.
    spy.push = (...items) => {
      open += items.length;
      peak = Math.max(peak, open);
      return origin(...items);
    };
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        c.runSync('flux-schnell', prompt(i)).then(() => {
          open--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe('rateLimit validation', () => {
  it.each([
    [{ requestsPerMinute: 0 }, /requestsPerMinute must be a whole number/],
    [{ requestsPerMinute: 1.5 }, /requestsPerMinute must be a whole number/],
    [{ requestsPerMinute: Number.NaN }, /requestsPerMinute must be a whole number/],
    [{ concurrency: -1 }, /concurrency must be a whole number/],
    [{ requestsPerMinute: 5, scope: 'polls' }, /scope must be 'submits' or 'all'/],
    [{}, /needs requestsPerMinute, concurrency or both/],
    [{ requestsPerMinute: 5, store: {} }, /store must be a store/],
    [5, /rateLimit must be an object/],
  ])('refuses %j at construction', async (rateLimit, message) => {
    const server = await fake();
    expect(() => client(server, rateLimit as never)).toThrow(SegmindError);
    expect(() => client(server, rateLimit as never)).toThrow(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe('the client-wide 429 pause (no rateLimit)', () => {
  // Time moves only when the SDK waits (the fake reads the same clock): the three first calls fall in
  // one window however busy the machine is, and the pause is measured exactly.
  const clock = useManualClock();

  it('holds every request of the client until the reset the server gave, and warns once', async () => {
    const server = await fake({ rateLimit: { requestsPerMinute: 2, window: 2_000 } });
    const { lines, logger } = warnings();
    const c = client(server, undefined, { logLevel: 'warn', logger, maxRetries: 3 });
    await c.runSync('flux-schnell', prompt(0));
    await c.runSync('flux-schnell', prompt(1));
    let other: Promise<unknown> | undefined;
    // The moment the pause starts (the warning), another caller sends a poll-free v1 call.
    logger.warn = (line: string) => {
      lines.push(line);
      other ??= c.runSync('flux-schnell', prompt(9));
    };
    await c.runSync('flux-schnell', prompt(2));
    await other;
    const windows = server.rateLimit!.windows;
    expect(server.rateLimit!.rejected).toBe(1);
    const resetAt = windows[0]!.start + 2_000;
    const first429 = posts(server)[2]!;
    expect((first429.json as { prompt: string }).prompt).toBe('p2');
    // Everything after the 429 arrived once the window had reset: no jitter shortened the wait.
    expect(posts(server).slice(3)).toHaveLength(2);
    for (const r of posts(server).slice(3)) expect(r.at).toBeGreaterThanOrEqual(resetAt);
    expect(clock.now()).toBeGreaterThanOrEqual(resetAt);
    expect(lines.filter((l) => l.includes('429'))).toHaveLength(1);
    expect(lines[0]).toMatch(/after 2 requests that start work[\s\S]*requestsPerMinute: 2/);
  });

  it('a burst of callers turns into one wait: all succeed', async () => {
    const server = await fake({ rateLimit: { requestsPerMinute: 4, window: 400 } });
    const c = client(server, undefined, { maxRetries: 4 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => c.runSync('flux-schnell', prompt(i))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(0);
  });
});
