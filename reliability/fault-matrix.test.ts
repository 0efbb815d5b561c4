// The fault matrix: one row per fault, each asserting the outcome a user sees, how many requests
// the server received, and that nothing that may have been billed was sent twice. The invariants
// (typed errors only, no key anywhere, no leaked handles, no unhandled rejections or warnings)
// are checked on every row.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, HttpResponse, http, type JsonBodyType } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  ConnectionError,
  ImageResult,
  InferenceFailedError,
  InferenceTimeoutError,
  InsufficientCreditsError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  type SegmindClient,
  SegmindError,
} from '../src/index.js';
import { JPEG } from '../test/support/fixtures.js';
import { useManualClock } from '../test/support/manual-clock.js';
import { closedPort, serveHandlers } from '../test/support/msw-server.js';
import { halfThenBreak } from '../test/support/responses.js';
import { useServer } from '../test/support/use-server.js';
import {
  activeResources,
  debugClient,
  type Findings,
  invariantProblems,
  leakedSince,
  saveFindings,
  stopwatch,
} from './support.js';

// Retry waits, poll pauses and deadlines run on a manual clock (time passes only while the SDK
// waits), so the cases that involve them come out the same on a busy machine. Request timeouts stay real.
const clock = useManualClock();

const server = useServer(() => serveHandlers());
const foreign = useServer(() =>
  serveHandlers(http.all('*', () => HttpResponse.json({ status: 'COMPLETED', output: 'foreign' }))),
);
const warnings: string[] = [];
const unhandled: unknown[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('warning', onWarning);
  process.on('unhandledRejection', onUnhandled);
});

const rows: Findings['fault-matrix']['rows'] = [];

afterAll(() => {
  process.off('warning', onWarning);
  process.off('unhandledRejection', onUnhandled);
  saveFindings('fault-matrix', { rows, warnings, unhandled: unhandled.map(String) });
});

const image = () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } });
const json = (body: JsonBodyType, status = 200, headers: Record<string, string> = {}) =>
  HttpResponse.json(body, { status, headers });
const posts = () => server.requests.filter((r) => r.method === 'POST').length;
const sync = (c: SegmindClient) => c.runSync('flux-schnell', { prompt: 'a tiger' });
const submitted = (id: string) => http.post('*/v2/:model', () => json({ request_id: id, status: 'QUEUED' }));

function stalledBody(type: string) {
  return () =>
    new HttpResponse(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array([0xff, 0xd8]));
        },
      }),
      { headers: { 'content-type': type } },
    );
}

interface Case {
  fault: string;
  expected: string;
  /** Client options beyond the defaults (maxRetries 2, debug logging). */
  options?: Parameters<typeof debugClient>[2];
  setup?: () => void | Promise<void>;
  act: (client: SegmindClient) => Promise<unknown>;
  /** Asserts on what the user got and what the server saw. */
  verify: (outcome: unknown) => void | Promise<void>;
}

