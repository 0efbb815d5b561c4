// Image inputs through a client against the fake: one upload per content, the order of lists, what
// happens when an upload fails, where the key goes.
import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  InternalServerError,
  SegmindError,
  UserAbortError,
  ValidationError,
} from '../../src/index.js';
import { createMockServer, fakeImageInputs, type MockServer, renderPng } from '../../src/testing/index.js';
import { API_KEY, client } from '../support/fixtures.js';
import { useManualClock } from '../support/manual-clock.js';
import { useFakes } from '../support/use-server.js';

// Retry backoff runs on this clock: it jumps to the end of each wait, however busy the machine is.
useManualClock();
const fake = useFakes({ queueTime: 5, jobDuration: 5 });

const photo = renderPng(8, 8, 'the photo');
const other = renderPng(8, 8, 'another photo');
/** SHA-256 as hex: the identity the fake reports for an image. */
const sha256 = async (bytes: Uint8Array) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');

const paths = (server: MockServer) => server.requests.map((r) => `${r.method} ${r.path}`);
const uploadRequests = (server: MockServer) => server.requests.filter((r) => r.path === '/upload-asset');
const modelRequests = (server: MockServer) => server.requests.filter((r) => /^\/v[12]\//.test(r.path));

describe('one upload per distinct content per client', () => {
  it('500 batch items editing one photo upload it once', async () => {
    const server = await fake();
    const c = client(server.url);
    const items = Array.from({ length: 500 }, (_, i) => ({ prompt: `edit ${i}`, input_image: photo }));
    const results = await c.batch('flux-kontext-pro', items, { via: 'sync', concurrency: 16 }).all();
    expect(results.filter((r) => r.ok)).toHaveLength(500);
    expect(uploadRequests(server)).toHaveLength(1);
    expect(server.uploads).toHaveLength(1);
    const sent = modelRequests(server).map((r) => (r.json as { input_image: string }).input_image);
    expect(new Set(sent)).toEqual(new Set([server.uploads[0]!.url]));
  });

  it('concurrent calls with the same bytes share the one upload in flight', async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, delay: 50 });
    const c = client(server.url);
    const [a, b, d] = await Promise.all([
      c.runSync('flux-kontext-pro', { prompt: 'a', input_image: photo }),
      c.runSync('flux-kontext-pro', { prompt: 'b', input_image: new Uint8Array(photo) }),
      c.files.upload(new Blob([photo])),
    ]);
    expect(uploadRequests(server)).toHaveLength(1);
    expect(d).toBe(server.uploads[0]!.url);
    const digest = await sha256(photo);
    for (const image of [a, b])
      expect(fakeImageInputs((image as { data: Uint8Array }).data)).toEqual({ input_image: digest });
  });

  it('bytes changed in place between uses are new content: uploaded again, never the old URL', async () => {
    const server = await fake();
    const c = client(server.url);
    const buffer = new Uint8Array(photo);
    const send = async () => {
      await c.runSync('flux-kontext-pro', { prompt: 'x', input_image: buffer });
      return (modelRequests(server).at(-1)!.json as { input_image: string }).input_image;
    };
    const first = await send();
    expect(await send()).toBe(first); // the second use keeps a copy to compare with
    buffer[buffer.length - 5]! ^= 0xff; // same length, one byte changed
    const edited = await sha256(buffer);
    const changed = await send();
    expect(changed).not.toBe(first);
    expect(server.uploads.map((u) => u.sha256)).toEqual([await sha256(photo), edited]);
    buffer.set(photo);
    expect(await send()).toBe(first);
    expect(server.uploads).toHaveLength(2);
  });

  it('a Blob used many times is read once', async () => {
    const server = await fake();
    const blob = new Blob([photo]);
    let reads = 0;
    const arrayBuffer = blob.arrayBuffer.bind(blob);
    blob.arrayBuffer = () => {
      reads++;
      return arrayBuffer();
    };
    const c = client(server.url);
    for (let i = 0; i < 5; i++) await c.files.upload(blob);
    expect([reads, server.uploads.length]).toEqual([1, 1]);
  });

  it('withOptions() copies share the uploads; another client uploads again', async () => {
    const server = await fake();
    const c = client(server.url);
    await c.files.upload(photo);
    await c.withOptions({ timeout: 5_000 }).files.upload(photo);
    expect(server.uploads).toHaveLength(1);
    await client(server.url).files.upload(photo);
    expect(server.uploads).toHaveLength(2);
  });

  it('new images of one call go in one request, in order; known ones are not sent again', async () => {
    const server = await fake();
    const c = client(server.url);
    const known = await c.files.upload(other);
    const third = renderPng(8, 8, 'third');
    await c.runSync('flux-2-klein-4b', {
      prompt: 'x',
      image_urls: [photo, 'https://cdn.example.com/kept.png', other, third, photo],
    });
    const upload = uploadRequests(server);
    expect(upload).toHaveLength(2);
    const sentTypes = (upload[1]!.json as { data_urls: string[] }).data_urls.map((d) => d.slice(0, 22));
    expect(sentTypes).toEqual(['data:image/png;base64,', 'data:image/png;base64,']);
    const [photoUpload, thirdUpload] = server.uploads.slice(1);
    expect(photoUpload!.sha256).toBe(await sha256(photo));
    expect(thirdUpload!.sha256).toBe(await sha256(third));
    const body = modelRequests(server)[0]!.json as { image_urls: string[] };
    expect(body.image_urls).toEqual([
      photoUpload!.url,
      'https://cdn.example.com/kept.png',
      known,
      thirdUpload!.url,
      photoUpload!.url,
    ]);
  });
});

