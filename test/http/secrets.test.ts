import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { type APIError, isSegmindError, SegmindClient, SegmindError } from '../../src/index.js';
import { API_KEY, captureLogs, JPEG } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const api = useServer(() => serveHandlers());
const cdn = useServer(() => serveHandlers());

function everything(err: unknown): string {
  const e = err as APIError;
  return [
    e.message,
    e.stack,
    e.detail,
    JSON.stringify(e.body),
    JSON.stringify(e.headers),
    JSON.stringify(e),
    inspect(e, { depth: 5 }),
  ].join('\n');
}

describe('defaultHeaders go to the API origin only', () => {
  it('a download from another origin, direct or redirected, gets no defaultHeaders and no key', async () => {
    cdn.use(
      http.get('*/out.jpg', () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
    );
    api.use(http.get('*/redirect', () => HttpResponse.redirect(`${cdn.url}/out.jpg`, 302)));
    const c = new SegmindClient({
      apiKey: API_KEY,
      baseURL: api.url,
      logLevel: 'off',
      defaultHeaders: { Authorization: 'Bearer team-secret', 'x-team': 'search' },
    });
    await c.download(`${cdn.url}/out.jpg`, { headers: { 'x-trace': 't1' } });
    await c.download(`${api.url}/redirect`);
    expect(cdn.requests).toHaveLength(2);
    for (const req of cdn.requests) {
      expect(req.headers.authorization).toBeUndefined();
      expect(req.headers['x-team']).toBeUndefined();
      expect(req.headers['x-api-key']).toBeUndefined();
    }
    // Per-call headers go with the call wherever it goes.
    expect(cdn.requests[0]!.headers['x-trace']).toBe('t1');
    // The API's own origin gets them (the redirecting request).
    expect(api.requests[0]!.headers.authorization).toBe('Bearer team-secret');
    expect(api.requests[0]!.headers['x-team']).toBe('search');
  });
});

describe('the key never appears in an error, whatever the path', () => {
  it('is scrubbed from message, detail, body, headers, toJSON and inspect of an error answer', async () => {
    api.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json(
          { error: `bad key ${API_KEY}`, echo: { key: API_KEY } },
          { status: 401, headers: { 'x-echo': API_KEY, 'x-request-id': 'r1' } },
        ),
      ),
    );
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: api.url, logLevel: 'off', maxRetries: 0 });
    const err = await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
    expect(isSegmindError(err, 'AuthenticationError')).toBe(true);
    expect(everything(err)).not.toContain(API_KEY);
    expect((err as APIError).headers['x-echo']).toBe('[redacted]');
  });

  it('is scrubbed from a 200 that is not a usable answer (v1 JSON without an image)', async () => {
    api.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json({ note: `echo ${API_KEY}` }, { headers: { 'x-echo': API_KEY } }),
      ),
    );
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: api.url, logLevel: 'off' });
    const err = await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect(everything(err)).not.toContain(API_KEY);
  });

  it('is scrubbed from a submit answered 200 without a request_id', async () => {
    api.use(http.post('*/v2/flux-schnell', () => HttpResponse.json({ status: `QUEUED ${API_KEY}` })));
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: api.url, logLevel: 'off' });
    const err = await c.submitAsync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect(everything(err)).not.toContain(API_KEY);
  });

  it('is scrubbed from a status body that is not an object and from a result with an odd status', async () => {
    api.use(
      http.get('*/v2/requests/job-1/status', () => HttpResponse.json([`status ${API_KEY}`])),
      http.get('*/v2/requests/job-1', () =>
        HttpResponse.json({ status: `WEIRD ${API_KEY}`, output: null }, { headers: { 'x-echo': API_KEY } }),
      ),
    );
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: api.url, logLevel: 'off', maxRetries: 0 });
    const job = c.job('job-1');
    const statusErr = await job.status().catch((e: unknown) => e);
    expect(statusErr).toBeInstanceOf(SegmindError);
    expect(everything(statusErr)).not.toContain(API_KEY);
    const resultErr = await job.result().catch((e: unknown) => e);
    expect(resultErr).toBeInstanceOf(SegmindError);
    expect(everything(resultErr)).not.toContain(API_KEY);
  });

  it.each(['k', 'ab', 'Zq9'])('redacts a key of %j (shorter than 4 characters) too', async (key) => {
    api.use(
      http.post('*/v1/flux-schnell', () =>
        HttpResponse.json({ error: `invalid key: ${key}`, key }, { status: 500, headers: { 'x-key': key } }),
      ),
    );
    const logs = captureLogs();
    const c = new SegmindClient({
      apiKey: key,
      baseURL: api.url,
      maxRetries: 0,
      logLevel: 'debug',
      logger: logs.logger,
    });
    const err = (await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e)) as APIError;
    expect(err.detail).toBe('invalid key: [redacted]');
    expect(err.headers['x-key']).toBe('[redacted]');
    expect((err.body as { key: string }).key).toBe('[redacted]');
    expect(JSON.stringify(err)).not.toMatch(new RegExp(`\\b${key}\\b`));
    expect(logs.lines.join('\n')).not.toMatch(new RegExp(`\\b${key}\\b`));
  });
});

describe('a key holding " or \\ is redacted in its JSON-escaped form too', () => {
  it.each(['SG_ab"cd\\ef/0123456789', 'SG_"quoted"0123456789', 'SG_back\\slash0123456789'])(
    'when the server echoes %s inside a JSON string',
    async (key) => {
      // A gateway's text answer quoting the upstream JSON: not JSON as a whole, so the SDK keeps it
      // as text, where the key stands escaped (\" and \\, and \/ from some encoders).
      const escaped = JSON.stringify(key).slice(1, -1);
      const body = `upstream refused: {"error":"invalid key ${escaped}","echo":"${escaped.replaceAll('/', '\\/')}"}`;
      api.use(
        http.post(
          '*/v1/flux-schnell',
          () => new HttpResponse(body, { status: 401, headers: { 'content-type': 'text/plain' } }),
        ),
      );
      const c = new SegmindClient({ apiKey: key, baseURL: api.url, logLevel: 'off', maxRetries: 0 });
      const err = (await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e)) as APIError;
      expect(isSegmindError(err, 'AuthenticationError')).toBe(true);
      const text = everything(err);
      expect(text).not.toContain(key);
      expect(text).not.toContain(escaped);
      expect(text).not.toContain(escaped.replaceAll('/', '\\/'));
      expect(err.detail).toContain('[redacted]');
    },
  );
});

describe('loopback means exactly localhost, 127.0.0.0/8 and ::1', () => {
  it.each(['http://anything.localhost:8080', 'http://localhost.example.com', 'http://127.0.0.1.nip.io'])(
    'refuses plain http to %s',
    (baseURL) => {
      expect(() => new SegmindClient({ apiKey: API_KEY, baseURL })).toThrow(SegmindError);
      expect(() => new SegmindClient({ apiKey: API_KEY, baseURL })).toThrow(/https/);
    },
  );

  it.each(['http://localhost:1', 'http://127.255.0.1', 'http://[::1]:2', 'http://127.1'])(
    'accepts plain http to %s',
    (baseURL) => {
      expect(() => new SegmindClient({ apiKey: API_KEY, baseURL })).not.toThrow();
    },
  );
});