const cases: Case[] = [
  {
    fault: 'connection refused (POST v1)',
    expected: 'ConnectionError, requestSent false, retried (nothing was sent)',
    setup: async () => {
      refusedURL = await closedPort();
    },
    act: (c) => c.withOptions({ baseURL: refusedURL }).runSync('flux-schnell', { prompt: 'x' }),
    verify: (e) => {
      expect(e).toBeInstanceOf(ConnectionError);
      expect((e as ConnectionError).requestSent).toBe(false);
      expect(server.requests).toHaveLength(0);
    },
  },
  {
    fault: 'reset before the request was sent (POST v1)',
    expected: 'retried, then the image',
    setup: () => {
      server.use(http.post('*/v1/flux-schnell', image));
      server.resetConnections(1);
    },
    act: sync,
    verify: (r) => {
      expect(r).toBeInstanceOf(ImageResult);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'reset after the request was sent (POST v1)',
    expected: 'ConnectionError, requestSent true, "may have been billed", not re-sent',
    setup: () => server.use(http.post('*/v1/flux-schnell', () => HttpResponse.error())),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(ConnectionError);
      expect((e as ConnectionError).requestSent).toBe(true);
      expect((e as Error).message).toMatch(/billed/);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'reset mid-body (POST v1, 200 image)',
    expected: 'ConnectionError, requestSent true, not re-sent',
    setup: () => server.use(http.post('*/v1/flux-schnell', halfThenBreak(256 * 1024, 'image/jpeg'))),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(ConnectionError);
      expect((e as ConnectionError).requestSent).toBe(true);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'reset mid-body (GET status poll)',
    expected: 'retried (GETs are safe), then the status',
    setup: () => {
      let n = 0;
      server.use(
        http.get('*/v2/requests/mid/status', () =>
          n++ === 0
            ? halfThenBreak(64 * 1024, 'application/json')()
            : json({ status: 'PROCESSING', request_id: 'mid' }),
        ),
      );
    },
    act: (c) => c.job('mid').status(),
    verify: (r) => {
      expect((r as { status: string }).status).toBe('PROCESSING');
      expect(server.requests).toHaveLength(2);
    },
  },
  {
    fault: 'stalled headers (POST v1)',
    expected: 'RequestTimeoutError, not re-sent',
    options: { timeout: 300 },
    setup: () => server.use(http.post('*/v1/flux-schnell', () => delay('infinite').then(image))),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(RequestTimeoutError);
      expect((e as RequestTimeoutError).timeout).toBe(300);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'stalled body (POST v1)',
    expected: 'RequestTimeoutError, not re-sent',
    options: { timeout: 300 },
    setup: () => server.use(http.post('*/v1/flux-schnell', stalledBody('image/jpeg'))),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(RequestTimeoutError);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'stalled headers (GET status), every attempt',
    expected: 'RequestTimeoutError after 1 + 2 retries',
    options: { timeout: 200 },
    setup: () =>
      server.use(http.get('*/v2/requests/slow/status', () => delay('infinite').then(() => json({})))),
    act: (c) => c.job('slow').status(),
    verify: (e) => {
      expect(e).toBeInstanceOf(RequestTimeoutError);
      expect(server.requests).toHaveLength(3);
    },
  },
  {
    fault: 'truncated JSON on a 200 submit',
    expected: 'APIError (no request_id), not re-sent',
    setup: () =>
      server.use(
        http.post(
          '*/v2/:model',
          () => new HttpResponse('{"request_id": "abc', { headers: { 'content-type': 'application/json' } }),
        ),
      ),
    act: (c) => c.submitAsync('fast-flux-schnell', { prompt: 'x' }),
    verify: (e) => {
      expect(e).toBeInstanceOf(APIError);
      expect((e as APIError).status).toBe(200);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'invalid JSON on a 200 status poll',
    expected: 'APIError status 200 with an excerpt',
    setup: () => server.use(http.get('*/v2/requests/bad/status', () => new HttpResponse('<<not json>>'))),
    act: (c) => c.job('bad').status(),
    verify: (e) => {
      expect(e).toBeInstanceOf(APIError);
      expect((e as APIError).detail).toContain('<<not json>>');
    },
  },
  {
    fault: 'HTML 502 page on every attempt (POST v1)',
    expected: 'InternalServerError with the page title, after retries (nothing billed)',
    setup: () =>
      server.use(
        http.post(
          '*/v1/flux-schnell',
          () =>
            new HttpResponse(
              '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>',
              {
                status: 502,
                headers: { 'content-type': 'text/html', 'retry-after': '0' },
              },
            ),
        ),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(InternalServerError);
      expect((e as APIError).detail).toBe('502 Bad Gateway nginx');
      expect(posts()).toBe(3);
    },
  },
  {
    fault: 'a 50 MiB error body',
    expected: 'InternalServerError, detail ≤ 500 chars, body read only in part',
    options: { maxRetries: 0 },
    setup: () => {
      hugeSent = 0;
      server.use(
        http.post('*/v1/flux-schnell', () => {
          const chunk = new Uint8Array(1024 * 1024).fill(0x41);
          return new HttpResponse(
            new ReadableStream({
              pull(controller) {
                if (hugeSent >= 50) return controller.close();
                hugeSent++;
                controller.enqueue(chunk);
              },
            }),
            { status: 500 },
          );
        }),
      );
    },
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(InternalServerError);
      expect((e as APIError).detail!.length).toBeLessThanOrEqual(501);
      expect(hugeSent).toBeLessThan(50);
    },
  },
  {
    fault: 'wrong content type: 200 text/html for an image model',
    expected: 'APIError (no image; the body is kept), not re-sent',
    setup: () =>
      server.use(
        http.post(
          '*/v1/flux-schnell',
          () => new HttpResponse('<html>ok</html>', { headers: { 'content-type': 'text/html' } }),
        ),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(APIError);
      expect((e as APIError).body).toBe('<html>ok</html>');
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'wrong content type: 200 application/octet-stream with JPEG bytes',
    expected: 'the image, its type sniffed',
    setup: () =>
      server.use(
        http.post(
          '*/v1/flux-schnell',
          () => new HttpResponse(JPEG, { headers: { 'content-type': 'application/octet-stream' } }),
        ),
      ),
    act: sync,
    verify: (r) => {
      expect((r as ImageResult).contentType).toBe('application/octet-stream');
      expect((r as ImageResult).data.length).toBe(JPEG.length);
    },
  },
  {
    fault: '429 storm with Retry-After: 0',
    expected: 'RateLimitError after 1 + 2 retries',
    setup: () =>
      server.use(
        http.post('*/v1/flux-schnell', () => json({ error: 'slow down' }, 429, { 'retry-after': '0' })),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(RateLimitError);
      expect((e as RateLimitError).retryAfter).toBe(0);
      expect(posts()).toBe(3);
    },
  },
  {
    fault: '429 storm with x-rate-limit-reset-at-utc 150 ms ahead',
    expected: 'RateLimitError after 1 + 2 retries, each waiting for the reset',
    setup: () =>
      server.use(
        http.post('*/v1/flux-schnell', () =>
          json({ error: 'limit' }, 429, {
            'x-rate-limit-reset-at-utc': new Date(clock.now() + 150).toISOString(),
          }),
        ),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(RateLimitError);
      expect(posts()).toBe(3);
      const [a, b] = server.requests;
      expect(b!.at - a!.at).toBeGreaterThanOrEqual(100);
    },
  },
  {
    fault: 'Retry-After beyond the 60 s cap',
    expected: 'RateLimitError at once with retryAfter 120000, not retried',
    setup: () =>
      server.use(
        http.post('*/v1/flux-schnell', () => json({ error: 'later' }, 429, { 'retry-after': '120' })),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(RateLimitError);
      expect((e as RateLimitError).retryAfter).toBe(120_000);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'Retry-After beyond the wait() deadline (status poll)',
    expected: 'RateLimitError at once, not waited for',
    setup: () =>
      server.use(
        http.get('*/v2/requests/rl/status', () => json({ error: 'later' }, 429, { 'retry-after': '5' })),
      ),
    act: (c) => c.job('rl').wait({ timeout: 1_000 }),
    verify: (e) => {
      expect(e).toBeInstanceOf(RateLimitError);
      expect((e as RateLimitError).retryAfter).toBe(5_000);
      expect(server.requests).toHaveLength(1);
    },
  },
  {
    fault: 'flapping 5xx (503, 200, 503, …)',
    expected: 'the image after one retry',
    setup: () => {
      let n = 0;
      server.use(
        http.post('*/v1/flux-schnell', () =>
          n++ % 2 === 0 ? json({ error: 'x' }, 503, { 'retry-after': '0' }) : image(),
        ),
      );
    },
    act: sync,
    verify: (r) => {
      expect(r).toBeInstanceOf(ImageResult);
      expect(posts()).toBe(2);
    },
  },
  {
    fault: 'submit answer without request_id',
    expected: 'APIError naming request_id, not re-sent',
    setup: () => server.use(http.post('*/v2/:model', () => json({ status: 'QUEUED' }))),
    act: (c) => c.submitAsync('fast-flux-schnell', { prompt: 'x' }),
    verify: (e) => {
      expect(e).toBeInstanceOf(APIError);
      expect((e as Error).message).toMatch(/request_id/);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: 'job stuck in PROCESSING past the deadline',
    expected: 'InferenceTimeoutError with requestId and elapsed',
    setup: () => {
      server.use(
        submitted('stuck'),
        http.get('*/v2/requests/stuck/status', () => json({ status: 'PROCESSING', request_id: 'stuck' })),
      );
    },
    act: (c) => c.run('fast-flux-schnell', { prompt: 'x' }, { timeout: 500, interval: 100 }),
    verify: (e) => {
      expect(e).toBeInstanceOf(InferenceTimeoutError);
      expect((e as InferenceTimeoutError).requestId).toBe('stuck');
      expect((e as InferenceTimeoutError).elapsed).toBe(500);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: '404 in the middle of polling (job expired)',
    expected: 'NotFoundError',
    setup: () => {
      let n = 0;
      server.use(
        http.get('*/v2/requests/gone/status', () =>
          n++ < 2
            ? json({ status: 'QUEUED', request_id: 'gone' })
            : json({ error: 'Request gone not found' }, 404),
        ),
      );
    },
    act: (c) => c.job('gone').wait({ interval: 100 }),
    verify: (e) => {
      expect(e).toBeInstanceOf(NotFoundError);
      expect(server.requests).toHaveLength(3);
    },
  },
  {
    fault: '422 FAILED',
    expected: 'InferenceFailedError with requestId, detail and metrics',
    setup: () =>
      server.use(
        http.get('*/v2/requests/f/status', () =>
          json({ status: 'FAILED', error: 'NSFW', metrics: { inference_time: 1 }, request_id: 'f' }, 422),
        ),
      ),
    act: (c) => c.job('f').wait(),
    verify: (e) => {
      expect(e).toBeInstanceOf(InferenceFailedError);
      expect([(e as InferenceFailedError).requestId, (e as InferenceFailedError).detail]).toEqual([
        'f',
        'NSFW',
      ]);
      expect((e as InferenceFailedError).metrics).toEqual({ inference_time: 1 });
    },
  },
  {
    fault: 'an unknown status value, then COMPLETED',
    expected: 'keeps polling, then the result',
    setup: () => {
      let n = 0;
      server.use(
        http.get('*/v2/requests/u/status', () =>
          json({ status: n++ < 2 ? 'WARMING' : 'COMPLETED', request_id: 'u' }),
        ),
        http.get('*/v2/requests/u', () => json({ status: 'COMPLETED', output: 'o', metrics: {} })),
      );
    },
    act: (c) => c.job('u').wait({ interval: 100 }),
    verify: (r) => {
      expect((r as { output: string }).output).toBe('o');
      expect(server.requests).toHaveLength(4);
    },
  },
  {
    fault: 'status and result URLs on a foreign origin',
    expected: 'built from request_id instead; the foreign origin gets nothing',
    setup: () =>
      server.use(
        http.post('*/v2/:model', () =>
          json({
            request_id: 'fo',
            status_url: `${foreign.url}/v2/requests/fo/status`,
            response_url: `${foreign.url}/v2/requests/fo`,
          }),
        ),
        http.get('*/v2/requests/fo/status', () => json({ status: 'COMPLETED', request_id: 'fo' })),
        http.get('*/v2/requests/fo', () => json({ status: 'COMPLETED', output: 'local', metrics: {} })),
      ),
    act: (c) => c.run('fast-flux-schnell', { prompt: 'x' }),
    verify: (r) => {
      expect((r as { output: string }).output).toBe('local');
      expect(foreign.requests).toHaveLength(0);
    },
  },
  {
    fault: 'a download that breaks half way',
    expected: 'ConnectionError after retries; no file, no temp file left',
    setup: () => {
      downloadDir = mkdtempSync(join(tmpdir(), 'segmind-rel-'));
      server.use(http.get('*/out/broken.png', halfThenBreak(512 * 1024, 'image/png')));
    },
    act: (c) => c.downloadToFile(`${server.url}/out/broken.png`, join(downloadDir, 'x.png')),
    verify: (e) => {
      expect(e).toBeInstanceOf(ConnectionError);
      expect(server.requests).toHaveLength(3);
      expect(readdirSync(downloadDir)).toEqual([]);
    },
  },
  {
    fault: '401 missing or invalid key',
    expected: 'AuthenticationError, not retried',
    setup: () =>
      server.use(
        http.post('*/v1/flux-schnell', () =>
          json({ error: 'Missing Authorization or x-api-key in header' }, 401),
        ),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(posts()).toBe(1);
    },
  },
  {
    fault: '406 insufficient credits (plain text)',
    expected: 'InsufficientCreditsError with the text, not retried',
    setup: () =>
      server.use(
        http.post('*/v1/flux-schnell', () => new HttpResponse('Insufficient credits', { status: 406 })),
      ),
    act: sync,
    verify: (e) => {
      expect(e).toBeInstanceOf(InsufficientCreditsError);
      expect((e as APIError).detail).toBe('Insufficient credits');
    },
  },
  {
    fault: 'the server echoes the key in its error',
    expected: 'the key is redacted from detail, message and body',
    setup: () =>
      server.use(
        http.post('*/v1/flux-schnell', ({ request }) =>
          json({ error: `bad key ${request.headers.get('x-api-key')}` }, 400),
        ),
      ),
    act: sync,
    verify: (e) => {
      expect((e as APIError).detail).toBe('bad key [redacted]');
    },
  },
];

let refusedURL = '';
let hugeSent = 0;
let downloadDir = '';

describe('fault matrix', () => {
  it('has at least 24 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(24);
  });

  it.each(cases)('$fault → $expected', async (c) => {
    server.reset();
    foreign.reset();
    const baseline = activeResources();
    await c.setup?.();
    const logs: string[] = [];
    const client = debugClient(server.url, logs, c.options);
    const took = stopwatch();
    let outcome: unknown;
    try {
      outcome = await c.act(client);
    } catch (err) {
      outcome = err;
    }
    const ms = Math.round(took());
    await client.close();
    rows.push({
      fault: c.fault,
      expected: c.expected,
      observed:
        outcome instanceof SegmindError
          ? `${outcome.name}: ${outcome.message.slice(0, 140)}`
          : outcome instanceof ImageResult
            ? `image, ${outcome.data.length} bytes`
            : `ok: ${JSON.stringify(outcome).slice(0, 80)}`,
      requests: server.requests.length,
      posts: posts(),
      ms,
    });
    await c.verify(outcome);
    expect(invariantProblems(outcome, logs)).toEqual([]);
    expect(await leakedSince(baseline)).toEqual({});
    expect(unhandled).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
