import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InferenceFailedError,
  InferenceTimeoutError,
  InsufficientCreditsError,
  InternalServerError,
  isSegmindError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  SegmindError,
  UnprocessableEntityError,
  UserAbortError,
  ValidationError,
} from '../src/index.js';
import { API_KEY, client } from './support/fixtures.js';
import { serveHandlers } from './support/msw-server.js';
import { useServer } from './support/use-server.js';

const server = useServer(() => serveHandlers());

async function failWith(response: () => Response) {
  server.use(http.post('*/v1/flux-schnell', response));
  return client(server.url, { maxRetries: 0 })
    .runSync('flux-schnell', { prompt: 'x' })
    .then(
      () => {
        throw new Error('expected a rejection');
      },
      (e: unknown) => e as APIError,
    );
}

describe('error answers', () => {
  it.each([
    [400, BadRequestError, 'BadRequestError'],
    [401, AuthenticationError, 'AuthenticationError'],
    [403, PermissionDeniedError, 'PermissionDeniedError'],
    [404, NotFoundError, 'NotFoundError'],
    [406, InsufficientCreditsError, 'InsufficientCreditsError'],
    [422, UnprocessableEntityError, 'UnprocessableEntityError'],
    [429, RateLimitError, 'RateLimitError'],
    [500, InternalServerError, 'InternalServerError'],
    [502, InternalServerError, 'InternalServerError'],
    [503, InternalServerError, 'InternalServerError'],
    [504, InternalServerError, 'InternalServerError'],
    [405, APIError, 'APIError'],
    [410, APIError, 'APIError'],
  ] as const)('maps %i to %s with status, detail, requestId and headers', async (status, Class, name) => {
    const err = await failWith(() =>
      HttpResponse.json(
        { error: `problem ${status}` },
        { status, headers: { 'x-request-id': `rid-${status}` } },
      ),
    );
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toBeInstanceOf(SegmindError);
    expect(err.name).toBe(name);
    expect(err.status).toBe(status);
    expect(err.detail).toBe(`problem ${status}`);
    expect(err.requestId).toBe(`rid-${status}`);
    expect(err.headers['x-request-id']).toBe(`rid-${status}`);
    expect(err.message).toContain(`problem ${status}`);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps a short readable excerpt of an HTML error page', async () => {
    const html = `<html><head><title>502 Bad Gateway</title><style>b{}</style></head><body><h1>502 Bad Gateway</h1>${'<p>x</p>'.repeat(2000)}</body></html>`;
    const err = await failWith(
      () => new HttpResponse(html, { status: 502, headers: { 'content-type': 'text/html' } }),
    );
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.detail?.startsWith('502 Bad Gateway')).toBe(true);
    expect(err.detail).not.toContain('<');
    expect(err.detail!.length).toBeLessThanOrEqual(501);
  });

  it('keeps a plain-text 406 message', async () => {
    const err = await failWith(() => new HttpResponse('Invalid content type', { status: 406 }));
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect(err.detail).toBe('Invalid content type');
  });

  it('scrubs the key from anything the server echoed', async () => {
    const err = await failWith(() =>
      HttpResponse.json({ error: `bad key ${API_KEY} and SG_fedcba9876543210` }, { status: 401 }),
    );
    expect(err.detail).toBe('bad key [redacted] and SG_[redacted]');
    expect(JSON.stringify(err.body)).not.toContain(API_KEY);
    expect(err.message).not.toContain(API_KEY);
    expect(inspect(err, { depth: 5 })).not.toContain(API_KEY);
  });

  it('reads at most a bounded excerpt of a huge error body', async () => {
    const chunk = 'y'.repeat(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50) return controller.close();
        sent++;
        controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const err = await failWith(() => new HttpResponse(stream, { status: 500 }));
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.detail!.length).toBeLessThanOrEqual(501);
    expect(sent).toBeLessThan(50);
  });

  it('a 422 on a v1 call is UnprocessableEntityError (refused, nothing ran), not a failed job', async () => {
    const err = (await failWith(() =>
      HttpResponse.json(
        { status: 'FAILED', error: 'NSFW content', metrics: { inference_time: 1.5 }, request_id: 'job-9' },
        { status: 422 },
      ),
    )) as UnprocessableEntityError;
    expect(err).toBeInstanceOf(UnprocessableEntityError);
    expect(err).not.toBeInstanceOf(InferenceFailedError);
    expect(err.requestId).toBe('job-9');
    expect(err.detail).toBe('NSFW content');
  });
});

describe('the error hierarchy', () => {
  it('has literal names and the documented parents', () => {
    expect(new ValidationError('m', []).name).toBe('ValidationError');
    expect(new ConnectionError('c', { requestSent: false }).name).toBe('ConnectionError');
    const timeout = new RequestTimeoutError('t', { timeout: 5, requestSent: true });
    expect(timeout).toBeInstanceOf(ConnectionError);
    expect(timeout.name).toBe('RequestTimeoutError');
    expect(timeout.timeout).toBe(5);
    const waited = new InferenceTimeoutError('job-1', 1234);
    expect(waited).toBeInstanceOf(SegmindError);
    expect(waited).not.toBeInstanceOf(APIError);
    expect([waited.requestId, waited.elapsed, waited.name]).toEqual(['job-1', 1234, 'InferenceTimeoutError']);
    const abort = new UserAbortError('why');
    expect([abort.name, abort.cause]).toEqual(['UserAbortError', 'why']);
    for (const Class of [ValidationError, ConnectionError, InferenceTimeoutError, UserAbortError]) {
      expect(Object.getPrototypeOf(Class)).toBe(SegmindError);
    }
  });

  it('isSegmindError recognises errors by brand, not by class identity', () => {
    expect(isSegmindError(new NotFoundError({ status: 404, headers: {} }))).toBe(true);
    expect(isSegmindError(new Error('x'))).toBe(false);
    expect(isSegmindError(null)).toBe(false);
    expect(isSegmindError({ name: 'SegmindError' })).toBe(false);
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for('segmind.SegmindError'), { value: true });
    expect(isSegmindError(foreign)).toBe(true);
  });
});
