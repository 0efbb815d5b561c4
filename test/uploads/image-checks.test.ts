// What is checked before anything is sent: the format from the bytes, the size cap, the value's kind.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { createMockServer, renderPng } from '../../src/testing/index.js';
import { sniffImageType } from '../../src/uploads/image-format.js';
import { client } from '../support/fixtures.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => createMockServer());

const bytes = (...values: number[]) => Uint8Array.from(values);
const pad = (head: Uint8Array) => {
  const out = new Uint8Array(64);
  out.set(head);
  return out;
};

const SIGNATURES: Array<[string, Uint8Array]> = [
  ['image/png', renderPng(4, 4, 'sig')],
  ['image/jpeg', pad(bytes(0xff, 0xd8, 0xff, 0xe0))],
  ['image/gif', pad(new TextEncoder().encode('GIF89a'))],
  ['image/gif', pad(new TextEncoder().encode('GIF87a'))],
  ['image/webp', pad(new TextEncoder().encode('RIFF\u0010\u0000\u0000\u0000WEBPVP8 '))],
];

/** The data URL types the fake's storage received, in order. */
const sentTypes = () => server.uploads.map((u) => u.contentType);

describe('the format comes from the bytes', () => {
  it.each(SIGNATURES)('recognises %s by its signature', async (type, image) => {
    expect(sniffImageType(image)).toBe(type);
    const url = await client(server.url).files.upload(image);
    expect(sentTypes()).toEqual([type]);
    expect(url).toMatch(new RegExp(`^${server.url}/assets/`));
  });

  it('trusts the bytes over a Blob type that says otherwise', async () => {
    await client(server.url).files.upload(new Blob([renderPng(4, 4, 'b')], { type: 'image/jpeg' }));
    expect(sentTypes()).toEqual(['image/png']);
  });

  it('takes a Blob type naming another image format when the bytes have no known signature', async () => {
    const avif = new Blob([bytes(0, 0, 0, 0x1c, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66)], {
      type: 'image/AVIF; charset=binary',
    });
    await client(server.url).files.upload(avif);
    expect(sentTypes()).toEqual(['image/avif']);
  });

  it('refuses anything else with a ValidationError naming the field, before any request', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7 not an image');
    const c = client(server.url);
    const err = await c
      .runSync('flux-kontext-pro', { prompt: 'x', input_image: pdf })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      {
        path: 'input_image',
        message: expect.stringMatching(/not a PNG, JPEG, WebP or GIF image \(it starts with 25 50 44 46/),
      },
    ]);
    const blobErr = await c
      .runSync('flux-2-klein-4b', {
        prompt: 'x',
        image_urls: ['https://example.com/a.png', new Blob([pdf], { type: 'application/pdf' })],
      })
      .catch((e: unknown) => e);
    expect((blobErr as ValidationError).issues[0]).toMatchObject({
      path: 'image_urls[1]',
      message: expect.stringContaining('its type "application/pdf" is not an image type'),
    });
    expect(server.requests).toEqual([]);
  });
});

describe('the size cap (maxUploadBytes)', () => {
  it('refuses an image over the cap and an empty one, naming each field, with nothing sent', async () => {
    const c = client(server.url, { maxUploadBytes: 1_000 });
    const big = new Uint8Array(2048);
    big.set(renderPng(2, 2, 's').subarray(0, 8)); // a PNG signature, 2 KiB long
    const err = await c
      .runSync('flux-2-klein-4b', { prompt: 'x', image_urls: [big, new Uint8Array(0), renderPng(2, 2, 's')] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      {
        path: 'image_urls[0]',
        message: 'the image is 2 KiB (2048 bytes), over maxUploadBytes (1000 bytes); it was not read',
      },
      { path: 'image_urls[1]', message: 'the image is empty (0 bytes)' },
    ]);
    expect(server.requests).toEqual([]);
  });

  it('is 50 MiB by default: a Blob one byte over is refused without reading it', async () => {
    let read = false;
    const huge = new Blob([]);
    Object.defineProperty(huge, 'size', { value: 50 * 1024 * 1024 + 1 });
    for (const method of ['arrayBuffer', 'slice', 'stream', 'bytes', 'text'] as const) {
      Object.defineProperty(huge, method, {
        value: () => {
          read = true;
          throw new Error('read');
        },
      });
    }
    const err = await client(server.url)
      .files.upload(huge)
      .catch((e: unknown) => e);
    expect((err as ValidationError).issues).toEqual([
      { path: 'file', message: expect.stringContaining('over maxUploadBytes (50 MiB (52428800 bytes))') },
    ]);
    expect(read).toBe(false);
    expect(server.requests).toEqual([]);
  });
});

describe('files.upload() takes bytes only', () => {
  it('refuses a string (a path is fileFrom), a number and an empty list, naming each', async () => {
    const files = client(server.url).files;
    const err = await files.upload(['photo.jpg', 7] as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      {
        path: 'files[0]',
        message:
          'must be image bytes (a Uint8Array, ArrayBuffer, Blob or fileFrom(path)), got the string "photo.jpg"; for a file on disk pass fileFrom(path)',
      },
      { path: 'files[1]', message: expect.stringContaining('got 7') },
    ]);
    await expect(files.upload([])).rejects.toThrow(/no file given/);
    expect(server.requests).toEqual([]);
  });

  it('takes an ArrayBuffer and a Buffer view at an offset (only the view is sent)', async () => {
    const png = renderPng(3, 3, 'ab');
    const framed = Buffer.concat([Buffer.from('junk'), png, Buffer.from('tail')]);
    const view = framed.subarray(4, 4 + png.length);
    const ab = new Uint8Array(png).buffer;
    const c = client(server.url);
    const [a, b] = await c.files.upload([view, ab]);
    // The same content twice: one stored file, one URL.
    expect(a).toBe(b);
    expect(server.uploads).toHaveLength(1);
    expect(server.uploads[0]!.size).toBe(png.length);
  });
});
