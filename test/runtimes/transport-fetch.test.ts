// The fetch transport in Node, against loopback servers. The same code runs in Bun, Deno and
// workerd (test/runtimes/runtimes.test.ts); here its contract is checked case by case.
import { createServer, type Server } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { APIError, ConnectionError, RequestTimeoutError, UserAbortError } from '../../src/errors.js';
import type { HttpRequest } from '../../src/http/transport.js';
import { type FetchFunction, FetchTransport } from '../../src/http/transport-fetch.js';
import { Base64Decoder, base64ToBytes, bytesToBase64 } from '../../src/runtime/base64.js';
import { startFetchServer } from '../../src/testing/fetch-server.js';

const KEY = 'SG_0123456789abcdef';

function request(url: string, init: Partial<HttpRequest> = {}): HttpRequest {
  return { method: 'GET', url: new URL(url), headers: {}, timeout: 10_000, billable: false, ...init };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('fetch transport', () => {
  it('answers with status, lower-cased headers and the body, and sends the method, headers and body', async () => {
    const server = await startFetchServer(async (req) =>
      Response.json({ got: await req.text() }, { headers: { 'X-Request-Id': 'r1' } }),
    );
    try {
      const res = await new FetchTransport().send(
        request(`${server.url}/v1/x`, { method: 'POST', body: '{"a":1}', headers: { 'x-api-key': KEY } }),
      );
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe('r1');
      expect(JSON.parse(await res.text())).toEqual({ got: '{"a":1}' });
      expect(server.requests[0]).toMatchObject({ method: 'POST', body: '{"a":1}' });
      expect(server.requests[0]!.headers['x-api-key']).toBe(KEY);
    } finally {
      await server.close();
    }
  });

  it('does not follow redirects itself: the 3xx and its location reach the caller', async () => {
    const server = await startFetchServer(
      async () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/x' } }),
    );
    try {
      const res = await new FetchTransport().send(
        request(`${server.url}/out`, { headers: { 'x-api-key': KEY } }),
      );
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('https://elsewhere.example/x');
      await res.discard();
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('reports a refused POST as not sent (safe to retry)', async () => {
    const port = await closedPort();
    const err = await new FetchTransport()
      .send(request(`http://127.0.0.1:${port}/v1/x`, { method: 'POST', body: '{}', billable: true }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(false);
  });

  it('reports a POST whose connection broke after the request was read as sent, saying it may be billed', async () => {
    const server = await startFetchServer(async () => Response.error());
    try {
      const err = await new FetchTransport()
        .send(request(`${server.url}/v1/x`, { method: 'POST', body: '{}', billable: true }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).requestSent).toBe(true);
      expect((err as Error).message).toContain('may have been generated and billed');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('counts any failure it cannot place (a fetch rejecting with a bare TypeError) as sent', async () => {
    const fetchFails: FetchFunction = () => Promise.reject(new TypeError('Network connection lost.'));
    const err = await new FetchTransport(fetchFails)
      .send(request('http://127.0.0.1:1/v1/x', { method: 'POST', body: '{}', billable: true }))
      .catch((e: unknown) => e);
    expect((err as ConnectionError).requestSent).toBe(true);
  });

  it('counts a fetch that throws synchronously as not sent', async () => {
    const fetchThrows: FetchFunction = () => {
      throw new TypeError('no');
    };
    const err = await new FetchTransport(fetchThrows)
      .send(request('http://127.0.0.1:1/v1/x', { method: 'POST', body: '{}', billable: true }))
      .catch((e: unknown) => e);
    expect((err as ConnectionError).requestSent).toBe(false);
  });

  it('refuses a header value with a newline before calling fetch, without quoting the value', async () => {
    const calls: string[] = [];
    const spy: FetchFunction = (input, init) => {
      calls.push(input);
      return fetch(input, init);
    };
    const err = await new FetchTransport(spy)
      .send(request('http://127.0.0.1:1/v1/x', { headers: { 'x-api-key': `${KEY}\nX-Injected: 1` } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(false);
    expect(calls).toHaveLength(0);
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(KEY);
    expect(String((err as Error).cause)).not.toContain(KEY);
  });

  it('times out a body that stops arriving: the limit covers headers and body together', async () => {
    const server = await startFetchServer(
      async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
            },
          }),
        ),
    );
    try {
      const res = await new FetchTransport().send(request(`${server.url}/slow`, { timeout: 300 }));
      const err = await res.bytes().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).timeout).toBe(300);
      expect((err as RequestTimeoutError).requestSent).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a stalled POST times out as sent', async () => {
    const server = await startFetchServer(() => new Promise<Response>(() => {}));
    try {
      const err = await new FetchTransport()
        .send(request(`${server.url}/v1/x`, { method: 'POST', body: '{}', billable: true, timeout: 200 }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).requestSent).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('acts on an abort at once, even with a fetch that ignores its signal', async () => {
    const deaf: FetchFunction = () => new Promise<Response>(() => {});
    const controller = new AbortController();
    const pending = new FetchTransport(deaf).send(
      request('http://127.0.0.1:1/x', { signal: controller.signal, timeout: 2_147_483_647 }),
    );
    const reason = new Error('changed my mind');
    controller.abort(reason);
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserAbortError);
    expect((err as UserAbortError).cause).toBe(reason);
  });

  it('aborts a body being read at once', async () => {
    const server = await startFetchServer(
      async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array(10));
            },
          }),
        ),
    );
    try {
      const controller = new AbortController();
      const res = await new FetchTransport().send(request(`${server.url}/x`, { signal: controller.signal }));
      const reading = res.bytes();
      controller.abort();
      await expect(reading).rejects.toBeInstanceOf(UserAbortError);
    } finally {
      await server.close();
    }
  });

  it('aborts and times out a body with a declared length (the whole-body fast path) at once', async () => {
    const server = await startFetchServer(
      async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array(10));
            },
          }),
          { headers: { 'content-length': '100' } },
        ),
    );
    try {
      const transport = new FetchTransport();
      const controller = new AbortController();
      const res = await transport.send(request(`${server.url}/x`, { signal: controller.signal }));
      expect(res.contentLength).toBe(100);
      const reading = res.bytes();
      controller.abort();
      await expect(reading).rejects.toBeInstanceOf(UserAbortError);
      const slow = await transport.send(request(`${server.url}/x`, { timeout: 300 }));
      await expect(slow.bytes()).rejects.toBeInstanceOf(RequestTimeoutError);
    } finally {
      await server.close();
    }
  });

  it('refuses a body over maxResponseBytes: by content-length before reading, or as it streams', async () => {
    const big = new Uint8Array(100_000);
    const server = await startFetchServer(async (req) =>
      req.url.endsWith('/known')
        ? new Response(big, { headers: { 'content-length': String(big.length) } })
        : new Response(
            new ReadableStream({
              pull(controller) {
                controller.enqueue(new Uint8Array(16_384));
              },
            }),
          ),
    );
    try {
      const transport = new FetchTransport();
      const known = await transport.send(request(`${server.url}/known`, { maxResponseBytes: 1000 }));
      expect(known.contentLength).toBe(100_000);
      const early = await known.bytes().catch((e: unknown) => e);
      expect(early).toBeInstanceOf(APIError);
      expect((early as APIError).message).toMatch(/maxResponseBytes \(1000 bytes; content-length 100000\)/);
      const endless = await transport.send(request(`${server.url}/endless`, { maxResponseBytes: 50_000 }));
      const err = await endless.each(() => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).message).toContain('maxResponseBytes (50000 bytes)');
    } finally {
      await server.close();
    }
  });

  it('cuts text() at its limit', async () => {
    const server = await startFetchServer(async () => new Response('x'.repeat(10_000)));
    try {
      const res = await new FetchTransport().send(request(`${server.url}/t`));
      expect(await res.text(100)).toBe('x'.repeat(100));
    } finally {
      await server.close();
    }
  });

  it('rethrows an error of the pipeTo sink as it is, not as a connection error', async () => {
    const server = await startFetchServer(async () => new Response('data'));
    try {
      const res = await new FetchTransport().send(request(`${server.url}/d`));
      const diskFull = new Error('ENOSPC');
      const err = await res
        .pipeTo({
          write() {
            throw diskFull;
          },
        })
        .catch((e: unknown) => e);
      expect(err).toBe(diskFull);
    } finally {
      await server.close();
    }
  });

  it('fails requests after close()', async () => {
    const transport = new FetchTransport();
    await transport.close();
    await expect(transport.send(request('http://127.0.0.1:1/x'))).rejects.toThrow(/closed/);
  });
});

