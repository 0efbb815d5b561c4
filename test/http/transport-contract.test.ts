// The transport contract (src/http/transport.ts), checked case by case against both transports over
// loopback: undici (Node, Deno) and fetch (Bun, Workers, browsers, the `fetch` option). What differs
// by design (fetch decodes bodies itself; only fetch can be handed a misbehaving function) is tested
// below the shared suite.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APIError,
  ConnectionError,
  RequestTimeoutError,
  SegmindError,
  UserAbortError,
} from '../../src/errors.js';
import { FetchTransport } from '../../src/http/fetch/fetch-transport.js';
import type { FetchFunction, HttpRequest, Transport } from '../../src/http/transport.js';
import { UndiciTransport } from '../../src/http/undici/undici-transport.js';
import { type FetchServer, startFetchServer } from '../../src/testing/fetch-server.js';

const KEY = 'SG_0123456789abcdef';
const IMAGE = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const NEVER = 2_147_483_647;

/** A body that sends `first` and then nothing, without ending. */
function stalled(first: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(first);
    },
  });
}

const ROUTES: Record<string, (req: Request) => Response | Promise<Response>> = {
  '/echo': async (req) =>
    Response.json({ method: req.method, got: await req.text() }, { headers: { 'X-Request-Id': 'r1' } }),
  '/redirect': () =>
    new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/x' } }),
  '/reset': () => Response.error(),
  '/stall-head': () => new Promise<Response>(() => {}),
  '/stall-body': () => new Response(stalled(new TextEncoder().encode('partial'))),
  '/stall-known': () => new Response(stalled(new Uint8Array(10)), { headers: { 'content-length': '100' } }),
  '/image': () => new Response(IMAGE, { headers: { 'content-length': String(IMAGE.length) } }),
  '/image-chunked': () =>
    new Response(
      new ReadableStream({
        start(controller) {
          for (let at = 0; at < IMAGE.length; at += 16_384)
            controller.enqueue(IMAGE.subarray(at, at + 16_384));
          controller.close();
        },
      }),
    ),
  '/endless': () =>
    new Response(
      new ReadableStream({
        pull(controller) {
          controller.enqueue(new Uint8Array(16_384));
        },
      }),
    ),
  '/text': () => new Response('x'.repeat(10_000)),
  '/empty': () => new Response(null, { status: 204 }),
  '/broken-body': () => {
    let sent = false;
    return new Response(
      new ReadableStream({
        async pull(controller) {
          if (sent) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return controller.error(new Error('cut'));
          }
          sent = true;
          controller.enqueue(new Uint8Array(1024));
        },
      }),
    );
  },
  '/gzip': () => encoded('gzip', gzipSync(IMAGE)),
  '/x-gzip': () => encoded('x-gzip', gzipSync(IMAGE)),
  '/br': () => encoded('br', brotliCompressSync(IMAGE)),
  '/deflate': () => encoded('deflate', deflateSync(IMAGE)),
  '/deflate-raw': () => encoded('deflate', deflateRawSync(IMAGE)),
};

function encoded(encoding: string, body: Buffer): Response {
  return new Response(body, {
    headers: { 'content-encoding': encoding, 'content-length': String(body.length) },
  });
}

let server: FetchServer;
beforeAll(async () => {
  server = await startFetchServer(async (req) => ROUTES[new URL(req.url).pathname]?.(req));
});
afterAll(() => server.close());

function request(path: string, init: Partial<HttpRequest> = {}): HttpRequest {
  const url = path.startsWith('http') ? path : `${server.url}${path}`;
  return { method: 'GET', url: new URL(url), headers: {}, timeout: 10_000, billable: false, ...init };
}

const POST = { method: 'POST', body: '{}', billable: true } as const;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const TRANSPORTS = [
  { name: 'undici', make: (): Transport => new UndiciTransport(undefined, 120_000) },
  { name: 'fetch', make: (): Transport => new FetchTransport(undefined, 'node') },
];

