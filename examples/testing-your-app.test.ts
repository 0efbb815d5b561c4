// Testing your own app with segmind/testing under vitest: a real local server, no key, no network.
import { SegmindClient, ValidationError } from 'segmind';
import { createMockServer, type MockServer, pngSize } from 'segmind/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The code under test: your app's function that makes a thumbnail.
async function makeThumbnail(client: SegmindClient, prompt: string) {
  const image = await client.runSync('flux-schnell', { prompt, width: 512, height: 512 });
  return { bytes: image.data.length, type: image.contentType, data: image.data };
}

let server: MockServer;
let client: SegmindClient;
beforeAll(async () => {
  server = await createMockServer();
  client = new SegmindClient({ apiKey: 'test-key', baseURL: server.url, maxRetries: 1 });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

it('makes a 512×512 thumbnail with one request', async () => {
  const thumb = await makeThumbnail(client, 'a cat');
  expect(pngSize(thumb.data)).toEqual({ width: 512, height: 512 });
  expect(server.requests.filter((r) => r.path === '/v1/flux-schnell')).toHaveLength(1);
});

it('survives one 503 from Segmind (the SDK retries it)', async () => {
  server.inject({
    match: { path: '/v1/flux-schnell' },
    status: 503,
    body: { error: 'busy' },
    headers: { 'retry-after': '0' },
  });
  const thumb = await makeThumbnail(client, 'a dog');
  expect(thumb.type).toBe('image/png');
});

it('rejects a bad prompt before calling Segmind', async () => {
  const before = server.requests.length;
  await expect(makeThumbnail(client, '')).rejects.toBeInstanceOf(ValidationError);
  expect(server.requests.length).toBe(before);
});
