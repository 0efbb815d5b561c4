import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  InferenceFailedError,
  InferenceTimeoutError,
  type JobStatus,
  SegmindError,
} from '../../src/index.js';
import { client } from '../support/fixtures.js';
import { polls, scriptedJob } from '../support/job-handlers.js';
import { useManualClock } from '../support/manual-clock.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());
// Poll pauses and deadlines run on this clock: time passes only while the SDK waits.
const clock = useManualClock();

const OUTPUT = 'https://images.segmind.example/generations/out.jpeg';
const results = (id: string) => server.requests.filter((r) => r.path === `/v2/requests/${id}`);

describe('a FAILED job always reports its own id', () => {
  it('a 200 {"status":"FAILED"} status without request_id: InferenceFailedError.requestId is the job id', async () => {
    server.use(
      ...scriptedJob({ id: 'job-f1', steps: [() => HttpResponse.json({ status: 'FAILED', error: 'nsfw' })] }),
    );
    const err = (await client(server.url)
      .job('job-f1')
      .wait()
      .catch((e: unknown) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect(err.requestId).toBe('job-f1');
    expect(err.detail).toBe('nsfw');
    expect(err.message).toBe('Job job-f1 failed: nsfw');
  });

  it('a 422 with an x-request-id header reports the job id, not the header', async () => {
    const failed = () =>
      HttpResponse.json(
        { status: 'FAILED', error: 'blocked', metrics: { inference_time: 0.5 } },
        { status: 422, headers: { 'x-request-id': 'hdr-123' } },
      );
    server.use(...scriptedJob({ id: 'job-f2', steps: [failed] }));
    server.use(http.get('*/v2/requests/job-f2', failed));
    const job = client(server.url).job('job-f2');
    const fromWait = (await job.wait().catch((e: unknown) => e)) as InferenceFailedError;
    const fromResult = (await job.result().catch((e: unknown) => e)) as InferenceFailedError;
    for (const err of [fromWait, fromResult]) {
      expect(err).toBeInstanceOf(InferenceFailedError);
      expect(err.requestId).toBe('job-f2');
      expect(err.message).toBe('Job job-f2 failed: blocked');
      expect(err.metrics).toEqual({ inference_time: 0.5 });
    }
  });

  it('a 200 FAILED result body without request_id: result() throws with the job id', async () => {
    server.use(http.get('*/v2/requests/job-f3', () => HttpResponse.json({ status: 'FAILED' })));
    const err = (await client(server.url)
      .job('job-f3')
      .result()
      .catch((e: unknown) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect(err.requestId).toBe('job-f3');
    expect(err.message).not.toMatch(/Job {2}failed/);
    expect(err.message).toContain('job-f3');
  });
});

describe('status() never throws for a FAILED job', () => {
  it.each([
    ['over 64 KB', 100_000],
    ['over 1 MB (cut short when read)', 3_000_000],
  ])('returns FAILED for a 422 body %s', async (_, size) => {
    const reason = 'x'.repeat(size);
    server.use(
      http.get('*/v2/requests/job-big/status', () =>
        HttpResponse.json({ status: 'FAILED', error: reason, request_id: 'job-big' }, { status: 422 }),
      ),
    );
    const status = await client(server.url).job('job-big').status();
    expect(status.status).toBe('FAILED');
    expect(status.request_id).toBe('job-big');
    if (status.status === 'FAILED') expect(status.error.length).toBeGreaterThan(0);
  });

  it('returns FAILED, with the reason in error, for a 200 FAILED body without request_id', async () => {
    server.use(
      http.get('*/v2/requests/job-s2/status', () => HttpResponse.json({ status: 'FAILED', error: 'nsfw' })),
    );
    expect(await client(server.url).job('job-s2').status()).toEqual({
      status: 'FAILED',
      error: 'nsfw',
      request_id: 'job-s2',
      metrics: {},
    });
  });
});

describe('a result that lags the status', () => {
  it('status COMPLETED while the result still says PROCESSING: fetched again with a short backoff, not an error', async () => {
    let asked = 0;
    server.use(...scriptedJob({ id: 'job-lag', steps: ['COMPLETED'] }));
    server.use(
      http.get('*/v2/requests/job-lag', () =>
        ++asked < 3
          ? HttpResponse.json({ status: 'PROCESSING', request_id: 'job-lag' })
          : HttpResponse.json({ status: 'COMPLETED', output: OUTPUT, metrics: { inference_time: 1 } }),
      ),
    );
    const result = await client(server.url).job('job-lag').wait();
    expect(result.output).toBe(OUTPUT);
    expect(results('job-lag')).toHaveLength(3);
    expect(polls(server.requests, 'job-lag')).toHaveLength(1);
    // Short pauses that grow, between the three result requests.
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('a result that never comes ends with InferenceTimeoutError at the deadline, keeping the id', async () => {
    server.use(...scriptedJob({ id: 'job-lag2', steps: ['COMPLETED'] }));
    server.use(http.get('*/v2/requests/job-lag2', () => HttpResponse.json({ status: 'PROCESSING' })));
    const err = (await client(server.url)
      .job('job-lag2')
      .wait({ timeout: 5_000 })
      .catch((e: unknown) => e)) as InferenceTimeoutError;
    expect(err).toBeInstanceOf(InferenceTimeoutError);
    expect(err.requestId).toBe('job-lag2');
    expect(err.elapsed).toBe(5_000);
    expect(results('job-lag2').length).toBeGreaterThan(3);
  });

  it('result() on a job still running says so with a SegmindError and points at wait()', async () => {
    server.use(http.get('*/v2/requests/job-run', () => HttpResponse.json({ status: 'QUEUED' })));
    const err = await client(server.url)
      .job('job-run')
      .result()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toMatch(/no result yet \(status QUEUED\).*wait\(\)/);
  });
});

describe('result shapes, checked rather than cast', () => {
  it('a result without metrics resolves, with metrics left out', async () => {
    server.use(
      ...scriptedJob({ id: 'job-nm', steps: ['COMPLETED'], result: { status: 'COMPLETED', output: OUTPUT } }),
    );
    const result = await client(server.url).job('job-nm').wait();
    expect(result).toEqual({ status: 'COMPLETED', output: OUTPUT });
    expect('metrics' in result).toBe(false);
  });

  it('an object output is kept as sent', async () => {
    const output = { image_url: OUTPUT, seed: 3 };
    server.use(
      ...scriptedJob({ id: 'job-obj', steps: ['COMPLETED'], result: { status: 'COMPLETED', output, x: 1 } }),
    );
    expect(await client(server.url).job('job-obj').result()).toEqual({ status: 'COMPLETED', output, x: 1 });
  });

  it.each([
    ['no output', { status: 'COMPLETED', metrics: {} }],
    ['a null output', { status: 'COMPLETED', output: null }],
    ['a number output', { status: 'COMPLETED', output: 7 }],
  ])('a COMPLETED result with %s is an APIError with the job id, not a wrong value', async (_, body) => {
    server.use(http.get('*/v2/requests/job-bad', () => HttpResponse.json(body)));
    const err = (await client(server.url)
      .job('job-bad')
      .result()
      .catch((e: unknown) => e)) as APIError;
    expect(err).toBeInstanceOf(APIError);
    expect(err.status).toBe(200);
    expect(err.requestId).toBe('job-bad');
    expect(err.message).toMatch(/no usable output/);
  });

  it('metrics that are not an object are dropped; inference_time is a number', async () => {
    server.use(
      http.get('*/v2/requests/job-m1', () =>
        HttpResponse.json({ status: 'COMPLETED', output: OUTPUT, metrics: null }),
      ),
      http.get('*/v2/requests/job-m2', () =>
        HttpResponse.json({
          status: 'COMPLETED',
          output: OUTPUT,
          metrics: { inference_time: '2.5', gpu: 'a100' },
        }),
      ),
    );
    const c = client(server.url);
    expect((await c.job('job-m1').result()).metrics).toBeUndefined();
    expect((await c.job('job-m2').result()).metrics).toEqual({ inference_time: 2.5, gpu: 'a100' });
  });

  it('a status body that is not a JSON object is an APIError naming the job', async () => {
    server.use(http.get('*/v2/requests/job-nj/status', () => HttpResponse.text('["QUEUED"]')));
    const err = (await client(server.url)
      .job('job-nj')
      .status()
      .catch((e: unknown) => e)) as APIError;
    expect(err).toBeInstanceOf(APIError);
    expect(err.requestId).toBe('job-nj');
    expect(err.message).toMatch(/status of job job-nj .*not a JSON object/);
  });
});

describe('JobStatus, discriminated on status', () => {
  it('an unknown status is reported as UNKNOWN with rawStatus kept, and polled on until it ends', async () => {
    server.use(...scriptedJob({ id: 'job-u', steps: ['WARMING_UP', 'WARMING_UP', 'COMPLETED'] }));
    const seen: JobStatus[] = [];
    const result = await client(server.url)
      .job('job-u')
      .wait({ interval: 100, onStatus: (s) => seen.push(s) });
    expect(result.status).toBe('COMPLETED');
    expect(seen.map((s) => s.status)).toEqual(['UNKNOWN', 'COMPLETED']);
    expect(seen[0]).toMatchObject({ status: 'UNKNOWN', rawStatus: 'WARMING_UP', request_id: 'job-u' });
    expect(polls(server.requests, 'job-u')).toHaveLength(3);
  });

  it('an unknown status until the deadline ends in InferenceTimeoutError naming the raw status', async () => {
    server.use(...scriptedJob({ id: 'job-u2', steps: ['WARMING_UP'] }));
    const err = (await client(server.url)
      .job('job-u2')
      .wait({ timeout: 2_000, interval: 500 })
      .catch((e: unknown) => e)) as InferenceTimeoutError;
    expect(err).toBeInstanceOf(InferenceTimeoutError);
    expect(err.lastStatus).toBe('WARMING_UP');
    expect(polls(server.requests, 'job-u2')).toHaveLength(4);
  });

  it('a FAILED status carries its reason in error; a pending one has none', async () => {
    server.use(...scriptedJob({ id: 'job-d', steps: ['QUEUED', 'FAILED'] }));
    const job = client(server.url).job('job-d');
    expect(await job.status()).toEqual({ status: 'QUEUED', request_id: 'job-d', metrics: {} });
    const failed = await job.status();
    expect(failed).toMatchObject({ status: 'FAILED', error: 'content blocked', request_id: 'job-d' });
  });
});