describe('base64 without Buffer', () => {
  const sample = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 255);
  const text = Buffer.from(sample).toString('base64');

  it('decodes text split at every position as Buffer does', () => {
    for (let cut = 0; cut <= 40; cut++) {
      const decoder = new Base64Decoder();
      decoder.write(text.slice(0, cut));
      decoder.write(text.slice(cut, cut + 7));
      decoder.write(text.slice(cut + 7));
      expect(Buffer.from(decoder.end()).equals(Buffer.from(sample))).toBe(true);
    }
  });

  it('uses the table decoder where there is no Buffer, with the same result', async () => {
    const saved = globalThis.Buffer;
    try {
      // @ts-expect-error: simulate Workers without nodejs_compat
      delete globalThis.Buffer;
      vi.resetModules();
      const fresh = await import('../../src/runtime/base64.js');
      const out: Uint8Array = fresh.base64ToBytes(`${text.slice(0, 100)}\n${text.slice(100)}`);
      expect(out.constructor).toBe(Uint8Array);
      expect(Array.from(out)).toEqual(Array.from(sample));
      expect(Array.from(fresh.base64ToBytes('aGVsbG8'))).toEqual([104, 101, 108, 108, 111]);
      expect(fresh.bytesToBase64(sample)).toBe(text);
    } finally {
      globalThis.Buffer = saved;
    }
  });

  it('round-trips through bytesToBase64', () => {
    expect(bytesToBase64(sample)).toBe(text);
    expect(Array.from(base64ToBytes(text))).toEqual(Array.from(sample));
  });
});
