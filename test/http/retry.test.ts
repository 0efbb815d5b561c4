import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { BACKOFF_INITIAL, BACKOFF_MAX, isRetryable, retryDelay } from '../../src/http/retry.js';
import {
  ConnectionError,
  InternalServerError,
  RateLimitError,
  RequestTimeoutError,
  UserAbortError,
} from '../../src/index.js';
import { captureLogs, client, JPEG } from '../support/fixtures.js';
import { useManualClock } from '../support/manual-clock.js';
import { closedPort, serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());
// Retry waits run on this clock: `clock.sleeps` lists them, and requests carry its time in `at`.
const clock = useManualClock();

const image = () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } });

/** Answers with each response in turn, then images. */
function sequence(...responses: Array<() => Response | Promise<Response>>) {
  let i = 0;
  return http.post('*/v1/flux-schnell', () => (responses[i++] ?? image)());
}

const sync = (url: string, options = {}, call = {}) =>
  client(url, options).runSync('flux-schnell', { prompt: 'x' }, call);

describe('retries', () => {
  it.each([429, 500, 502, 503, 504])('retries a %i and returns the image', async (status) => {
    server.use(
      sequence(() => HttpResponse.json({ error: 'busy' }, { status, headers: { 'retry-after': '0' } })),
    );
    const out = await sync(server.url);
    expect(out.data.length).toBe(JPEG.length);
    expect(server.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 406, 422])('never retries a %i', async (status) => {
    server.use(sequence(() => HttpResponse.json({ error: 'no' }, { status })));
    await expect(sync(server.url)).rejects.toMatchObject({ status });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries with the last error', async () => {
    server.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json({ error: 'down' }, { status: 503, headers: { 'retry-after': '0' } }),
      ),
    );
    const err = await sync(server.url, { maxRetries: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(4);
  });

  it('per-call maxRetries wins over the client option', async () => {
    server.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json({ error: 'down' }, { status: 503, headers: { 'retry-after': '0' } }),
      ),
    );
    await expect(sync(server.url, { maxRetries: 5 }, { maxRetries: 0 })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('waits the Retry-After seconds before retrying', async () => {
    server.use(sequence(() => HttpResponse.json({}, { status: 429, headers: { 'retry-after': '1' } })));
    await sync(server.url);
    const [first, second] = server.requests;
    expect(clock.sleeps).toEqual([1000]);
    expect(second!.at - first!.at).toBe(1000);
  });

  it('waits until a Retry-After HTTP date', async () => {
    const at = new Date(Math.ceil((clock.now() + 1500) / 1000) * 1000);
    server.use(
      sequence(() => HttpResponse.json({}, { status: 429, headers: { 'retry-after': at.toUTCString() } })),
    );
    await sync(server.url);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at).toBe(at.getTime());
  });

  it('waits until x-rate-limit-reset-at-utc when there is no Retry-After', async () => {
    const at = new Date(clock.now() + 800);
    server.use(
      sequence(() =>
        HttpResponse.json({}, { status: 429, headers: { 'x-rate-limit-reset-at-utc': at.toISOString() } }),
      ),
    );
    await sync(server.url);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at).toBe(at.getTime());
  });

  it('stops at once when the server asks for more than 60 s, with retryAfter on the error', async () => {
    server.use(
      sequence(() =>
        HttpResponse.json({ error: 'slow down' }, { status: 429, headers: { 'retry-after': '120' } }),
      ),
    );
    const err = (await sync(server.url).catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfter).toBe(120_000);
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 429 without any header with backoff', async () => {
    server.use(sequence(() => HttpResponse.json({}, { status: 429 })));
    await sync(server.url);
    const gap = server.requests[1]!.at - server.requests[0]!.at;
    expect(clock.sleeps).toEqual([gap]);
    expect(gap).toBeGreaterThanOrEqual(BACKOFF_INITIAL * 0.75);
    expect(gap).toBeLessThanOrEqual(BACKOFF_INITIAL * 1.25);
  });

  it('an abort during a retry delay rejects at once with UserAbortError', async () => {
    server.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json({}, { status: 503, headers: { 'retry-after': '30' } }),
      ),
    );
    clock.autoAdvance(false);
    const controller = new AbortController();
    const call = sync(server.url, {}, { signal: controller.signal }).catch((e: unknown) => e);
    await clock.sleeping();
    expect(clock.sleeps).toEqual([30_000]);
    controller.abort(new Error('user left'));
    // Settled with time standing still: the 30 s wait was not sat out.
    const err = await call;
    expect(err).toBeInstanceOf(UserAbortError);
    expect((err as UserAbortError).cause).toEqual(new Error('user left'));
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe('billing safety', () => {
  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    const url = await closedPort();
    const err = await sync(url, { maxRetries: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(false);
    expect((err as Error).message).not.toContain('billed');
  });

  it('retries a POST whose connection was reset before the request was read', async () => {
    server.use(sequence());
    server.resetConnections(1);
    const out = await sync(server.url);
    expect(out.data.length).toBe(JPEG.length);
    expect(server.requests).toHaveLength(1);
  });

  it('never re-sends a POST whose connection broke after it was sent', async () => {
    server.use(http.post('*/v1/flux-schnell', () => HttpResponse.error()));
    const err = (await sync(server.url, { maxRetries: 3 }).catch((e: unknown) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.requestSent).toBe(true);
    expect(err.message).toMatch(/may have been generated and billed/);
    expect(server.requests).toHaveLength(1);
  });

  it('never re-sends a POST that timed out, and says it may have been billed', async () => {
    server.use(
      http.post('*/v1/flux-schnell', async () => {
        await delay('infinite');
        return image();
      }),
    );
    const err = (await sync(server.url, { timeout: 300, maxRetries: 3 }).catch(
      (e: unknown) => e,
    )) as RequestTimeoutError;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err.timeout).toBe(300);
    expect(err.message).toMatch(/may have been generated and billed/);
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a body that stalls half way, without retrying the POST', async () => {
    server.use(
      http.post(
        '*/v1/flux-schnell',
        () =>
          new HttpResponse(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new Uint8Array([0xff, 0xd8]));
              },
            }),
            { headers: { 'content-type': 'image/jpeg' } },
          ),
      ),
    );
    const err = await sync(server.url, { timeout: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it('a per-call timeout wins over the client timeout', async () => {
    server.use(
      http.post('*/v1/flux-schnell', async () => {
        await delay(2000);
        return image();
      }),
    );
    const err = await sync(server.url, { timeout: 60_000 }, { timeout: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as RequestTimeoutError).timeout).toBe(200);
  });

  it('a long call is not cut by undici’s own limits when timeout allows it', async () => {
    server.use(
      http.post('*/v1/flux-schnell', async () => {
        await delay(1200);
        return image();
      }),
    );
    const out = await sync(server.url, { timeout: 5_000 });
    expect(out.data.length).toBe(JPEG.length);
  });

  it('an abort mid-request rejects with UserAbortError and is not retried', async () => {
    server.use(
      http.post('*/v1/flux-schnell', async () => {
        await delay('infinite');
        return image();
      }),
    );
    const err = await sync(server.url, {}, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserAbortError);
    expect(server.requests).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const err = await sync(server.url, {}, { signal: AbortSignal.abort('no') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserAbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('the rule as a table: POSTs retry only when nothing may have run; GETs always', () => {
    const sent = new ConnectionError('x', { requestSent: true });
    const unsent = new ConnectionError('x', { requestSent: false });
    const timeout = new RequestTimeoutError('x', { timeout: 1, requestSent: true });
    const busy = new InternalServerError({ status: 503, headers: {} });
    expect([sent, unsent, timeout, busy].map((e) => isRetryable(e, true))).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect([sent, unsent, timeout, busy].map((e) => isRetryable(e, false))).toEqual([true, true, true, true]);
  });
});

describe('backoff', () => {
  it('doubles from 0.5 s, caps at 8 s and jitters by at most 25 %', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(undefined, n, () => 0.5))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(retryDelay(undefined, 1, () => 0)).toBe(375);
    expect(retryDelay(undefined, 1, () => 1)).toBe(625);
    expect(retryDelay(undefined, 10, () => 1)).toBe(BACKOFF_MAX * 1.25);
  });

  it('prefers the server’s hint, without jitter', () => {
    expect(retryDelay(3000, 1, () => 0)).toBe(3000);
  });
});

describe('logging', () => {
  it('logs one line per attempt at debug, with the decision, never the key', async () => {
    server.use(
      sequence(() => HttpResponse.json({ error: 'busy' }, { status: 503, headers: { 'retry-after': '0' } })),
    );
    const { lines, logger } = captureLogs();
    await sync(server.url, { logLevel: 'debug', logger });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/POST \/v1\/flux-schnell → 503 in \d+ ms; retry 1 in 0 ms/);
    expect(lines[1]).toMatch(/POST \/v1\/flux-schnell → 200 in \d+ ms/);
    expect(lines.join('\n')).not.toContain('SG_0123456789abcdef');
  });

  it('does not also log, at the default level, an error it throws (a POST that may have been billed)', async () => {
    server.use(http.post('*/v1/flux-schnell', () => HttpResponse.error()));
    const { lines, logger } = captureLogs();
    const error = await client(server.url, { logger, logLevel: 'warn' })
      .runSync('flux-schnell', { prompt: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).requestSent).toBe(true);
    expect(lines).toEqual([]);
  });

  it('logs the decision at debug, with a typed reason in words', async () => {
    server.use(http.post('*/v1/flux-schnell', () => HttpResponse.error()));
    const { lines, logger } = captureLogs();
    await client(server.url, { logger, logLevel: 'debug' })
      .runSync('flux-schnell', { prompt: 'x' })
      .catch(() => {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /POST \/v1\/flux-schnell → ConnectionError in \d+ ms; not retried \(may-have-been-billed\)/,
    );
  });

  it('logs nothing at the default level for a successful call', async () => {
    server.use(sequence());
    const { lines, logger } = captureLogs();
    await client(server.url, { logger, logLevel: undefined }).runSync('flux-schnell', { prompt: 'x' });
    expect(lines).toEqual([]);
  });
});
