// The SDK against the answer shapes segmind/testing can play (seen in the official Python SDK's
// tests): each one ends in the result a user expects, not in an error or a wrong value.
import { afterEach, describe, expect, it } from 'vitest';
import { InferenceFailedError, type JobStatus } from '../../src/index.js';
import { createMockServer, type MockServer } from '../../src/testing/index.js';
import { client } from '../support/fixtures.js';
import { useManualClock } from '../support/manual-clock.js';

useManualClock();

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('run() against the fake server’s opt-in shapes', () => {
  it('object outputs, a lagging result and no metrics still give an image', async () => {
    server = await createMockServer({ shapes: { objectOutput: true, resultLag: 2_000, noMetrics: true } });
    const c = client(server.url);
    const result = await c.run('fast-flux-schnell', { prompt: 'a fox' });
    expect(result.output).toEqual({ image_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1/) });
    expect(result.metrics).toBeUndefined();
    const image = await c.download(result);
    expect(image.data.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    // More than one result request: the first ones were answered PROCESSING.
    expect(server.requests.filter((r) => /^\/v2\/requests\/[\w-]+$/.test(r.path)).length).toBeGreaterThan(1);
  });

  it('a base64 object output is decoded without another request', async () => {
    server = await createMockServer({ shapes: { objectOutput: true } });
    const c = client(server.url);
    const result = await c.run('fast-flux-schnell', { prompt: 'a fox', base64: true });
    const before = server.requests.length;
    expect((await c.download(result)).data.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect(server.requests).toHaveLength(before);
  });

  it('a FAILED job answered as 200 without request_id reports the job id', async () => {
    server = await createMockServer({ shapes: { failedAs200: true }, failWhen: () => 'blocked' });
    const c = client(server.url);
    const seen: JobStatus[] = [];
    const job = await c.submitAsync('fast-flux-schnell', { prompt: 'a fox' });
    const err = (await job
      .wait({ onStatus: (s) => seen.push(s) })
      .catch((e: unknown) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect(err.requestId).toBe(job.requestId);
    expect(err.message).toBe(`Job ${job.requestId} failed: blocked`);
    expect(seen.at(-1)).toMatchObject({ status: 'FAILED', error: 'blocked', request_id: job.requestId });
    expect((await job.status()).status).toBe('FAILED');
  });
});
