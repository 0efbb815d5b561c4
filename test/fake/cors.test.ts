// The fake's CORS answers, checked in Node (cheap): what a browser needs to let a page on another
// origin call it and read its answers. test/browser/chromium.test.ts checks the same in a browser.
import { afterEach, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../src/testing/index.js';

const API_KEY = 'SG_cors0000000000000';
let server: MockServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const preflight = (url: string) =>
  fetch(`${url}/v1/flux-schnell`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://127.0.0.1:1',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-api-key',
    },
  });

const runSync = (url: string) =>
  fetch(`${url}/v1/flux-schnell`, {
    method: 'POST',
    headers: { origin: 'http://127.0.0.1:1', 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a tiger', width: 512, height: 512 }),
  });

describe('createMockServer({ cors: true })', () => {
  it('answers a preflight allowing POST with the x-api-key and content-type headers, and does not record it', async () => {
    server = await createMockServer({ cors: true });
    const res = await preflight(server.url);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.split(',')).toEqual([
      'content-type',
      'x-api-key',
    ]);
    expect(server.requests).toEqual([]);
  });

  it('lets any origin read an answer and every x-* header the SDK reads from it', async () => {
    server = await createMockServer({ cors: true });
    const res = await runSync(server.url);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = res.headers.get('access-control-expose-headers')?.split(', ') ?? [];
    const xHeaders = [...res.headers.keys()].filter((name) => name.startsWith('x-'));
    expect(xHeaders).toEqual(
      expect.arrayContaining(['x-request-id', 'x-remaining-credits', 'x-cost', 'x-seed-value']),
    );
    expect(exposed).toEqual(expect.arrayContaining(xHeaders));
    expect(server.requests).toHaveLength(1);
  });

  it('lets an error answer be read too (a 401 with its JSON body)', async () => {
    server = await createMockServer({ cors: true, apiKey: 'SG_another0000000000' });
    const res = await runSync(server.url);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toHaveProperty('error');
  });
});

describe('createMockServer() without cors', () => {
  it('gives a preflight no CORS headers (a browser blocks the request) and answers no CORS headers', async () => {
    server = await createMockServer();
    const pre = await preflight(server.url);
    await pre.arrayBuffer();
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await runSync(server.url);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBeNull();
  });
});
