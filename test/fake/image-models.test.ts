// Image-input models through the fake: bytes, a file path and a URL; outputs made from the inputs;
// an input on the fake must exist; the fake's 401s.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  fileFrom,
  type ImageResult,
  InferenceFailedError,
  InternalServerError,
  MODELS,
  NotFoundError,
} from '../../src/index.js';
import { imageParams } from '../../src/models/lookup.js';
import { sampleParams } from '../../src/models/views/sample-params.js';
import {
  createMockServer,
  fakeImageInputs,
  pngSize,
  readPngText,
  renderPng,
  sizeForAspectRatio,
} from '../../src/testing/index.js';
import { client } from '../support/fixtures.js';
import { onlyWhere } from '../support/only-where.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => createMockServer({ queueTime: 5, jobDuration: 5 }));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segmind-fake-images-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const photo = renderPng(48, 32, 'a photo to edit');

/** Every registry model with image parameters, as the registry describes it. */
const IMAGE_MODELS = Object.values(MODELS)
  .map((spec) => ({ slug: spec.slug, spec, images: imageParams(spec) }))
  .filter((m) => m.images.length > 0)
  .map((m) => ({ ...m, v1: m.spec.endpoints.includes('v1'), v2: m.spec.endpoints.includes('v2') }));

type Entry = (typeof IMAGE_MODELS)[number];
/** The model's smallest valid parameters with `image` in every image parameter. */
const paramsWith = (model: Entry, image: unknown): Record<string, unknown> => {
  const params: Record<string, unknown> = { ...sampleParams(model.spec) };
  for (const { name, array } of model.images) params[name] = array ? [image] : image;
  return params;
};
/** What the fake's output should name: each image field, with what it was made from. */
const namedInputs = (model: Entry, value: string) =>
  Object.fromEntries(model.images.map(({ name, array }) => [array ? `${name}[0]` : name, value]));
const field = (model: Entry) => {
  const first = model.images[0]!;
  return first.array ? `${first.name}[0]` : first.name;
};
const setsSize = (params: Record<string, unknown>) =>
  ['width', 'height', 'aspect_ratio'].some((k) => params[k] !== undefined);

/** The output of one call: v1 bytes, or (for a v2-only model) the v2 result's output downloaded. */
async function outputOf(model: Entry, image: unknown): Promise<Uint8Array> {
  const c = client(server.url);
  if (!model.v1) {
    const result = await c.run(model.slug, paramsWith(model, image) as never, { interval: 5 });
    return (await c.download(result)).data;
  }
  return ((await c.runSync(model.slug, paramsWith(model, image) as never)) as ImageResult).data;
}

it('covers the image-input models of the registry', () => {
  expect(IMAGE_MODELS.map((m) => m.slug)).toEqual(
    expect.arrayContaining([
      'flux-kontext-pro',
      'multi-image-kontext-pro',
      'flux-fill-pro',
      'flux-2-klein-4b',
    ]),
  );
});

