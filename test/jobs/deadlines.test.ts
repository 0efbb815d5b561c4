import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { InferenceTimeoutError, SegmindError } from '../../src/index.js';
import { client } from '../support/fixtures.js';
import { polls, scriptedJob } from '../support/job-handlers.js';
import { useManualClock } from '../support/manual-clock.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());
const clock = useManualClock();

const BAD_DURATIONS: unknown[] = [-1, 0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 3e9, '1000'];

describe('run() counts its deadline from before the submit', () => {
  it('InferenceTimeoutError.elapsed from run() includes the time the submit took', async () => {
    server.use(...scriptedJob({ id: 'job-slow', steps: ['PROCESSING'] }));
    // The submit takes 5 s of SDK time; the job never ends.
    server.use(
      http.post('*/v2/:model', async () => {
        await clock.advance(5_000);
        return HttpResponse.json({ request_id: 'job-slow', status: 'QUEUED' });
      }),
    );
    const started = clock.now();
    const err = (await client(server.url)
      .run('fast-flux-schnell', { prompt: 'x' }, { timeout: 8_000, interval: 1_000 })
      .catch((e: unknown) => e)) as InferenceTimeoutError;
    expect(err).toBeInstanceOf(InferenceTimeoutError);
    expect(err.requestId).toBe('job-slow');
    expect(err.elapsed).toBe(8_000);
    expect(clock.now() - started).toBe(8_000);
    // Polls at 5 s, 6 s and 7 s after the start, none at or past the deadline.
    expect(polls(server.requests, 'job-slow').map((r) => r.at - started)).toEqual([5_000, 6_000, 7_000]);
  });

  it('a wait() counts from its own start', async () => {
    server.use(...scriptedJob({ id: 'job-w', steps: ['QUEUED'] }));
    const err = (await client(server.url)
      .job('job-w')
      .wait({ timeout: 3_000, interval: 1_000 })
      .catch((e: unknown) => e)) as InferenceTimeoutError;
    expect(err.elapsed).toBe(3_000);
    expect(polls(server.requests, 'job-w')).toHaveLength(3);
  });
});

describe('per-call durations of wait() and run() are checked before anything is sent', () => {
  it.each(BAD_DURATIONS)(
    'wait({ timeout: %s }) is a SegmindError naming timeout, with no request',
    async (value) => {
      const err = await client(server.url)
        .job('job-x')
        .wait({ timeout: value as number })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SegmindError);
      expect((err as Error).message).toMatch(
        /timeout must be a finite number of milliseconds > 0 and ≤ 2147483647/,
      );
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each(BAD_DURATIONS)(
    'a numeric interval of %s is a SegmindError naming interval, with no request',
    async (value) => {
      const err = await client(server.url)
        .job('job-x')
        .wait({ interval: value as number })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SegmindError);
      expect((err as Error).message).toMatch(/interval must be/);
      expect(server.requests).toHaveLength(0);
    },
  );

  it.each([
    [{ timeout: -1 }, /timeout/],
    [{ timeout: Number.POSITIVE_INFINITY }, /timeout/],
    [{ interval: 3e9 }, /interval/],
  ])('run(…, %o) sends no submit (nothing is billed)', async (options, message) => {
    server.use(...scriptedJob({ id: 'job-r', steps: ['COMPLETED'] }));
    const err = await client(server.url)
      .run('fast-flux-schnell', { prompt: 'x' }, options)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it('the largest timer value and a function interval are accepted', async () => {
    server.use(...scriptedJob({ id: 'job-ok', steps: ['QUEUED', 'COMPLETED'] }));
    const result = await client(server.url)
      .job('job-ok')
      .wait({ timeout: 2_147_483_647, interval: () => 3_000 });
    expect(result.status).toBe('COMPLETED');
    expect(clock.sleeps).toEqual([3_000]);
  });
});
