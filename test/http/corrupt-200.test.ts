import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { HttpResponse, http } from 'msw';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { UndiciTransport } from '../../src/http/undici/undici-transport.js';
import { APIError, ConnectionError, type ImageResult, SegmindClient } from '../../src/index.js';
import { readSyncOutput } from '../../src/results/decode-output.js';
import { API_KEY, JPEG } from '../support/fixtures.js';
import { serveHandlers } from '../support/msw-server.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => serveHandlers());

// Image bytes whose base64 has `/` and `+` in it, so escapes of `/` matter.
const IMAGE = Buffer.concat([JPEG, Buffer.from([0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0x00, 0x10, 0x83])]);
const B64 = IMAGE.toString('base64');

function answer(body: string | Buffer, headers: Record<string, string>, chunkSize = 0) {
  server.use(
    http.post('*/v1/*', () => {
      const bytes = Buffer.from(body);
      if (!chunkSize) return new HttpResponse(bytes, { headers: { 'x-request-id': 'req-7', ...headers } });
      let at = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.subarray(at, at + chunkSize));
          at += chunkSize;
        },
      });
      return new HttpResponse(stream, { headers: { 'x-request-id': 'req-7', ...headers } });
    }),
  );
}

const client = () => new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });

async function refused(model = 'flux-schnell'): Promise<APIError> {
  const err = await client()
    .runSync(model, { prompt: 'x' })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(APIError);
  const e = err as APIError;
  expect(e.status).toBe(200);
  expect(e.message).toMatch(/may have been billed/);
  expect(e.requestId).toBe('req-7');
  expect(server.requests).toHaveLength(1);
  return e;
}

describe('a corrupt 200 is refused, never returned as wrong bytes', () => {
  it.each([
    ['a character outside base64', `${B64.slice(0, 8)}!${B64.slice(8)}`],
    ['a length no base64 can have', `${B64}A`],
    ['data after the padding', 'QQ==QUFB'],
    ['non-ASCII', `${B64.slice(0, 4)}é${B64.slice(4)}`],
    ['an escaped quote', `${B64.slice(0, 4)}\\"${B64.slice(4)}`],
  ])(
    'invalid base64 (%s) in {"image"} is an APIError with status 200 and the request id',
    async (_w, text) => {
      for (const chunk of [0, 1]) {
        server.reset();
        answer(`{"image":"${text}"}`, { 'content-type': 'application/json' }, chunk);
        await refused();
      }
    },
  );

  it('invalid base64 after a data: prefix is refused as well', async () => {
    answer(`{"image":"data:image/jpeg;base64,${B64.slice(0, 5)}*${B64.slice(5)}"}`, {
      'content-type': 'application/json',
    });
    await refused();
  });

  it('decodes JSON escapes in the base64 as JSON defines them (\\/, \\u002f, \\n), in any chunking', async () => {
    const escaped = B64.replace(/\//g, (_m, at: number) => (at % 2 ? '\\u002f' : '\\/')).replace(
      /(.{16})/g,
      '$1\\n',
    );
    expect(escaped).toContain('\\u002f');
    for (const chunk of [0, 1, 3, 7]) {
      server.reset();
      answer(`{"image":"${escaped}","seed":5}`, { 'content-type': 'application/json' }, chunk);
      const image = (await client().runSync('flux-schnell', { prompt: 'x' })) as ImageResult;
      expect(Buffer.from(image.data).equals(IMAGE)).toBe(true);
      expect(image.extra).toEqual({ seed: 5 });
    }
  });

  it('an empty 200 is refused for a typed model', async () => {
    answer('', { 'content-type': 'image/jpeg' });
    await refused();
  });

  it('an empty {"image": ""} is refused', async () => {
    answer('{"image":""}', { 'content-type': 'application/json' });
    await refused();
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['br', brotliCompressSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
  ] as const)('decodes an image sent with content-encoding %s', async (encoding, encode) => {
    answer(encode(IMAGE), { 'content-type': 'image/jpeg', 'content-encoding': encoding });
    const image = (await client().runSync('flux-schnell', { prompt: 'x' })) as ImageResult;
    expect(Buffer.from(image.data).equals(IMAGE)).toBe(true);
  });

  it('decodes a gzip-encoded {"image"} JSON answer', async () => {
    answer(gzipSync(`{"image":"${B64}"}`), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const image = (await client().runSync('flux-schnell', { prompt: 'x' })) as ImageResult;
    expect(Buffer.from(image.data).equals(IMAGE)).toBe(true);
  });

  it('refuses a body in a content-encoding it cannot decode', async () => {
    answer(IMAGE, { 'content-type': 'image/jpeg', 'content-encoding': 'compress' });
    const err = await refused();
    expect(err.message).toMatch(/content-encoding "compress"/);
  });

  it('refuses a gzip body that does not decode', async () => {
    const broken = gzipSync(IMAGE);
    broken[12] = (broken[12] ?? 0) ^ 0xff;
    answer(broken.subarray(0, broken.length - 6), {
      'content-type': 'image/jpeg',
      'content-encoding': 'gzip',
    });
    const err = await refused();
    expect(err.message).toMatch(/does not decode/);
  });
});

describe('a compressed body whose connection breaks', () => {
  it('is a ConnectionError (the network), not a decoding error', async () => {
    const zipped = gzipSync(Buffer.alloc(512 * 1024, 7));
    server.use(
      http.post('*/v1/*', () => {
        let sent = false;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent) return controller.error(new Error('cut'));
            sent = true;
            controller.enqueue(zipped.subarray(0, 1024));
          },
        });
        return new HttpResponse(stream, {
          headers: { 'content-type': 'image/jpeg', 'content-encoding': 'gzip' },
        });
      }),
    );
    const err = await client()
      .runSync('flux-schnell', { prompt: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).requestSent).toBe(true);
    expect((err as Error).message).not.toMatch(/does not decode/);
  });
});

describe('a v1 answer without content', () => {
  it('a 204 on an untyped model resolves to undefined', async () => {
    server.use(http.post('*/v1/*', () => new HttpResponse(null, { status: 204 })));
    await expect(client().runSync('some-other-model', { prompt: 'x' })).resolves.toBeUndefined();
  });

  it.each([
    ['a 204', 204, '', 'no content (204)'],
    ['JSON without an image', 200, '{"note":"hi"}', 'JSON without an image'],
    ['text', 200, 'hello', 'text instead of an image'],
  ] as const)(
    'for an image model, %s is an APIError keeping status and request id',
    async (_w, status, body, text) => {
      server.use(
        http.post('*/v1/*', () =>
          status === 204
            ? new HttpResponse(null, { status, headers: { 'x-request-id': 'req-7' } })
            : new HttpResponse(body, {
                status,
                headers: {
                  'x-request-id': 'req-7',
                  'content-type': body.startsWith('{') ? 'application/json' : 'text/plain',
                },
              }),
        ),
      );
      const agent = new Agent();
      try {
        const res = await new UndiciTransport(agent, 10_000).send({
          method: 'POST',
          url: new URL(`${server.url}/v1/flux-schnell`),
          headers: { 'content-type': 'application/json' },
          body: '{}',
          timeout: 10_000,
          billable: true,
        });
        const err = (await readSyncOutput(res, { expectImage: true }).catch((e: unknown) => e)) as APIError;
        expect(err).toBeInstanceOf(APIError);
        expect([err.status, err.requestId]).toEqual([status, 'req-7']);
        expect(err.message).toContain(text);
        expect(err.message).toMatch(/may have been billed/);
      } finally {
        await agent.close();
      }
    },
  );
});