describe.each(TRANSPORTS)('the $name transport', ({ make }) => {
  let transport: Transport;
  beforeAll(() => {
    transport = make();
  });
  afterAll(() => transport.close());
  const send = (path: string, init?: Partial<HttpRequest>) => transport.send(request(path, init));

  describe('sending and answering', () => {
    it('sends method, headers and body, and answers with status, lower-cased headers and the body', async () => {
      const res = await send('/echo', { ...POST, body: '{"a":1}', headers: { 'x-api-key': KEY } });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe('r1');
      expect(JSON.parse(await res.text())).toEqual({ method: 'POST', got: '{"a":1}' });
      const seen = server.requests.at(-1)!;
      expect([seen.method, seen.body, seen.headers['x-api-key']]).toEqual(['POST', '{"a":1}', KEY]);
    });

    it('hands a 3xx and its location up without following it', async () => {
      const before = server.requests.length;
      const res = await send('/redirect', { headers: { 'x-api-key': KEY } });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('https://elsewhere.example/x');
      await res.discard();
      expect(server.requests.length - before).toBe(1);
    });

    it('answers with the final status after an informational 103', async () => {
      const hints = createHttpServer((_req, res) => {
        res.writeEarlyHints({ link: '</style.css>; rel=preload' });
        res.end('final');
      });
      await new Promise<void>((resolve) => hints.listen(0, '127.0.0.1', resolve));
      try {
        const res = await send(`http://127.0.0.1:${(hints.address() as { port: number }).port}/x`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('final');
      } finally {
        hints.closeAllConnections();
        await new Promise((resolve) => hints.close(resolve));
      }
    });

    it('reads an answer without a body as empty', async () => {
      const res = await send('/empty');
      expect(res.status).toBe(204);
      expect((await res.bytes()).length).toBe(0);
    });

    it('reads a body whole, with or without a content-length, byte for byte', async () => {
      const known = await send('/image');
      expect(known.contentLength).toBe(IMAGE.length);
      expect(Buffer.from(await known.bytes()).equals(IMAGE)).toBe(true);
      const chunked = await send('/image-chunked');
      expect(chunked.contentLength).toBeUndefined();
      expect(Buffer.from(await chunked.bytes()).equals(IMAGE)).toBe(true);
    });

    it('streams a body in order through each() and pipeTo()', async () => {
      const parts: Uint8Array[] = [];
      await (await send('/image-chunked')).each((chunk) => {
        parts.push(chunk);
      });
      expect(Buffer.concat(parts).equals(IMAGE)).toBe(true);
      const written: Uint8Array[] = [];
      await (await send('/image')).pipeTo({ write: async (chunk) => void written.push(chunk) });
      expect(Buffer.concat(written).equals(IMAGE)).toBe(true);
    });

    it.each(['/gzip', '/x-gzip', '/br', '/deflate', '/deflate-raw'])(
      'decodes a %s body; its length is not the encoded one',
      async (path) => {
        const res = await send(path);
        expect(res.contentLength).toBeUndefined();
        expect(Buffer.from(await res.bytes()).equals(IMAGE)).toBe(true);
      },
    );
  });

  describe('reading once, within the caps', () => {
    it('refuses a second read of the same body', async () => {
      const res = await send('/text');
      await res.text();
      const err = await failure(res.bytes());
      expect(err).toBeInstanceOf(SegmindError);
      expect(err.message).toBe("GET /text: the answer's body was already read");
    });

    it('refuses a body whose content-length is over maxResponseBytes before reading it', async () => {
      const res = await send('/image', { ...POST, maxResponseBytes: 1000 });
      const err = await failure(res.bytes());
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).status).toBe(200);
      expect(err.message).toBe(
        `POST /image answered 200 with a body larger than maxResponseBytes (1000 bytes; content-length ${IMAGE.length}); the connection was dropped (the call may have been billed); nothing was returned`,
      );
    });

    it('refuses a body without content-length as it grows past the cap, in bytes() and each()', async () => {
      const whole = await failure((await send('/endless', { maxResponseBytes: 50_000 })).bytes());
      expect(whole).toBeInstanceOf(APIError);
      expect(whole.message).toContain(
        'larger than maxResponseBytes (50000 bytes); the connection was dropped',
      );
      const streamed = await failure((await send('/endless', { maxResponseBytes: 50_000 })).each(() => {}));
      expect(streamed).toBeInstanceOf(APIError);
    });

    it('takes a read limit over maxResponseBytes for bytes()', async () => {
      const res = await send('/image', { maxResponseBytes: 10 });
      expect((await res.bytes(IMAGE.length)).length).toBe(IMAGE.length);
    });

    it('pipes a body of any size: pipeTo() is not capped', async () => {
      let size = 0;
      await (await send('/image', { maxResponseBytes: 10 })).pipeTo({
        write: (chunk) => {
          size += chunk.length;
        },
      });
      expect(size).toBe(IMAGE.length);
    });

    it('keeps the first bytes of text(limit) and drops the rest', async () => {
      expect(await (await send('/text')).text(100)).toBe('x'.repeat(100));
      expect(await (await send('/endless')).text(10)).toBe('\0'.repeat(10));
    });

    it('rethrows an error of the pipeTo sink or the each callback as it is', async () => {
      const diskFull = new Error('ENOSPC');
      const sinkError = await failure(
        (await send('/image')).pipeTo({
          write() {
            throw diskFull;
          },
        }),
      );
      expect(sinkError).toBe(diskFull);
      const callbackError = await failure(
        (await send('/image')).each(async () => {
          throw diskFull;
        }),
      );
      expect(callbackError).toBe(diskFull);
    });
  });

  describe('timeouts', () => {
    it('times out a stalled POST as sent, saying it may have been billed', async () => {
      const err = await failure(send('/stall-head', { ...POST, timeout: 200 }));
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).timeout).toBe(200);
      expect((err as RequestTimeoutError).requestSent).toBe(true);
      expect(err.message).toBe(
        'POST /stall-head timed out after 200 ms. The request had been sent, so the image may have been generated and billed; it was not retried. Check your Segmind dashboard before sending it again.',
      );
    });

    it('times out a body that stops arriving: one limit over headers and body', async () => {
      const res = await send('/stall-body', { timeout: 300 });
      const err = await failure(res.bytes());
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect((err as RequestTimeoutError).requestSent).toBe(true);
      expect(err.message).toBe('GET /stall-body timed out after 300 ms.');
    });

    it('times out a short request sent while a longer one is in flight, and the longer one later', async () => {
      // Exchanges share one timer where there is a process: a shorter deadline must re-arm it.
      const long = send('/stall-head', { timeout: 600 });
      const short = send('/stall-head', { timeout: 100 });
      const order: string[] = [];
      const settled = (name: string, p: Promise<unknown>) =>
        failure(p).then((err) => {
          order.push(name);
          return err;
        });
      const [longError, shortError] = await Promise.all([settled('long', long), settled('short', short)]);
      expect(order).toEqual(['short', 'long']);
      expect([shortError, longError].map((e) => (e as RequestTimeoutError).timeout)).toEqual([100, 600]);
      expect(longError).toBeInstanceOf(RequestTimeoutError);
    });

    it('times out a body with a declared length', async () => {
      const res = await send('/stall-known', { timeout: 300 });
      expect(res.contentLength).toBe(100);
      expect(await failure(res.bytes())).toBeInstanceOf(RequestTimeoutError);
    });
  });

  describe('aborts', () => {
    it('refuses a signal aborted before sending, and sends nothing', async () => {
      const before = server.requests.length;
      const reason = new Error('never mind');
      const err = await failure(send('/echo', { ...POST, signal: AbortSignal.abort(reason) }));
      expect(err).toBeInstanceOf(UserAbortError);
      expect(err.cause).toBe(reason);
      expect(server.requests.length).toBe(before);
    });

    it('acts at once on an abort while waiting for the answer', async () => {
      const controller = new AbortController();
      const pending = send('/stall-head', { signal: controller.signal, timeout: NEVER });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const reason = new Error('changed my mind');
      controller.abort(reason);
      const err = await failure(pending);
      expect(err).toBeInstanceOf(UserAbortError);
      expect(err.cause).toBe(reason);
    });

    it.each(['/stall-body', '/stall-known'])('acts at once on an abort while reading %s', async (path) => {
      const controller = new AbortController();
      const res = await send(path, { signal: controller.signal, timeout: NEVER });
      const reading = res.bytes();
      controller.abort();
      expect(await failure(reading)).toBeInstanceOf(UserAbortError);
    });
  });

  describe('what was sent', () => {
    it('reports a refused POST as not sent, without the billing sentence', async () => {
      const port = await closedPort();
      const err = await failure(send(`http://127.0.0.1:${port}/v1/x`, POST));
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).requestSent).toBe(false);
      expect(err.message).toMatch(
        new RegExp(
          `^POST /v1/x: connection to 127\\.0\\.0\\.1:${port} failed before the request was sent \\(.*ECONNREFUSED.*\\)\\.$`,
        ),
      );
    });

    it('reports a failed TLS handshake as not sent', async () => {
      const err = await failure(send(`${server.url.replace('http://', 'https://')}/echo`, POST));
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).requestSent).toBe(false);
    });

    it('reports a POST whose connection broke after the server read it as sent, and may be billed', async () => {
      const before = server.requests.length;
      const err = await failure(send('/reset', POST));
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err).not.toBeInstanceOf(RequestTimeoutError);
      expect((err as ConnectionError).requestSent).toBe(true);
      expect(err.message).toMatch(
        /^POST \/reset: connection to 127\.0\.0\.1:\d+ broke after the request was sent \(/,
      );
      expect(err.message).toMatch(
        /\)\. The request had been sent, so the image may have been generated and billed; it was not retried\./,
      );
      expect(server.requests.length - before).toBe(1);
    });

    it('reports a body that breaks half way as sent, broken while reading', async () => {
      const res = await send('/broken-body', POST);
      const err = await failure(res.bytes());
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).requestSent).toBe(true);
      expect(err.message).toMatch(
        /^POST \/broken-body: connection to 127\.0\.0\.1:\d+ broke while reading the answer \(/,
      );
    });
  });

  it('fails requests after close()', async () => {
    const own = make();
    await own.close();
    const err = await failure(own.send(request('/echo')));
    expect(err).toBeInstanceOf(SegmindError);
    expect(err.message).toBe('This client was closed with close(); create a new one');
  });
});

