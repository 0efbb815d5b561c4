import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  InferenceFailedError,
  InferenceTimeoutError,
  InternalServerError,
  type JobStatus,
  NotFoundError,
  RequestTimeoutError,
  UserAbortError,
} from '../../src/index.js';
import { API_KEY, client } from '../support/fixtures.js';
import { polls, scriptedJob } from '../support/job-handlers.js';
import { useManualClock } from '../support/manual-clock.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());
const foreign = useServer(() =>
  serveHandlers(http.all('*', () => HttpResponse.json({ status: 'COMPLETED', output: 'evil' }))),
);
// Deadlines, poll pauses and retry waits run on this clock: time passes only while the SDK waits,
// and requests carry its time in `at`.
const clock = useManualClock();

const fastPolls = { interval: 100 };

describe('submitAsync', () => {
  it('POSTs the parameters to /v2/{model} and returns a job with its request id', async () => {
    server.use(...scriptedJob({ id: 'job-a', steps: ['QUEUED'] }));
    const job = await client(server.url).submitAsync('fast-flux-schnell', {
      prompt: 'car',
      aspect_ratio: '16:9',
    });
    expect(job.requestId).toBe('job-a');
    expect(job.model).toBe('fast-flux-schnell');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v2/fast-flux-schnell' });
    expect(server.requests[0]?.body).toBe('{"prompt":"car","aspect_ratio":"16:9"}');
  });

  it('a 2xx without request_id is an APIError saying what is missing, and is not re-sent', async () => {
    server.use(http.post('*/v2/:model', () => HttpResponse.json({ status: 'QUEUED' })));
    const err = await client(server.url)
      .submitAsync('fast-flux-schnell', { prompt: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/without a request_id/);
    expect((err as APIError).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 submit, never a timed-out one', async () => {
    let n = 0;
    server.use(
      http.post('*/v2/:model', () =>
        n++ === 0
          ? HttpResponse.json({ error: 'busy' }, { status: 503, headers: { 'retry-after': '0' } })
          : HttpResponse.json({ request_id: 'job-r' }),
      ),
    );
    expect((await client(server.url).submitAsync('fast-flux-schnell', { prompt: 'x' })).requestId).toBe(
      'job-r',
    );
    expect(server.requests).toHaveLength(2);

    server.reset();
    server.use(http.post('*/v2/:model', () => new Promise<Response>(() => {})));
    const err = await client(server.url, { timeout: 200 })
      .submitAsync('fast-flux-schnell', { prompt: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as Error).message).toMatch(/billed/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('status and result', () => {
  it('reports QUEUED, PROCESSING and FAILED as statuses, without throwing', async () => {
    server.use(...scriptedJob({ id: 'job-s', steps: ['QUEUED', 'PROCESSING', 'FAILED'] }));
    const job = client(server.url).job('job-s');
    expect((await job.status()).status).toBe('QUEUED');
    expect((await job.status()).status).toBe('PROCESSING');
    const failed = await job.status();
    expect(failed).toMatchObject({ status: 'FAILED', error: 'content blocked', request_id: 'job-s' });
    expect(failed.metrics.inference_time).toBe(0.4);
  });

  it('throws NotFoundError for an unknown or expired job', async () => {
    server.use(
      http.get('*/v2/requests/gone/status', () =>
        HttpResponse.json({ error: 'Request gone not found' }, { status: 404 }),
      ),
    );
    const err = await client(server.url)
      .job('gone')
      .status()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).detail).toBe('Request gone not found');
  });

  it('result() returns the COMPLETED body with unknown keys kept', async () => {
    server.use(...scriptedJob({ id: 'job-c', steps: ['COMPLETED'] }));
    const result = await client(server.url).job('job-c').result();
    expect(result.status).toBe('COMPLETED');
    expect(result.output).toBe('https://images.segmind.example/generations/job-c.jpeg');
    expect(result.seed).toBe(7);
  });

  it('result() of a FAILED job throws InferenceFailedError with requestId, detail and metrics', async () => {
    server.use(
      http.get('*/v2/requests/job-f', () =>
        HttpResponse.json(
          { status: 'FAILED', error: 'NSFW', metrics: { inference_time: 2 }, request_id: 'job-f' },
          { status: 422 },
        ),
      ),
    );
    const err = (await client(server.url)
      .job('job-f')
      .result()
      .catch((e: unknown) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect([err.requestId, err.detail, err.metrics]).toEqual(['job-f', 'NSFW', { inference_time: 2 }]);
  });

  it('a FAILED body is final whatever the HTTP code', async () => {
    server.use(
      http.get('*/v2/requests/job-g', () =>
        HttpResponse.json({ status: 'FAILED', error: 'oom', request_id: 'job-g' }),
      ),
    );
    await expect(client(server.url).job('job-g').result()).rejects.toBeInstanceOf(InferenceFailedError);
  });
});

describe('wait', () => {
  it('checks at once after submit, reports each status change once and in order, then returns the result', async () => {
    server.use(
      ...scriptedJob({ id: 'job-w', steps: ['QUEUED', 'QUEUED', 'PROCESSING', 'PROCESSING', 'COMPLETED'] }),
    );
    const seen: string[] = [];
    const job = await client(server.url).submitAsync('fast-flux-schnell', { prompt: 'x' });
    const result = await job.wait({ ...fastPolls, onStatus: (s: JobStatus) => seen.push(s.status) });
    expect(seen).toEqual(['QUEUED', 'PROCESSING', 'COMPLETED']);
    expect(result.output).toContain('job-w');
    const statusPolls = polls(server.requests, 'job-w');
    expect(statusPolls).toHaveLength(5);
    // No pause before the first check: it comes at the submit's own instant.
    expect(statusPolls[0]!.at).toBe(server.requests[0]!.at);
    expect(server.requests.at(-1)?.path).toBe('/v2/requests/job-w');
  });

  it('throws InferenceFailedError when the job FAILS (422 on the status endpoint)', async () => {
    server.use(...scriptedJob({ id: 'job-x', steps: ['PROCESSING', 'FAILED'] }));
    const err = (await client(server.url)
      .job('job-x')
      .wait(fastPolls)
      .catch((e: unknown) => e)) as InferenceFailedError;
    expect(err).toBeInstanceOf(InferenceFailedError);
    expect(err.requestId).toBe('job-x');
    expect(err.detail).toBe('content blocked');
    expect(err.metrics).toEqual({ inference_time: 0.4 });
  });

  it('throws InferenceTimeoutError with requestId and elapsed past the deadline', async () => {
    server.use(...scriptedJob({ id: 'job-t', steps: ['PROCESSING'] }));
    const started = clock.now();
    const err = (await client(server.url)
      .job('job-t')
      .wait({ timeout: 600, interval: 100 })
      .catch((e: unknown) => e)) as InferenceTimeoutError;
    expect(err).toBeInstanceOf(InferenceTimeoutError);
    expect(err.requestId).toBe('job-t');
    expect(err.elapsed).toBe(600);
    // Checked every 100 ms from the start until the deadline, and not a moment past it.
    expect(polls(server.requests, 'job-t').map((r) => r.at - started)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(clock.now() - started).toBe(600);
  });

  it('the deadline also cuts a status request that stalls', async () => {
    server.use(
      http.get('*/v2/requests/job-st/status', async () => {
        // The wait's 300 ms go by while the request hangs; the request's own timer (real) cuts it.
        await clock.advance(300);
        return new Promise<Response>(() => {});
      }),
    );
    const err = await client(server.url)
      .job('job-st')
      .wait({ timeout: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceTimeoutError);
    expect(polls(server.requests, 'job-st')).toHaveLength(1);
  });

  it('a job that expires mid-poll ends with NotFoundError', async () => {
    server.use(
      ...scriptedJob({
        id: 'job-e',
        steps: ['QUEUED', () => HttpResponse.json({ error: 'Request job-e not found' }, { status: 404 })],
      }),
    );
    await expect(client(server.url).job('job-e').wait(fastPolls)).rejects.toBeInstanceOf(NotFoundError);
    expect(polls(server.requests, 'job-e')).toHaveLength(2);
  });

  it('retries a 503 status poll and respects a 429 Retry-After', async () => {
    server.use(
      ...scriptedJob({
        id: 'job-q',
        steps: [
          () => HttpResponse.json({ error: 'busy' }, { status: 503, headers: { 'retry-after': '0' } }),
          () => HttpResponse.json({ error: 'slow' }, { status: 429, headers: { 'retry-after': '1' } }),
          'COMPLETED',
        ],
      }),
    );
    const result = await client(server.url).job('job-q').wait(fastPolls);
    expect(result.status).toBe('COMPLETED');
    const [, second, third] = polls(server.requests, 'job-q');
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(1000);
    expect(clock.sleeps).toContain(1000);
  });

  it('keeps polling through a status value it does not know', async () => {
    server.use(...scriptedJob({ id: 'job-u', steps: ['WARMING_UP', 'COMPLETED'] }));
    const seen: string[] = [];
    await client(server.url)
      .job('job-u')
      .wait({ ...fastPolls, onStatus: (s) => seen.push(s.status === 'UNKNOWN' ? s.rawStatus : s.status) });
    expect(seen).toEqual(['WARMING_UP', 'COMPLETED']);
  });

  it('an abort during the poll wait stops at once, and no poll is sent after it', async () => {
    clock.autoAdvance(false);
    server.use(...scriptedJob({ id: 'job-ab', steps: ['PROCESSING'] }));
    const controller = new AbortController();
    const waiting = client(server.url)
      .job('job-ab')
      .wait({ interval: 5_000, signal: controller.signal })
      .catch((e: unknown) => e);
    await clock.sleeping();
    controller.abort('stop');
    // Settled with time standing still: it did not wait for the pause or any other timer.
    const err = await waiting;
    expect(err).toBeInstanceOf(UserAbortError);
    expect((err as UserAbortError).cause).toBe('stop');
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(polls(server.requests, 'job-ab')).toHaveLength(1);
  });

  it('uses a fixed interval, or a function of the poll context', async () => {
    server.use(...scriptedJob({ id: 'job-i', steps: ['QUEUED', 'QUEUED', 'QUEUED', 'COMPLETED'] }));
    const contexts: unknown[] = [];
    await client(server.url)
      .job('job-i')
      .wait({
        interval: (ctx) => {
          contexts.push({ ...ctx });
          return 150;
        },
      });
    expect(contexts).toHaveLength(3);
    expect(contexts[0]).toMatchObject({ polls: 1, status: 'QUEUED' });
    expect(contexts[2]).toMatchObject({ polls: 3 });
    const at = polls(server.requests, 'job-i').map((r) => r.at);
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([150, 150, 150]);
  });

  it('the default schedule checks a 2 s job no more than about 5 times', async () => {
    let done = 0;
    server.use(
      http.post('*/v2/:model', () => {
        done = clock.now() + 2000;
        return HttpResponse.json({ request_id: 'job-2s' });
      }),
      http.get('*/v2/requests/job-2s/status', () =>
        HttpResponse.json({ status: clock.now() >= done ? 'COMPLETED' : 'PROCESSING', request_id: 'job-2s' }),
      ),
      http.get('*/v2/requests/job-2s', () =>
        HttpResponse.json({ status: 'COMPLETED', output: 'u', metrics: {} }),
      ),
    );
    await client(server.url).run('fast-flux-schnell', { prompt: 'x' });
    expect(polls(server.requests, 'job-2s').length).toBeLessThanOrEqual(5);
  });
});

describe('origins', () => {
  it('never follows status or result URLs on another origin, and never sends the key there', async () => {
    server.use(
      ...scriptedJob({
        id: 'job-o',
        steps: ['COMPLETED'],
        submit: () => ({
          request_id: 'job-o',
          status_url: `${foreign.url}/v2/requests/job-o/status`,
          response_url: `${foreign.url}/v2/requests/job-o`,
        }),
      }),
    );
    const job = await client(server.url).submitAsync('fast-flux-schnell', { prompt: 'x' });
    const result = await job.wait(fastPolls);
    expect(result.output).toContain('job-o');
    expect(foreign.requests).toHaveLength(0);
    expect(job.toJSON().statusUrl).toBe(`${server.url}/v2/requests/job-o/status`);
  });

  it('follows same-origin URLs as given', async () => {
    server.use(
      http.post('*/v2/:model', ({ request }) =>
        HttpResponse.json({
          request_id: 'job-p',
          status_url: `${new URL(request.url).origin}/custom/status/job-p`,
          response_url: `${new URL(request.url).origin}/custom/result/job-p`,
        }),
      ),
      http.get('*/custom/status/job-p', () =>
        HttpResponse.json({ status: 'COMPLETED', request_id: 'job-p' }),
      ),
      http.get('*/custom/result/job-p', () =>
        HttpResponse.json({ status: 'COMPLETED', output: 'o', metrics: {} }),
      ),
    );
    const job = await client(server.url).submitAsync('fast-flux-schnell', { prompt: 'x' });
    await job.wait();
    expect(server.requests.map((r) => r.path)).toEqual([
      '/v2/fast-flux-schnell',
      '/custom/status/job-p',
      '/custom/result/job-p',
    ]);
  });
});

describe('run and resume', () => {
  it('run() submits and waits under one deadline', async () => {
    server.use(...scriptedJob({ id: 'job-run', steps: ['PROCESSING'] }));
    const started = clock.now();
    const err = (await client(server.url)
      .run('fast-flux-schnell', { prompt: 'x' }, { timeout: 400, interval: 100 })
      .catch((e: unknown) => e)) as InferenceTimeoutError;
    expect(err).toBeInstanceOf(InferenceTimeoutError);
    expect(err.requestId).toBe('job-run');
    // Submit and polls all fit in the 400 ms, on the SDK's clock.
    expect(clock.now() - started).toBe(400);
    expect(server.requests.every((r) => r.at - started <= 400)).toBe(true);
  });

  it('client.job() rebuilds a job from its id or its JSON', async () => {
    server.use(...scriptedJob({ id: 'job-j', steps: ['COMPLETED'] }));
    const c = client(server.url);
    const job = await c.submitAsync('fast-flux-schnell', { prompt: 'x' });
    const json = JSON.parse(JSON.stringify(job));
    expect(json).toEqual({
      requestId: 'job-j',
      model: 'fast-flux-schnell',
      statusUrl: `${server.url}/v2/requests/job-j/status`,
      responseUrl: `${server.url}/v2/requests/job-j`,
      submittedAt: expect.any(Number),
    });
    expect(JSON.stringify(job)).not.toContain(API_KEY);
    expect((await c.job(json).status()).status).toBe('COMPLETED');
    expect((await c.job('job-j').result()).status).toBe('COMPLETED');
    expect(() => c.job('')).toThrow(/request id/);
  });

  it('a status 5xx that outlasts the retries surfaces as InternalServerError', async () => {
    server.use(
      ...scriptedJob({
        id: 'job-5',
        steps: [() => HttpResponse.json({ error: 'down' }, { status: 502, headers: { 'retry-after': '0' } })],
      }),
    );
    await expect(client(server.url).job('job-5').wait(fastPolls)).rejects.toBeInstanceOf(InternalServerError);
    expect(polls(server.requests, 'job-5')).toHaveLength(3);
  });
});
