import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SegmindClient, SegmindError } from '../src/index.js';
import { runScript } from './support/child.js';
import { API_KEY, client, JPEG } from './support/fixtures.js';
import { serveHandlers } from './support/msw-server.js';
import { useServer } from './support/use-server.js';

const server = useServer(() =>
  serveHandlers(
    http.post(
      '*/v1/flux-schnell',
      () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } }),
    ),
  ),
);
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('SegmindClient construction', () => {
  it('fails at construction, naming the variable, when no key is found', () => {
    vi.stubEnv('SEGMIND_API_KEY', '');
    expect(() => new SegmindClient()).toThrow(SegmindError);
    expect(() => new SegmindClient()).toThrow(/SEGMIND_API_KEY/);
  });

  it('reads the key, base URL and log level from the environment', async () => {
    vi.stubEnv('SEGMIND_API_KEY', API_KEY);
    vi.stubEnv('SEGMIND_BASE_URL', server.url);
    vi.stubEnv('SEGMIND_LOG', 'debug');
    const c = new SegmindClient();
    expect(c.baseURL).toBe(`${server.url}/`);
    expect(c.toJSON().logLevel).toBe('debug');
    await c.withOptions({ logLevel: 'off' }).runSync('flux-schnell', { prompt: 'x' });
    expect(server.requests[0]?.headers['x-api-key']).toBe(API_KEY);
  });

  it('options win over the environment', () => {
    vi.stubEnv('SEGMIND_BASE_URL', 'https://env.example.com');
    const c = new SegmindClient({ apiKey: 'k', baseURL: 'https://option.example.com' });
    expect(c.baseURL).toBe('https://option.example.com/');
  });

  it('defaults to the public API and documented values', () => {
    vi.stubEnv('SEGMIND_BASE_URL', undefined as unknown as string);
    const c = new SegmindClient({ apiKey: 'k' });
    expect(c.toJSON()).toMatchObject({
      baseURL: 'https://api.segmind.com/',
      timeout: 120_000,
      maxRetries: 2,
      pollInterval: 1_000,
      waitTimeout: 600_000,
      validate: true,
      logLevel: 'warn',
    });
  });

  it.each(['http://api.segmind.com', 'http://10.0.0.1:8080', 'ftp://localhost'])(
    'refuses non-https %s',
    (url) => {
      expect(() => new SegmindClient({ apiKey: 'k', baseURL: url })).toThrow(/https/);
    },
  );

  it.each(['http://localhost:3000', 'http://127.0.0.1:1', 'http://127.9.8.7', 'http://[::1]:8080'])(
    'allows plain http on loopback %s',
    (url) => {
      expect(() => new SegmindClient({ apiKey: 'k', baseURL: url })).not.toThrow();
    },
  );

  it('rejects nonsense option values with a clear error', () => {
    expect(() => new SegmindClient({ apiKey: 'k', timeout: -1 })).toThrow(/timeout must be a finite number/);
    expect(() => new SegmindClient({ apiKey: 'k', maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => new SegmindClient({ apiKey: 'k', baseURL: 'not a url' })).toThrow(/baseURL/);
  });

  it('never shows the key in inspect or JSON', () => {
    const c = new SegmindClient({ apiKey: API_KEY });
    expect(inspect(c, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(c)).not.toContain(API_KEY);
    expect(JSON.stringify(c.withOptions({ timeout: 5 }))).not.toContain(API_KEY);
  });
});

describe('withOptions and close', () => {
  it('returns a configured copy that shares the connection pool', async () => {
    const base = client(server.url);
    const copy = base.withOptions({ timeout: 5_000, defaultHeaders: { 'x-copy': '1' } });
    expect(copy.timeout).toBe(5_000);
    expect(base.timeout).toBe(120_000);
    // A process's first request may go through Node's global fetch while undici loads (see
    // src/runtime/create-transport.ts); one call, and a turn of the event loop, get past that.
    await base.runSync('flux-schnell', { prompt: 'w' });
    await new Promise((resolve) => setTimeout(resolve, 1));
    server.requests.length = 0;
    const before = server.connections();
    await base.runSync('flux-schnell', { prompt: 'x' });
    await copy.runSync('flux-schnell', { prompt: 'y' });
    await base.runSync('flux-schnell', { prompt: 'z' });
    expect(server.connections() - before).toBeLessThanOrEqual(2);
    expect(server.requests[1]?.headers['x-copy']).toBe('1');
    expect(server.requests[1]?.headers['x-api-key']).toBe(API_KEY);
    await base.close();
  });

  it('close() is idempotent and later calls fail with a typed error', async () => {
    const c = client(server.url);
    await c.runSync('flux-schnell', { prompt: 'x' });
    await c.close();
    await c.close();
    await expect(c.runSync('flux-schnell', { prompt: 'x' })).rejects.toBeInstanceOf(SegmindError);
  });

  it('lets the process exit without close() after a call', async () => {
    const script = `
      import { SegmindClient } from './src/index.ts';
      const c = new SegmindClient({ apiKey: 'k', baseURL: process.argv[1], logLevel: 'off' });
      const image = await c.runSync('flux-schnell', { prompt: 'x' });
      console.log('bytes', image.data.length);
      // Fires only if something keeps the process alive this long after the work is done.
      setTimeout(() => { console.log('still held open'); process.exit(3); }, 20_000).unref();
    `;
    // The Agent keeps an idle socket for 30 s: if it held the process, the child would say so at
    // 20 s (measured from the end of its work, so a slow start on a busy machine does not count).
    const child = await runScript(script, [server.url], 120_000);
    expect(child.stdout.trim()).toBe(`bytes ${JPEG.length}`);
    expect(child.code).toBe(0);
  }, 120_000);
});

describe('a dispatcher of your own', () => {
  it('works with undici’s MockAgent and is left open by close()', async () => {
    const { MockAgent } = await import('undici');
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get('https://api.segmind.com')
      .intercept({ path: '/v1/flux-schnell', method: 'POST' })
      .reply(200, JPEG, { headers: { 'content-type': 'image/jpeg', 'x-request-id': 'mocked' } })
      .times(2);
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: 'https://api.segmind.com', dispatcher: mock });
    const image = await c.runSync('flux-schnell', { prompt: 'x' });
    expect(image.requestId).toBe('mocked');
    await c.close();
    // The caller's dispatcher still works: another client can use it.
    const again = new SegmindClient({
      apiKey: API_KEY,
      baseURL: 'https://api.segmind.com',
      dispatcher: mock,
    });
    expect((await again.runSync('flux-schnell', { prompt: 'y' })).requestId).toBe('mocked');
    await mock.close();
  });
});
