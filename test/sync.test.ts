import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { APIError, ImageResult, VERSION } from '../src/index.js';
import { API_KEY, client, JPEG } from './support/fixtures.js';
import { serveHandlers } from './support/msw-server.js';
import { useServer } from './support/use-server.js';

const imageHeaders = {
  'content-type': 'image/jpeg',
  'x-request-id': 'req-123',
  'x-remaining-credits': '41.5',
  'x-cost': '0.008',
  'x-seed-value': '123456789',
  'x-generation-time': '1.25',
};

const server = useServer(() =>
  serveHandlers(http.post('*/v1/flux-schnell', () => new HttpResponse(JPEG, { headers: imageHeaders }))),
);

/** A JSON answer without content-length, sent one byte per chunk, to cross every boundary. */
function jsonInOneByteChunks(body: string) {
  return () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of Buffer.from(body)) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
  };
}

describe('runSync', () => {
  it('returns the image bytes with the numbers from the headers', async () => {
    const image = await client(server.url).runSync('flux-schnell', { prompt: 'a tiger', steps: 4 });
    expect(image).toBeInstanceOf(ImageResult);
    expect(Buffer.compare(image.data, JPEG)).toBe(0);
    expect(image.contentType).toBe('image/jpeg');
    expect(image.requestId).toBe('req-123');
    expect(image.remainingCredits).toBe(41.5);
    expect(image.cost).toBe(0.008);
    expect(image.seed).toBe(123456789);
    expect(image.generationTime).toBe(1250);
  });

  it('sends exactly the fields the caller set, with the key, JSON type and user agent', async () => {
    await client(server.url).runSync('flux-schnell', { prompt: 'a tiger', width: 768, sampler_name: 'heun' });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/flux-schnell');
    expect(request?.body).toBe('{"prompt":"a tiger","width":768,"sampler_name":"heun"}');
    expect(request?.headers['x-api-key']).toBe(API_KEY);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe(`segmind-node/${VERSION} node/${process.versions.node}`);
  });

  it('decodes a {"image": base64} answer into the same ImageResult, keeping other keys', async () => {
    server.use(
      http.post('*/v1/fast-flux-schnell', () =>
        HttpResponse.json(
          { image: JPEG.toString('base64'), nsfw: false },
          { headers: { 'x-request-id': 'r2' } },
        ),
      ),
    );
    const image = await client(server.url).runSync('fast-flux-schnell', { prompt: 'car', base64: true });
    expect(Buffer.compare(image.data, JPEG)).toBe(0);
    expect(image.contentType).toBe('image/jpeg');
    expect(image.requestId).toBe('r2');
    expect(image.extra).toEqual({ nsfw: false });
  });

  it('decodes a large base64 answer (decoded in slices) exactly', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024 + 5);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    big[0] = 0x89;
    big[1] = 0x50;
    big[2] = 0x4e;
    big[3] = 0x47;
    server.use(http.post('*/v1/big-model', () => HttpResponse.json({ image: big.toString('base64') })));
    const out = await client(server.url).runSync('big-model', { prompt: 'x' });
    expect(out).toBeInstanceOf(ImageResult);
    const image = out as ImageResult;
    expect(image.data.length).toBe(big.length);
    expect(Buffer.compare(image.data, big)).toBe(0);
    expect(image.contentType).toBe('image/png');
  });

  it('decodes a large base64 answer as it streams, with escaped slashes and keys on both sides', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 9)) & 0xff;
    big.set([0xff, 0xd8, 0xff], 0);
    const escaped = big.toString('base64').replaceAll('/', '\\/');
    const body = `{ "image" : "${escaped}", "nsfw": false, "seed": 5 }`;
    server.use(
      http.post(
        '*/v1/stream-model',
        () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
      ),
    );
    const image = (await client(server.url).runSync('stream-model', { prompt: 'x' })) as ImageResult;
    expect(image.data.length).toBe(big.length);
    expect(Buffer.compare(image.data, big)).toBe(0);
    expect(image.contentType).toBe('image/jpeg');
    expect(image.extra).toEqual({ nsfw: false, seed: 5 });
  });

  it('decodes an image sent as a data: URL, streamed in one-byte chunks', async () => {
    server.use(
      http.post(
        '*/v1/data-url',
        jsonInOneByteChunks(`{"image":"data:image/jpeg;base64,${JPEG.toString('base64')}","ok":1}`),
      ),
    );
    const image = (await client(server.url).runSync('data-url', { prompt: 'x' })) as ImageResult;
    expect(Buffer.compare(image.data, JPEG)).toBe(0);
    expect(image.extra).toEqual({ ok: 1 });
  });

  it('decodes a plain base64 answer streamed in one-byte chunks, with no content-length', async () => {
    server.use(http.post('*/v1/tiny-chunks', jsonInOneByteChunks(`{"image":"${JPEG.toString('base64')}"}`)));
    const image = (await client(server.url).runSync('tiny-chunks', { prompt: 'x' })) as ImageResult;
    expect(Buffer.compare(image.data, JPEG)).toBe(0);
  });

  it('reads a large JSON answer whose image is not the first key', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 9);
    const body = JSON.stringify({ id: 'x', image: big.toString('base64') });
    server.use(
      http.post(
        '*/v1/late-image',
        () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
      ),
    );
    const image = (await client(server.url).runSync('late-image', { prompt: 'x' })) as ImageResult;
    expect(Buffer.compare(image.data, big)).toBe(0);
    expect(image.extra).toEqual({ id: 'x' });
  });

  it('a truncated large JSON answer is an APIError, not a broken image', async () => {
    const body = `{"image":"${Buffer.alloc(2 * 1024 * 1024).toString('base64')}`;
    server.use(
      http.post(
        '*/v1/cut-model',
        () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
      ),
    );
    const err = await client(server.url)
      .runSync('cut-model', { prompt: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).detail).toMatch(/invalid JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('returns a non-image JSON answer of another model parsed', async () => {
    server.use(http.post('*/v1/some-llm', () => HttpResponse.json({ choices: [{ text: 'hi' }] })));
    const out = await client(server.url).runSync('some-llm', { messages: [] });
    expect(out).toEqual({ choices: [{ text: 'hi' }] });
  });

  it('rejects a 200 without an image for an image model, keeping the body', async () => {
    server.use(http.post('*/v1/flux-schnell', () => HttpResponse.json({ status: 'ok' })));
    const err = await client(server.url)
      .runSync('flux-schnell', { prompt: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).body).toEqual({ status: 'ok' });
    expect(server.requests).toHaveLength(1);
  });

  it('saves, and converts to base64 and a data URL', async () => {
    const image = await client(server.url).runSync('flux-schnell', { prompt: 'x' });
    const dir = await mkdtemp(join(tmpdir(), 'segmind-'));
    const path = await image.save(join(dir, 'tiger.jpg'));
    expect(Buffer.compare(await readFile(path), JPEG)).toBe(0);
    expect(image.toBase64()).toBe(JPEG.toString('base64'));
    expect(image.toDataURL()).toBe(`data:image/jpeg;base64,${JPEG.toString('base64')}`);
  });

  it('sends untyped parameters of other models as given', async () => {
    server.use(
      http.post('*/v1/sdxl', () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/png' } })),
    );
    const out = await client(server.url).runSync('sdxl', { prompt: 'x', anything: [1, { a: 2 }] });
    expect((out as ImageResult).contentType).toBe('image/png');
    expect(server.requests[0]?.body).toBe('{"prompt":"x","anything":[1,{"a":2}]}');
  });

  it('merges default headers under per-call headers', async () => {
    const c = client(server.url, { defaultHeaders: { 'x-team': 'a', 'x-trace': 'client' } });
    await c.runSync('flux-schnell', { prompt: 'x' }, { headers: { 'x-trace': 'call' } });
    expect(server.requests[0]?.headers['x-team']).toBe('a');
    expect(server.requests[0]?.headers['x-trace']).toBe('call');
  });

  it('reuses keep-alive connections for sequential calls', async () => {
    const c = client(server.url);
    const before = server.connections();
    for (let i = 0; i < 10; i++) await c.runSync('flux-schnell', { prompt: `x${i}` });
    // undici's pool may open a second socket while the first is finishing; never one per call.
    expect(server.connections() - before).toBeLessThanOrEqual(2);
    await c.close();
  });

  it('works under a base URL with a path prefix', async () => {
    server.use(
      http.post('*/proxy/segmind/v1/flux-schnell', () => new HttpResponse(JPEG, { headers: imageHeaders })),
    );
    await client(`${server.url}/proxy/segmind`).runSync('flux-schnell', { prompt: 'x' });
    expect(server.requests[0]?.path).toBe('/proxy/segmind/v1/flux-schnell');
  });
});