describe('the undici transport only', () => {
  const transports: Transport[] = [];
  const undici = (dispatcher?: MockAgent) => {
    const transport = new UndiciTransport(dispatcher, 120_000);
    transports.push(transport);
    return transport;
  };
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
  });

  it('refuses a body in a content-encoding it cannot decode, as an unusable answer', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.example')
      .intercept({ path: '/v1/x', method: 'POST' })
      .reply(200, 'abc', { headers: { 'content-encoding': 'compress' } });
    const res = await undici(agent).send(request('https://api.example/v1/x', POST));
    const err = await failure(res.bytes());
    expect(err).toBeInstanceOf(APIError);
    expect(err.message).toBe(
      'POST /v1/x answered 200 with a body in content-encoding "compress", which this SDK cannot decode (the call may have been billed); nothing was returned',
    );
    await agent.close();
  });

  it('refuses a gzip body that does not decode, as an unusable answer rather than the network', async () => {
    const broken = gzipSync(IMAGE);
    broken[12] = (broken[12] ?? 0) ^ 0xff;
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.example')
      .intercept({ path: '/x', method: 'GET' })
      .reply(200, broken.subarray(0, broken.length - 6), { headers: { 'content-encoding': 'gzip' } });
    const err = await failure((await undici(agent).send(request('https://api.example/x'))).bytes());
    expect(err).toBeInstanceOf(APIError);
    expect(err.message).toMatch(/with a body in content-encoding "gzip" that does not decode \(/);
    await agent.close();
  });

  it("sends through a caller's dispatcher (MockAgent)", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://api.example')
      .intercept({ path: '/v1/x', method: 'POST', body: '{}' })
      .reply(200, 'ok');
    const res = await undici(agent).send(request('https://api.example/v1/x', POST));
    expect(await res.text()).toBe('ok');
    await agent.close();
  });
});

