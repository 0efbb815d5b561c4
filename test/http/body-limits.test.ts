import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError, SegmindClient, SegmindError } from '../../src/index.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/options/client-options.js';
import { API_KEY, JPEG } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());

// A raw server that declares a huge content-length, sends a few bytes and then nothing: a reader that
// trusted the header would allocate gigabytes or wait forever.
let raw: Server;
let rawURL = '';
const closed: Promise<void>[] = [];
beforeAll(async () => {
  raw = createServer((req, res) => {
    req.resume();
    const socket = req.socket as Socket;
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    res.writeHead(200, {
      'content-type': req.url?.includes('json') ? 'application/json' : 'image/jpeg',
      'content-length': '6000000000',
      'x-request-id': 'big-1',
    });
    res.write('{"image":"');
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  rawURL = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => raw.close(() => resolve())));

function streamed(total: number, chunk = 64 * 1024) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x41));
    },
  });
}

describe('every body read is bounded by maxResponseBytes', () => {
  it('defaults to 256 MiB', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(256 * 1024 * 1024);
  });

  it.each(['/v1/flux-schnell', '/json/v1/flux-schnell'])(
    'a 200 declaring 6 GB (%s) fails with APIError at once and the connection is dropped',
    async (path) => {
      const base = path.startsWith('/json') ? `${rawURL}/json` : rawURL;
      const c = new SegmindClient({ apiKey: API_KEY, baseURL: base, logLevel: 'off' });
      const err = await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      const e = err as APIError;
      expect(e.status).toBe(200);
      expect(e.message).toMatch(/maxResponseBytes/);
      expect(e.message).toMatch(/may have been billed/);
      expect(e.requestId).toBe('big-1');
      // Resolves only once the client dropped the socket: nothing is left hanging.
      await closed.at(-1);
    },
  );

  it('a body without content-length growing past the per-call limit fails and is not read further', async () => {
    server.use(
      http.post(
        '*/v1/flux-schnell',
        () => new HttpResponse(streamed(8 * 1024 * 1024), { headers: { 'content-type': 'image/jpeg' } }),
      ),
    );
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const err = await c
      .runSync('flux-schnell', { prompt: 'x' }, { maxResponseBytes: 256 * 1024 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/larger than maxResponseBytes \(262144 bytes/);
    expect(server.requests).toHaveLength(1);
  });

  it('a JSON {"image"} body growing past the client limit fails the same way', async () => {
    server.use(
      http.post('*/v1/flux-schnell', () => {
        const head = new TextEncoder().encode('{"image":"');
        const body = streamed(4 * 1024 * 1024);
        const stream = new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(head);
            const reader = body.getReader();
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              controller.enqueue(value);
            }
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const c = new SegmindClient({
      apiKey: API_KEY,
      baseURL: server.url,
      logLevel: 'off',
      maxResponseBytes: 1024 * 1024,
    });
    const err = await c.runSync('flux-schnell', { prompt: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/maxResponseBytes/);
  });

  it('a body within the limit is read whole', async () => {
    server.use(
      http.post(
        '*/v1/flux-schnell',
        () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } }),
      ),
    );
    const c = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const image = await c.runSync('flux-schnell', { prompt: 'x' }, { maxResponseBytes: JPEG.length });
    expect(Buffer.from(image.data).equals(JPEG)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.POSITIVE_INFINITY])(
    'a maxResponseBytes of %s is refused before anything is sent',
    async (maxResponseBytes) => {
      expect(() => new SegmindClient({ apiKey: API_KEY, baseURL: server.url, maxResponseBytes })).toThrow(
        /maxResponseBytes must be a positive whole number/,
      );
      const c = new SegmindClient({ apiKey: API_KEY, baseURL: server.url });
      await expect(c.runSync('flux-schnell', { prompt: 'x' }, { maxResponseBytes })).rejects.toThrow(
        SegmindError,
      );
      expect(server.requests).toHaveLength(0);
    },
  );
});
