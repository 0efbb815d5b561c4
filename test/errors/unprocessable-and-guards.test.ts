import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  APIError,
  InferenceFailedError,
  isSegmindError,
  RateLimitError,
  SegmindClient,
  type SegmindError,
  UnprocessableEntityError,
} from '../../src/index.js';
import { API_KEY } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());
const client = () => new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });

const FASTAPI = {
  detail: [
    { loc: ['body', 'steps'], msg: 'ensure this value is less than or equal to 8', type: 'value_error' },
    { loc: ['body', 'width'], msg: 'must be a multiple of 8', type: 'value_error' },
  ],
};

describe('422 on a v1 call or a v2 submit is UnprocessableEntityError', () => {
  it.each([
    ['v1', '*/v1/flux-schnell'],
    ['submit', '*/v2/flux-schnell'],
  ] as const)(
    '%s: a FastAPI detail list is flattened into readable text, not retried',
    async (what, path) => {
      server.use(http.post(path, () => HttpResponse.json(FASTAPI, { status: 422 })));
      const c = client();
      const call =
        what === 'v1'
          ? c.runSync('flux-schnell', { prompt: 'x' })
          : c.submitAsync('flux-schnell', { prompt: 'x' });
      const err = (await call.catch((e: unknown) => e)) as UnprocessableEntityError;
      expect(err).toBeInstanceOf(UnprocessableEntityError);
      expect(err).toBeInstanceOf(APIError);
      expect(err).not.toBeInstanceOf(InferenceFailedError);
      expect(err.name).toBe('UnprocessableEntityError');
      expect(err.status).toBe(422);
      expect(err.detail).toBe(
        'steps: ensure this value is less than or equal to 8; width: must be a multiple of 8',
      );
      expect(err.message).toMatch(/nothing ran/);
      expect(err.body).toEqual(FASTAPI);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('an {"error", "request_id"} body keeps both', async () => {
    server.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json({ error: 'ValidationError', request_id: 'rq-1' }, { status: 422 }),
      ),
    );
    const err = (await client()
      .runSync('flux-schnell', { prompt: 'x' })
      .catch((e: unknown) => e)) as UnprocessableEntityError;
    expect(err).toBeInstanceOf(UnprocessableEntityError);
    expect([err.detail, err.requestId]).toEqual(['ValidationError', 'rq-1']);
  });
});

describe('cross-copy guards', () => {
  // What an error from another copy of the package looks like: same brand, different classes.
  function foreign(err: SegmindError): object {
    const copy = Object.create(Object.prototype) as Record<string | symbol, unknown>;
    for (const key of [...Object.getOwnPropertyNames(err), ...Object.getOwnPropertySymbols(err)]) {
      copy[key] = (err as unknown as Record<string | symbol, unknown>)[key];
    }
    return copy;
  }

  it('isSegmindError(e, name) checks the class chain, across copies', () => {
    const err = foreign(new RateLimitError({ status: 429, headers: {} }));
    expect(err instanceof RateLimitError).toBe(false);
    expect(isSegmindError(err)).toBe(true);
    expect(isSegmindError(err, 'RateLimitError')).toBe(true);
    expect(isSegmindError(err, 'APIError')).toBe(true);
    expect(isSegmindError(err, 'SegmindError')).toBe(true);
    expect(isSegmindError(err, 'InternalServerError')).toBe(false);
    expect(isSegmindError(err, 'ConnectionError')).toBe(false);
  });

  it('is false for look-alikes without the brand', () => {
    const fake = Object.assign(new Error('x'), { name: 'RateLimitError', status: 429 });
    expect(isSegmindError(fake)).toBe(false);
    expect(isSegmindError(fake, 'RateLimitError')).toBe(false);
    expect(isSegmindError(null, 'APIError')).toBe(false);
  });

  it('toJSON has the fields and no stack; inspect shows the class', () => {
    const err = new UnprocessableEntityError({
      status: 422,
      headers: { 'x-request-id': 'r' },
      detail: 'bad',
    });
    const json = err.toJSON();
    expect(json).toMatchObject({
      name: 'UnprocessableEntityError',
      status: 422,
      requestId: 'r',
      detail: 'bad',
    });
    expect(json).not.toHaveProperty('stack');
    expect(inspect(err)).toMatch(/UnprocessableEntityError/);
  });
});