describe('URLs pass untouched', () => {
  it('a URL string is sent as given: no upload, never fetched', async () => {
    const server = await fake();
    const elsewhere = await createMockServer();
    try {
      const url = `${elsewhere.url}/assets/somewhere.png?sig=a%2Fb`;
      const params = { prompt: 'x', input_image: url };
      await client(server.url).runSync('flux-kontext-pro', params);
      expect(paths(server)).toEqual(['POST /v1/flux-kontext-pro']);
      expect((server.requests[0]!.json as { input_image: string }).input_image).toBe(url);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("the caller's params and arrays are never changed", async () => {
    const server = await fake();
    const list = [photo, 'https://cdn.example.com/b.png'];
    const params = { prompt: 'x', image_urls: list };
    await client(server.url).runSync('flux-2-klein-4b', params);
    expect(params.image_urls).toBe(list);
    expect(list[0]).toBe(photo);
  });
});

describe('a failed upload: the model request is not sent, and the error names the field', () => {
  it('a 5xx keeps its class, names the field and is not cached', async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, status: 503, body: { error: 'storage down' } });
    const c = client(server.url);
    const err = await c
      .runSync('flux-kontext-pro', { prompt: 'x', input_image: photo }, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 503, detail: 'storage down' });
    expect((err as Error).message).toBe(
      'input_image: the image upload failed, so the model request was not sent: 503 storage down',
    );
    expect(modelRequests(server)).toEqual([]);
    // The failure was not kept: the next call uploads and runs.
    await c.runSync('flux-kontext-pro', { prompt: 'x', input_image: photo });
    expect(paths(server)).toEqual(['POST /upload-asset', 'POST /upload-asset', 'POST /v1/flux-kontext-pro']);
  });

  it('names the item of a list that failed', async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, status: 500 });
    const listErr = await client(server.url)
      .runSync(
        'flux-2-klein-4b',
        { prompt: 'x', image_urls: ['https://cdn.example.com/a.png', photo] },
        { maxRetries: 0 },
      )
      .catch((e: unknown) => e);
    expect((listErr as Error).message).toMatch(/^image_urls\[1\]: the image upload failed/);
    expect(modelRequests(server)).toEqual([]);
  });

  it('a broken connection is a ConnectionError whose model request was not sent (safe to send again)', async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, reset: true });
    const err = await client(server.url)
      .run('flux-kontext-pro', { prompt: 'x', input_image: photo }, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ requestSent: false });
    expect((err as Error).message).toMatch(
      /^input_image: the image upload failed, so the model request was not sent: /,
    );
    expect(modelRequests(server)).toEqual([]);
  });

  it('a storage answer without URLs is a clear SegmindError; `urls` is accepted too', async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, status: 200, body: { message: 'ok' } });
    const c = client(server.url);
    const err = await c.files.upload(photo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmindError);
    expect((err as Error).message).toBe(
      `file: the image upload failed: Segmind storage (POST ${server.url}/upload-asset) answered without a file URL (expected {"file_urls": [...]}); got: {"message":"ok"}`,
    );
    server.inject({
      match: { path: '/upload-asset' },
      status: 200,
      body: { urls: ['https://storage.example.com/assets/x.png'] },
    });
    expect(await c.files.upload(photo)).toBe('https://storage.example.com/assets/x.png');
  });
});

