import { afterEach, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  InferenceFailedError,
  InternalServerError,
  SegmindClient,
  UnprocessableEntityError,
} from '../../src/index.js';
import { createMockServer, type MockServer, type MockServerOptions } from '../../src/testing/index.js';

const KEY = 'SG_fake0000000000000';
let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: MockServerOptions = {}) {
  server = await createMockServer({ queueTime: 0, jobDuration: 20, ...options });
  const client = new SegmindClient({ apiKey: KEY, baseURL: server.url, logLevel: 'off' });
  return { server, client };
}

async function raw(s: MockServer, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a bad value on v1', () => {
  it('is a 500 by default, like the real API, which the SDK retries as a 5xx', async () => {
    const { server, client } = await start();
    const err = await client
      .runSync('flux-schnell', { prompt: 'x', steps: 20 }, { validate: false, maxRetries: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).detail).toMatch(/steps/);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('is a 400 with badValueStatus: 400, not retried', async () => {
    const { server, client } = await start({ badValueStatus: 400 });
    const err = await client
      .runSync('flux-schnell', { prompt: 'x', steps: 20 }, { validate: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('opt-in shapes from the Python SDK tests', () => {
  it.each([
    ['detail', 'steps: '],
    ['error', 'ValidationError'],
  ] as const)('unprocessable: %s → 422 on v1 and on submit, nothing runs', async (shape, text) => {
    const { server, client } = await start({ shapes: { unprocessable: shape } });
    for (const call of [
      () => client.runSync('flux-schnell', { prompt: 'x', steps: 20 }, { validate: false }),
      () => client.submitAsync('flux-schnell', { prompt: 'x', steps: 20 }, { validate: false }),
    ]) {
      const err = (await call().catch((e: unknown) => e)) as UnprocessableEntityError;
      expect(err).toBeInstanceOf(UnprocessableEntityError);
      expect(err.detail).toContain(text);
    }
    expect(server.jobs.size).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('failedAs200: a FAILED job answers 200 without request_id, and the SDK still reports the job id', async () => {
    const { server, client } = await start({ shapes: { failedAs200: true }, failWhen: () => 'blocked' });
    const job = await client.submitAsync('fast-flux-schnell', { prompt: 'x' });
    const status = await until(
      () => raw(server, `/v2/requests/${job.requestId}/status`),
      (s) => s.body.status === 'FAILED',
    );
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ status: 'FAILED', error: 'blocked' });
    const err = (await job.wait({ interval: 10 }).catch((e: unknown) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect(err.requestId).toBe(job.requestId);
    expect(err.detail).toBe('blocked');
  });

  it('objectOutput: output is {"image_url"} (or {"image"} with base64)', async () => {
    const { server, client } = await start({ shapes: { objectOutput: true } });
    const job = await client.submitAsync('fast-flux-schnell', { prompt: 'x' });
    const result = await until(
      () => raw(server, `/v2/requests/${job.requestId}`),
      (r) => r.body.status === 'COMPLETED',
    );
    expect(result.body.output).toEqual({ image_url: `${server.url}/outputs/${job.requestId}.png` });
    const b64 = await client.submitAsync('fast-flux-schnell', { prompt: 'x', base64: true });
    const answer = await until(
      () => raw(server, `/v2/requests/${b64.requestId}`),
      (r) => r.body.status === 'COMPLETED',
    );
    expect(Object.keys(answer.body.output as object)).toEqual(['image']);
  });

  it('resultLag: the result still says PROCESSING after the status said COMPLETED', async () => {
    const { server, client } = await start({ shapes: { resultLag: 60_000 } });
    const job = await client.submitAsync('fast-flux-schnell', { prompt: 'x' });
    await until(
      () => raw(server, `/v2/requests/${job.requestId}/status`),
      (s) => s.body.status === 'COMPLETED',
    );
    const result = await raw(server, `/v2/requests/${job.requestId}`);
    expect(result.body.status).toBe('PROCESSING');
  });

  it('noMetrics: results and final statuses come without metrics', async () => {
    const { server, client } = await start({ shapes: { noMetrics: true } });
    const job = await client.submitAsync('fast-flux-schnell', { prompt: 'x' });
    const result = await until(
      () => raw(server, `/v2/requests/${job.requestId}`),
      (r) => r.body.status === 'COMPLETED',
    );
    expect(result.body).not.toHaveProperty('metrics');
    expect(typeof result.body.output).toBe('string');
  });
});