describe.each(IMAGE_MODELS)('$slug on the fake', (model) => {
  it('takes bytes: uploaded once, and the output says it was made from them', async () => {
    const out = await outputOf(model, photo);
    expect(fakeImageInputs(out)).toEqual(namedInputs(model, sha256(photo)));
    expect(server.uploads.map((u) => u.sha256)).toEqual([sha256(photo)]);
    // An edit keeps its photo's shape when the request sets no size.
    if (!setsSize(paramsWith(model, photo))) expect(pngSize(out)).toEqual({ width: 48, height: 32 });
  });

  it('takes a file path through fileFrom()', async () => {
    const path = join(dir, `${model.slug}.png`);
    const png = renderPng(16, 16, `from disk ${model.slug}`);
    await writeFile(path, png);
    const out = await outputOf(model, fileFrom(path));
    expect(fakeImageInputs(out)).toEqual(namedInputs(model, sha256(png)));
  });

  it('takes a URL elsewhere without fetching it', async () => {
    const url = 'https://images.example.com/photo.jpg';
    const out = await outputOf(model, url);
    expect(fakeImageInputs(out)).toEqual(namedInputs(model, url));
    expect(server.uploads).toEqual([]);
    if (!setsSize(paramsWith(model, url))) expect(pngSize(out)).toEqual({ width: 1024, height: 1024 });
  });

  onlyWhere(model.v1)('v1: an input URL naming no asset of the fake is a 500 that says so', async () => {
    const url = `${server.url}/assets/never-uploaded.png`;
    const err = await client(server.url)
      .runSync(model.slug, paramsWith(model, url), { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).detail).toBe(
      `Invalid value for ${field(model)}: ${url} names no file uploaded to this fake server (upload it first, or pass the bytes)`,
    );
  });

  onlyWhere(model.v2)(
    'v2: an input URL naming no asset of the fake makes the job FAIL, saying so',
    async () => {
      const url = `${server.url}/assets/never-uploaded.png`;
      const err = await client(server.url)
        .run(model.slug, paramsWith(model, url), { interval: 5 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InferenceFailedError);
      expect((err as InferenceFailedError).detail).toContain(
        `${url} names no file uploaded to this fake server`,
      );
    },
  );

  onlyWhere(!model.v2)('has no v2 endpoint: a submit is a 404', async () => {
    const err = await client(server.url)
      .submitAsync(model.slug, paramsWith(model, 'https://images.example.com/a.png'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  onlyWhere(!model.v1)('has no v1 endpoint: a v1 call is a 404', async () => {
    const err = await client(server.url)
      .runSync(model.slug, paramsWith(model, 'https://images.example.com/a.png'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  onlyWhere(model.v1)(
    'answers {"image": base64} with base64: true, the same image as the bytes answer',
    async () => {
      const c = client(server.url);
      const asBytes = (await c.runSync(model.slug, paramsWith(model, photo))) as ImageResult;
      const res = await request(`${server.url}/v1/${model.slug}`, {
        method: 'POST',
        headers: { 'x-api-key': 'SG_fake0000000000', 'content-type': 'application/json' },
        body: JSON.stringify({ ...paramsWith(model, server.uploads[0]!.url), base64: true }),
      });
      const { image } = (await res.body.json()) as { image: string };
      expect(fakeImageInputs(Buffer.from(image, 'base64'))).toEqual(fakeImageInputs(asBytes.data));
    },
  );
});

describe('outputs of image-input models', () => {
  it('are the same bytes for the same inputs and parameters, and differ in colour for another input', async () => {
    const c = client(server.url);
    const run = async (image: Uint8Array, prompt = 'p') =>
      ((await c.runSync('flux-kontext-pro', { prompt, input_image: image, seed: 7 })) as ImageResult).data;
    const a = await run(photo);
    const b = await run(photo);
    expect(Buffer.compare(a, b)).toBe(0);
    const other = await run(renderPng(48, 32, 'another photo'));
    expect(Buffer.compare(a, other)).not.toBe(0);
    expect(pngSize(other)).toEqual(pngSize(a));
  });

  it('follow the requested aspect ratio over the input size', async () => {
    const image = (await client(server.url).runSync('flux-kontext-pro', {
      prompt: 'x',
      input_image: photo,
      aspect_ratio: '16:9',
    })) as ImageResult;
    expect(pngSize(image.data)).toEqual(sizeForAspectRatio('16:9'));
  });

  it('name every input of a list, in order, under the segmind:inputs text chunk', async () => {
    const second = renderPng(8, 8, 'second');
    const image = (await client(server.url).runSync('flux-2-klein-4b', {
      prompt: 'x',
      image_urls: [photo, 'https://images.example.com/b.png', second],
    })) as ImageResult;
    expect(JSON.parse(readPngText(image.data)['segmind:inputs']!)).toEqual({
      'image_urls[0]': sha256(photo),
      'image_urls[1]': 'https://images.example.com/b.png',
      'image_urls[2]': sha256(second),
    });
  });

  it("can be fed back: a finished job's output URL is an input on the fake", async () => {
    const c = client(server.url);
    const first = await c.run('flux-kontext-pro', { prompt: 'day', input_image: photo }, { interval: 5 });
    const firstImage = (await c.download(first)).data;
    const second = await c.runSync('flux-kontext-pro', {
      prompt: 'night',
      input_image: first.output as string,
    });
    expect(fakeImageInputs((second as ImageResult).data)).toEqual({ input_image: sha256(firstImage) });
  });

  it('an input that is not a URL fails on the fake (500 on v1) naming the field', async () => {
    const err = await client(server.url)
      .runSync(
        'flux-kontext-pro',
        { prompt: 'x', input_image: 'photo.jpg' },
        { maxRetries: 0, validate: false },
      )
      .catch((e: unknown) => e);
    // The registry's own rule answers first: the fake validates with it.
    expect((err as InternalServerError).detail).toMatch(
      /^Invalid value for input_image: must be an http\(s\) URL/,
    );
  });

  it('text-to-image models keep their bytes: no text chunk, as before', async () => {
    const image = (await client(server.url).runSync('flux-schnell', {
      prompt: 'a tiger',
      width: 512,
      height: 512,
    })) as ImageResult;
    expect(readPngText(image.data)).toEqual({});
    expect(Buffer.compare(image.data, renderPng(512, 512, 'a tiger\u0000123456789'))).toBe(0);
  });
});

describe("the fake's 401s", () => {
  it('say a missing key is missing and a wrong key (with the apiKey option) is invalid', async () => {
    const strict = await createMockServer({ apiKey: 'SG_right0000000000' });
    try {
      const err = await client(strict.url, { apiKey: 'SG_wrong0000000000' })
        .runSync('flux-schnell', { prompt: 'x' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).detail).toBe(
        'Invalid API key: the x-api-key header holds a key this server does not accept',
      );
      const res = await request(`${strict.url}/v2/flux-schnell`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"x"}',
      });
      expect([res.statusCode, await res.body.json()]).toEqual([
        401,
        { error: 'Missing Authorization or x-api-key in header' },
      ]);
    } finally {
      await strict.close();
    }
  });
});