describe('an upload bills nothing, so it is retried like a GET', () => {
  it('after a 5xx and after a connection broken once the request was sent', async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, status: 502 });
    server.inject({ match: { path: '/upload-asset' }, reset: true });
    const image = await client(server.url).runSync('flux-kontext-pro', { prompt: 'x', input_image: photo });
    expect(paths(server)).toEqual([
      'POST /upload-asset',
      'POST /upload-asset',
      'POST /upload-asset',
      'POST /v1/flux-kontext-pro',
    ]);
    expect(fakeImageInputs((image as { data: Uint8Array }).data)).toEqual({
      input_image: await sha256(photo),
    });
  });
});

describe('an abort', () => {
  it("ends the caller's wait at once; the shared upload finishes for the others", async () => {
    const server = await fake();
    server.inject({ match: { path: '/upload-asset' }, delay: 100 });
    const c = client(server.url);
    const controller = new AbortController();
    const aborted = c
      .runSync('flux-kontext-pro', { prompt: 'a', input_image: photo }, { signal: controller.signal })
      .catch((e: unknown) => e);
    const other = c.runSync('flux-kontext-pro', { prompt: 'b', input_image: photo });
    controller.abort(new Error('user left'));
    expect(await aborted).toBeInstanceOf(UserAbortError);
    await other;
    expect(uploadRequests(server)).toHaveLength(1);
    expect(modelRequests(server).map((r) => (r.json as { prompt: string }).prompt)).toEqual(['b']);
  });
});

describe('the key goes to baseURL and uploadURL only', () => {
  it('storage gets the key but not defaultHeaders; an image URL elsewhere gets nothing', async () => {
    const api = await fake();
    const storage = await fake();
    const elsewhere = await fake();
    const c = client(api.url, {
      uploadURL: `${storage.url}/upload-asset`,
      defaultHeaders: { 'x-team': 'search' },
    });
    await c.runSync('flux-2-klein-4b', {
      prompt: 'x',
      image_urls: [photo, `${elsewhere.url}/assets/not-fetched.png`],
    });
    expect(paths(storage)).toEqual(['POST /upload-asset']);
    const upload = storage.requests[0]!;
    expect(upload.headers['x-api-key']).toBe(API_KEY);
    expect(upload.headers['x-team']).toBeUndefined();
    expect(upload.headers['content-type']).toBe('application/json');
    expect(upload.headers.accept).toBe('application/json, text/plain, */*');
    expect(paths(api)).toEqual(['POST /v1/flux-2-klein-4b']);
    expect(api.requests[0]!.headers).toMatchObject({ 'x-api-key': API_KEY, 'x-team': 'search' });
    expect(elsewhere.requests).toEqual([]);
  });

  it('an unknown key is refused by the fake storage as invalid, and nothing else is sent', async () => {
    const server = await fake({ apiKey: 'SG_other0000000000' });
    const err = await client(server.url)
      .runSync('flux-kontext-pro', { prompt: 'x', input_image: photo })
      .catch((e: unknown) => e);
    expect((err as { status?: number }).status).toBe(401);
    expect((err as Error).message).toMatch(/^input_image: the image upload failed.*Invalid API key/);
    expect(paths(server)).toEqual(['POST /upload-asset']);
  });
});

describe('validation comes first', () => {
  it("a parameter breaking the model's rules, or a near miss of one, sends nothing (no upload either)", async () => {
    const server = await fake();
    const c = client(server.url);
    const wrongValue = await c
      .runSync('flux-kontext-pro', { prompt: 'x', input_image: photo, output_format: 'gif' as 'png' })
      .catch((e: unknown) => e);
    expect(wrongValue).toBeInstanceOf(ValidationError);
    expect((wrongValue as ValidationError).issues.map((i) => i.path)).toEqual(['output_format']);
    const typo = await c
      .run('flux-kontext-pro', { prompt: 'x', input_imge: photo } as never)
      .catch((e: unknown) => e);
    expect((typo as ValidationError).issues[0]!.message).toMatch(/did you mean input_image\?/);
    expect(server.requests).toEqual([]);
  });

  it('a model call with bytes that are not an image sends nothing, not even the other uploads', async () => {
    const server = await fake();
    const err = await client(server.url)
      .runSync('flux-2-klein-4b', { prompt: 'x', image_urls: [photo, new Uint8Array([1, 2, 3])] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(server.requests).toEqual([]);
  });
});
