import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobResult, NotFoundError, readOutput, SegmindError } from '../../src/index.js';
import { client, JPEG } from '../support/fixtures.js';
import { scriptedJob } from '../support/job-handlers.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());
const cdn = useServer(() =>
  serveHandlers(
    http.get('*/out.jpg', () => new HttpResponse(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
  ),
);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segmind-results-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const notFound = () => HttpResponse.json({ error: 'Model not found' }, { status: 404 });

describe('a 404 for a model slug close to a typed model names it', () => {
  it.each([
    ['runSync', 'flux-shnell', 'flux-schnell'],
    ['runSync', 'Flux-Schnell', 'flux-schnell'],
    ['submitAsync', 'fast-flux-schnel', 'fast-flux-schnell'],
    ['submitAsync', 'fastflux-schnell', 'fast-flux-schnell'],
    ['runSync', 'flux-kontext-por', 'flux-kontext-pro'],
    ['submitAsync', 'flux-1.1-pro-ulta', 'flux-1.1-pro-ultra'],
  ])('%s("%s") → NotFoundError "did you mean %s?"', async (method, model, guess) => {
    server.use(http.post('*/:version/:model', notFound));
    const c = client(server.url);
    const call = method === 'runSync' ? c.runSync(model, {}) : c.submitAsync(model, {});
    const err = (await call.catch((e: unknown) => e)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.status).toBe(404);
    expect(err.message).toContain('Model not found');
    expect(err.message).toContain(`did you mean ${guess}?`);
    expect(server.requests).toHaveLength(1);
  });

  it('a slug far from every typed model gets no guess', async () => {
    server.use(http.post('*/:version/:model', notFound));
    const err = (await client(server.url)
      .runSync('sdxl-turbo', {})
      .catch((e: unknown) => e)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).not.toMatch(/did you mean/);
  });
});

describe('readOutput handles every output shape', () => {
  const url = 'https://images.segmind.example/a.jpeg';

  it('an object output such as {"image_url": …} yields its URL', () => {
    expect(readOutput({ image_url: url })).toEqual([{ type: 'url', url }]);
  });

  it('nested lists and objects yield their strings in order; other values are skipped', () => {
    expect(readOutput({ images: [{ url }, { url: `${url}?2` }], seed: 5, nsfw: false })).toEqual([
      { type: 'url', url },
      { type: 'url', url: `${url}?2` },
    ]);
    expect(readOutput([url, 'a caption'])).toEqual([
      { type: 'url', url },
      { type: 'text', text: 'a caption' },
    ]);
    expect(readOutput(null)).toEqual([]);
  });
});

describe('client.download(result) and downloadToFile(result, path): no cast needed', () => {
  const result = (output: JobResult['output']): JobResult => ({ status: 'COMPLETED', output });

  it('downloads the first URL of a result, a string or an object output', async () => {
    const c = client(server.url);
    for (const output of [
      `${cdn.url}/out.jpg`,
      { image_url: `${cdn.url}/out.jpg` },
      [`${cdn.url}/out.jpg`],
    ]) {
      const image = await c.download(result(output));
      expect(image.contentType).toBe('image/jpeg');
      expect(Buffer.compare(image.data, JPEG)).toBe(0);
    }
    expect(cdn.requests).toHaveLength(3);
  });

  it('streams it to a file', async () => {
    const path = join(dir, 'fox.jpg');
    const file = await client(server.url).downloadToFile(result({ image_url: `${cdn.url}/out.jpg` }), path);
    expect(file).toEqual({ path, size: JPEG.length, contentType: 'image/jpeg' });
    expect(Buffer.compare(await readFile(path), JPEG)).toBe(0);
  });

  it('decodes base64 output without any request', async () => {
    const c = client(server.url);
    const image = await c.download(result(JPEG.toString('base64')));
    expect(Buffer.compare(image.data, JPEG)).toBe(0);
    expect(image.contentType).toBe('image/jpeg');
    const path = join(dir, 'b64.jpg');
    expect(await c.downloadToFile(result(`data:image/jpeg;base64,${JPEG.toString('base64')}`), path)).toEqual(
      {
        path,
        size: JPEG.length,
        contentType: 'image/jpeg',
      },
    );
    expect(server.requests).toHaveLength(0);
    expect(cdn.requests).toHaveLength(0);
  });

  it('a result without an image output is a SegmindError that says what it has', async () => {
    const err = await client(server.url)
      .download(result({ caption: 'a fox' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toMatch(/no image URL or base64 output \(found only text: "a fox"\)/);
  });

  it('works end to end on what wait() returns', async () => {
    server.use(
      ...scriptedJob({
        id: 'job-dl',
        steps: ['COMPLETED'],
        result: { status: 'COMPLETED', output: { image_url: `${cdn.url}/out.jpg` } },
      }),
    );
    const c = client(server.url);
    const done = await c.job('job-dl').wait();
    expect((await c.download(done)).data.length).toBe(JPEG.length);
  });
});