describe('the fetch transport only', () => {
  const fetchTransport = (fetchFunction: FetchFunction, runtime: 'node' | 'browser' = 'node') =>
    new FetchTransport(fetchFunction, runtime);

  it('acts on an abort at once, even with a fetch that ignores its signal', async () => {
    const deaf: FetchFunction = () => new Promise<Response>(() => {});
    const controller = new AbortController();
    const pending = fetchTransport(deaf).send(request('/x', { signal: controller.signal, timeout: NEVER }));
    const reason = new Error('changed my mind');
    controller.abort(reason);
    const err = await failure(pending);
    expect(err).toBeInstanceOf(UserAbortError);
    expect(err.cause).toBe(reason);
  });

  it('times out with a fetch that ignores its signal', async () => {
    const deaf: FetchFunction = () => new Promise<Response>(() => {});
    const err = await failure(fetchTransport(deaf).send(request('/x', { timeout: 100 })));
    expect(err).toBeInstanceOf(RequestTimeoutError);
  });

  it('counts a fetch that throws synchronously as not sent', async () => {
    const throws: FetchFunction = () => {
      throw new TypeError('no');
    };
    const err = await failure(fetchTransport(throws).send(request('/v1/x', POST)));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(false);
  });

  it('counts a failure it cannot place (a bare TypeError, as on Workers) as sent', async () => {
    const lost: FetchFunction = () => Promise.reject(new TypeError('Network connection lost.'));
    const err = await failure(fetchTransport(lost).send(request('/v1/x', POST)));
    expect((err as ConnectionError).requestSent).toBe(true);
    expect(err.message).toMatch(/broke after the request was sent \(Network connection lost\.\)/);
  });

  it('passes redirect: manual and its own signal, and the headers as given', async () => {
    const seen: RequestInit[] = [];
    const spy: FetchFunction = (input, init) => {
      seen.push(init);
      return fetch(input, init);
    };
    const res = await fetchTransport(spy).send(request('/echo', { headers: { 'x-api-key': KEY } }));
    await res.discard();
    expect(seen[0]).toMatchObject({ method: 'GET', redirect: 'manual', headers: { 'x-api-key': KEY } });
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  describe('in a browser', () => {
    // What Chromium's fetch throws for a CORS block or a network failure alike (Firefox: "NetworkError
    // when attempting to fetch resource.", Safari: "Load failed").
    const chromium: FetchFunction = () => Promise.reject(new TypeError('Failed to fetch'));

    it('reports a failure before any answer as blocked (CORS) or failed, and a POST as possibly billed', async () => {
      const err = await failure(fetchTransport(chromium, 'browser').send(request('/v1/flux-schnell', POST)));
      expect(err).toBeInstanceOf(ConnectionError);
      // A browser cannot tell whether the POST left (CORS may refuse the answer after the server
      // read it): counted as sent, so it is never re-sent.
      expect((err as ConnectionError).requestSent).toBe(true);
      expect(err.message).toMatch(
        /^POST \/v1\/flux-schnell: connection to 127\.0\.0\.1:\d+ was blocked by the browser \(CORS\) or failed before an answer \(Failed to fetch\)\. The browser does not tell whether the request reached the server, so the image may have been generated and billed; it was not retried\./,
      );
    });

    it('words a GET the same way, without the billing sentence', async () => {
      const err = await failure(fetchTransport(chromium, 'browser').send(request('/v2/requests/abc/status')));
      expect(err.message).toMatch(
        /was blocked by the browser \(CORS\) or failed before an answer \(Failed to fetch\)\.$/,
      );
    });

    it('still reports a timeout as a timeout', async () => {
      const deaf: FetchFunction = () => new Promise<Response>(() => {});
      const err = await failure(fetchTransport(deaf, 'browser').send(request('/x', { timeout: 50 })));
      expect(err).toBeInstanceOf(RequestTimeoutError);
    });
  });
});

describe('choosing the transport (Node build)', () => {
  // Each case loads the selection afresh: what it remembers (undici imported, the cold-start
  // request spent) is per process, like the import it stands for.
  async function freshSelection() {
    vi.resetModules();
    return import('../../src/http/create-transport.js');
  }
  afterEach(() => {
    vi.doUnmock('undici');
    vi.restoreAllMocks();
  });

  it('sends the first request of a process through the global fetch, and the rest through undici', async () => {
    const { createTransport } = await freshSelection();
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    const transport = createTransport({ timeout: 10_000 });
    try {
      // Two at once: the second waits for undici instead of opening a second fetch connection.
      const answers = await Promise.all([transport.send(request('/text')), transport.send(request('/text'))]);
      for (const res of answers) expect(await res.text()).toBe('x'.repeat(10_000));
      expect(globalFetch).toHaveBeenCalledTimes(1);
      await (await transport.send(request('/text'))).discard();
      expect(globalFetch).toHaveBeenCalledTimes(1);
    } finally {
      await transport.close();
    }
  });

  it('falls back to the global fetch when undici cannot be imported (an ESM bundle without require)', async () => {
    vi.doMock('undici', () => {
      throw new Error('Dynamic require of "node:assert" is not supported');
    });
    const { createTransport } = await freshSelection();
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    const transport = createTransport({ timeout: 10_000 });
    const before = server.requests.length;
    for (let i = 0; i < 3; i++) {
      const res = await transport.send(request('/echo', { ...POST, body: `{"i":${i}}` }));
      expect(JSON.parse(await res.text()).got).toBe(`{"i":${i}}`);
    }
    expect(server.requests.length - before).toBe(3);
    expect(globalFetch).toHaveBeenCalledTimes(3);
  });
});
