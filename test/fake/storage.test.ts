// The fake's Segmind storage on the wire: POST /upload-asset, GET /assets/…, server.uploads.
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createMockServer, renderPng } from '../../src/testing/index.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => createMockServer());
const JSON_TYPE = { 'content-type': 'application/json' };
const KEY = { 'x-api-key': 'SG_storage000000000' };

const upload = async (body: unknown, headers: Record<string, string> = { ...KEY, ...JSON_TYPE }) => {
  const res = await request(`${server.url}/upload-asset`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text.startsWith('{') ? JSON.parse(text) : text };
};
const dataURL = (type: string, bytes: Uint8Array) =>
  `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;

describe('POST /upload-asset', () => {
  it('stores each data URL, answers file_urls in order and serves the files back', async () => {
    const png = renderPng(5, 5, 'one');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const res = await upload({ data_urls: [dataURL('image/png', png), dataURL('image/jpeg', jpeg)] });
    expect(res.status).toBe(200);
    const urls = res.body.file_urls as string[];
    expect(res.body.message).toBe('Files uploaded successfully');
    expect(urls).toEqual([
      expect.stringMatching(new RegExp(`^${server.url}/assets/[\\w-]+\\.png$`)),
      expect.stringMatching(new RegExp(`^${server.url}/assets/[\\w-]+\\.jpg$`)),
    ]);
    expect(server.uploads).toEqual([
      {
        url: urls[0],
        contentType: 'image/png',
        size: png.length,
        sha256: createHash('sha256').update(png).digest('hex'),
        at: expect.any(Number),
      },
      {
        url: urls[1],
        contentType: 'image/jpeg',
        size: jpeg.length,
        sha256: createHash('sha256').update(jpeg).digest('hex'),
        at: expect.any(Number),
      },
    ]);
    const served = await request(urls[0]!);
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.from(await served.body.arrayBuffer()).equals(png)).toBe(true);
  });

  it('makes a new asset for every upload, as Segmind does (uploads are not idempotent)', async () => {
    const png = renderPng(2, 2, 'same');
    const a = await upload({ data_urls: [dataURL('image/png', png)] });
    const b = await upload({ data_urls: [dataURL('image/png', png)] });
    expect(a.body.file_urls[0]).not.toBe(b.body.file_urls[0]);
    expect(server.uploads.map((u) => u.sha256)).toEqual([
      server.uploads[0]!.sha256,
      server.uploads[0]!.sha256,
    ]);
  });

  it('says a missing key is missing (401)', async () => {
    const res = await upload({ data_urls: [] }, JSON_TYPE);
    expect(res).toEqual({ status: 401, body: { error: 'Missing Authorization or x-api-key in header' } });
  });

  it('says a key other than its apiKey is invalid (401), without echoing it', async () => {
    const strict = await createMockServer({ apiKey: 'SG_right0000000000' });
    try {
      const res = await request(`${strict.url}/upload-asset`, {
        method: 'POST',
        headers: { ...JSON_TYPE, 'x-api-key': 'SG_wrong0000000000' },
        body: JSON.stringify({ data_urls: [dataURL('image/png', renderPng(1, 1, 'k'))] }),
      });
      const text = await res.body.text();
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(text)).toEqual({
        error: 'Invalid API key: the x-api-key header holds a key this server does not accept',
      });
      expect(text).not.toContain('SG_wrong');
      expect(strict.uploads).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it.each([
    ['no list', {}, 'data_urls must be a non-empty list of data URLs'],
    ['an empty list', { data_urls: [] }, 'data_urls must be a non-empty list of data URLs'],
    [
      'a URL instead of data',
      { data_urls: ['https://example.com/a.png'] },
      'data_urls[0] is not a base64 data URL',
    ],
    [
      'a data URL without base64',
      { data_urls: ['data:image/png,abc'] },
      'data_urls[0] is not a base64 data URL',
    ],
    ['broken base64', { data_urls: ['data:image/png;base64,@@@='] }, 'data_urls[0] is not a base64 data URL'],
    [
      'padding in the middle',
      { data_urls: ['data:image/png;base64,AA==AAAA'] },
      'data_urls[0] is not a base64 data URL',
    ],
    ['no media type', { data_urls: ['data:;base64,AAAA'] }, 'data_urls[0] is not a base64 data URL'],
    ['nothing in it', { data_urls: ['data:image/png;base64,'] }, 'data_urls[0] is not a base64 data URL'],
  ])('answers 400 for %s, storing nothing', async (_, body, message) => {
    const good = dataURL('image/png', renderPng(1, 1, 'g'));
    const list = (body as { data_urls?: string[] }).data_urls;
    const res = await upload(list?.length ? { data_urls: [list[0], good] } : body);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
    expect(server.uploads).toEqual([]);
  });

  it('refuses a body that is not JSON (406, like the API)', async () => {
    const res = await upload('data_urls=x', { ...KEY, 'content-type': 'text/plain' });
    expect(res).toEqual({ status: 406, body: 'Invalid content type' });
  });
});

describe('GET /assets/…', () => {
  it('answers 404 for a name never uploaded', async () => {
    const res = await request(`${server.url}/assets/never.png`);
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });

  it('keeps serving an asset after reset(), which clears only the upload log', async () => {
    const png = renderPng(3, 3, 'kept');
    const { body } = await upload({ data_urls: [dataURL('image/png', png)] });
    server.reset();
    expect(server.uploads).toEqual([]);
    const served = await request(body.file_urls[0]);
    expect(served.statusCode).toBe(200);
    expect(Buffer.from(await served.body.arrayBuffer()).equals(png)).toBe(true);
  });
});

describe('the rate limit', () => {
  it('never counts storage: uploads and asset downloads are not API requests', async () => {
    const limited = await createMockServer({ rateLimit: { requestsPerMinute: 1, scope: 'all' } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await request(`${limited.url}/upload-asset`, {
          method: 'POST',
          headers: { ...KEY, ...JSON_TYPE },
          body: JSON.stringify({ data_urls: [dataURL('image/png', renderPng(1, 1, `r${i}`))] }),
        });
        expect(res.statusCode).toBe(200);
        const url = ((await res.body.json()) as { file_urls: string[] }).file_urls[0]!;
        const served = await request(url);
        expect(served.statusCode).toBe(200);
        await served.body.dump();
      }
      expect(limited.rateLimit?.windows).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});
