import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  ImageResult,
  InferenceFailedError,
  InternalServerError,
  NotFoundError,
  RequestTimeoutError,
  SegmindClient,
} from '../../src/index.js';
import { createMockServer, pngSize, sizeForAspectRatio } from '../../src/testing/index.js';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() =>
  createMockServer({
    queueTime: 60,
    jobDuration: 200,
    failWhen: (p) => (p.prompt === 'bad' ? 'blocked' : undefined),
  }),
);
// The fake's job timeline reads `Date`, the SDK's pauses read the clock: both are this one, so a job
// is seen in each state however slow the machine.
const clock = useManualClock();
let c: SegmindClient;
beforeAll(() => {
  c = new SegmindClient({ apiKey: 'SG_test0000000000000', baseURL: server.url, logLevel: 'off' });
});
afterAll(() => c.close());

const post = (path: string, body: string, headers: Record<string, string>) =>
  request(`${server.url}${path}`, { method: 'POST', body, headers });

describe('v1 on the fake server', () => {
  it('answers with a real PNG of the requested size and the credit headers', async () => {
    const image = await c.runSync('flux-schnell', { prompt: 'a tiger', width: 640, height: 512 });
    expect(pngSize(image.data)).toEqual({ width: 640, height: 512 });
    expect(image.contentType).toBe('image/png');
    expect(image.cost).toBe(0.008);
    expect(image.seed).toBe(123456789);
    expect(typeof image.remainingCredits).toBe('number');
    expect(image.requestId).toMatch(/^[\w-]{36}$/);
  });

  it('is deterministic for a prompt and seed, and differs for another seed', async () => {
    const a = await c.runSync('flux-schnell', { prompt: 'p', width: 512, height: 512, seed: 1 });
    const b = await c.runSync('flux-schnell', { prompt: 'p', width: 512, height: 512, seed: 1 });
    const d = await c.runSync('flux-schnell', { prompt: 'p', width: 512, height: 512, seed: 2 });
    expect(Buffer.compare(a.data, b.data)).toBe(0);
    expect(Buffer.compare(a.data, d.data)).not.toBe(0);
  });

  it.each(['1:1', '16:9', '21:9', '2:3', '9:21'] as const)(
    'sizes aspect ratio %s at about one megapixel',
    async (ratio) => {
      const image = await c.runSync('fast-flux-schnell', { prompt: 'x', aspect_ratio: ratio });
      const size = pngSize(image.data)!;
      expect(size).toEqual(sizeForAspectRatio(ratio));
      expect(size.width % 8).toBe(0);
      expect(size.height % 8).toBe(0);
      const [w, h] = ratio.split(':').map(Number) as [number, number];
      expect(Math.abs(size.width / size.height - w / h)).toBeLessThan(0.02);
      expect(Math.abs(size.width * size.height - 1024 * 1024) / (1024 * 1024)).toBeLessThan(0.03);
    },
  );

  it('answers {"image": base64} when base64 is true', async () => {
    const res = await post('/v1/fast-flux-schnell', '{"prompt":"x","base64":true}', {
      'x-api-key': 'k',
      'content-type': 'application/json',
    });
    const body = (await res.body.json()) as { image: string };
    expect(res.headers['content-type']).toContain('application/json');
    expect(pngSize(Buffer.from(body.image, 'base64'))).toEqual({ width: 1024, height: 1024 });
  });

  it('refuses a missing key (401), a wrong content type (406, text) and a missing prompt (400)', async () => {
    const noKey = await post('/v1/flux-schnell', '{"prompt":"x"}', { 'content-type': 'application/json' });
    expect([noKey.statusCode, await noKey.body.json()]).toEqual([
      401,
      { error: 'Missing Authorization or x-api-key in header' },
    ]);
    const wrongType = await post('/v1/flux-schnell', '{"prompt":"x"}', {
      'x-api-key': 'k',
      'content-type': 'text/plain',
    });
    expect([wrongType.statusCode, await wrongType.body.text()]).toEqual([406, 'Invalid content type']);
    const noPrompt = await post('/v1/flux-schnell', '{}', {
      'x-api-key': 'k',
      'content-type': 'application/json',
    });
    expect(noPrompt.statusCode).toBe(400);
    await noPrompt.body.dump();
  });

  it('checks a configured key', async () => {
    const strict = await createMockServer({ apiKey: 'SG_right' });
    const wrong = new SegmindClient({ apiKey: 'SG_wrong', baseURL: strict.url });
    await expect(wrong.runSync('flux-schnell', { prompt: 'x' })).rejects.toBeInstanceOf(AuthenticationError);
    await strict.close();
  });

  it('answers a bad value with 500 on v1, like the real API (on v2 the job FAILS)', async () => {
    const err = await c
      .runSync('flux-schnell', { prompt: 'x', steps: 20 }, { validate: false, maxRetries: 0 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.detail).toMatch(/steps/);
    const job = await c.submitAsync('fast-flux-schnell', { prompt: 'x', steps: 20 }, { validate: false });
    await expect(job.wait({ interval: 50 })).rejects.toBeInstanceOf(InferenceFailedError);
  });
});

describe('v2 on the fake server', () => {
  it('runs a job through QUEUED, PROCESSING and COMPLETED, and serves its output', async () => {
    const seen: string[] = [];
    const result = await c.run(
      'fast-flux-schnell',
      { prompt: 'x', aspect_ratio: '16:9' },
      { interval: 40, onStatus: (s) => seen.push(s.status) },
    );
    expect(seen).toEqual(['QUEUED', 'PROCESSING', 'COMPLETED']);
    expect(result.metrics?.inference_time).toBeCloseTo(0.2, 1);
    const image = await c.download(result.output as string);
    expect(pngSize(image.data)).toEqual(sizeForAspectRatio('16:9'));
  });

  it('returns base64 output when asked', async () => {
    const result = await c.run('fast-flux-schnell', { prompt: 'x', base64: true }, { interval: 50 });
    expect(pngSize(Buffer.from(result.output as string, 'base64'))).toEqual({ width: 1024, height: 1024 });
  });

  it('fails jobs with the FAILED body on a 422', async () => {
    const job = await c.submitAsync('fast-flux-schnell', { prompt: 'bad' });
    const err = (await job.wait({ interval: 50 }).catch((e) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect([err.status, err.detail, err.requestId]).toEqual([422, 'blocked', job.requestId]);
    expect((await job.status()).status).toBe('FAILED');
  });

  it('forgets jobs after the retention time (404)', async () => {
    const short = await createMockServer({ retention: 150, jobDuration: 10, queueTime: 0 });
    const sc = new SegmindClient({ apiKey: 'k', baseURL: short.url });
    const job = await sc.submitAsync('fast-flux-schnell', { prompt: 'x' });
    expect((await job.status()).request_id).toBe(job.requestId);
    await clock.advance(149);
    expect((await job.status()).request_id).toBe(job.requestId);
    await clock.advance(1);
    await expect(job.status()).rejects.toBeInstanceOf(NotFoundError);
    await short.close();
  });
});

describe('fault injection and the request log', () => {
  it('answers the next N matching requests with a given status, then normally', async () => {
    server.inject({
      match: { method: 'POST', path: '/v1/flux-schnell' },
      times: 2,
      status: 503,
      body: { error: 'busy' },
      headers: { 'retry-after': '0' },
    });
    const image = await c.runSync('flux-schnell', { prompt: 'x' }, { maxRetries: 2 });
    expect(image).toBeInstanceOf(ImageResult);
    expect(server.requests.map((r) => r.path)).toEqual([
      '/v1/flux-schnell',
      '/v1/flux-schnell',
      '/v1/flux-schnell',
    ]);
  });

  it('only faults matching requests', async () => {
    server.inject({ match: { path: /status$/ }, status: 500 });
    await c.runSync('flux-schnell', { prompt: 'x' }, { maxRetries: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('stalls a request (a timeout for the client)', async () => {
    server.inject({ stall: true });
    await expect(c.runSync('flux-schnell', { prompt: 'x' }, { timeout: 150 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
  });

  it('resets a connection after reading the request', async () => {
    server.inject({ reset: true });
    const err = (await c.runSync('flux-schnell', { prompt: 'x' }).catch((e) => e)) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.requestSent).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('delays an answer: too late for a shorter timeout, else a normal answer', async () => {
    // The client's 100 ms timer starts before the fake's 250 ms one, so it always fires first.
    server.inject({ delay: 250 });
    await expect(
      c.runSync('flux-schnell', { prompt: 'x' }, { timeout: 100, maxRetries: 0 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
    server.inject({ delay: 250 });
    expect(await c.runSync('flux-schnell', { prompt: 'x' })).toBeInstanceOf(ImageResult);
    expect(server.requests).toHaveLength(2);
  });

  it('records every request with headers and parsed body', async () => {
    await c.runSync('flux-schnell', { prompt: 'logged', steps: 2 });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/flux-schnell',
      json: { prompt: 'logged', steps: 2 },
      headers: { 'x-api-key': 'SG_test0000000000000', 'content-type': 'application/json' },
    });
  });
});
