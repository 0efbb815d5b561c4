import { describe, expect, it } from 'vitest';
import { uploadBody, urlsFrom } from '../../src/uploads/upload-request.js';

const STEP = 3 * 1024 * 1024;
const bytesOf = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 7 + seed) & 0xff);

describe('the upload body', () => {
  it('is exactly the JSON of the data URLs, whatever the sizes (pieces of base64 join up)', () => {
    const sizes = [1, 2, 3, 4, STEP - 1, STEP, STEP + 1, 2 * STEP + 2];
    const files = sizes.map((size, i) => ({
      type: i % 2 ? 'image/png' : 'image/jpeg',
      bytes: bytesOf(size, i),
    }));
    const expected = JSON.stringify({
      data_urls: files.map((f) => `data:${f.type};base64,${Buffer.from(f.bytes).toString('base64')}`),
    });
    const body = uploadBody(files);
    expect(body.length).toBe(expected.length);
    expect(Buffer.from(body).toString('latin1') === expected).toBe(true);
  });
});

describe('the storage answer', () => {
  const where = new URL('https://workflows-api.segmind.com/upload-asset');
  it('takes file_urls, or urls, with as many http(s) URLs as files sent', () => {
    expect(urlsFrom('{"file_urls":["https://a/1.png","https://a/2.png"]}', 2, where)).toEqual([
      'https://a/1.png',
      'https://a/2.png',
    ]);
    expect(
      urlsFrom('{"urls":["https://storage.segmind.com/assets/x.png"],"message":"ok"}', 1, where),
    ).toEqual(['https://storage.segmind.com/assets/x.png']);
  });

  it.each([
    ['too few', '{"file_urls":["https://a/1.png"]}', 2],
    ['not a URL', '{"file_urls":["/assets/1.png"]}', 1],
    ['another scheme', '{"file_urls":["ftp://a/1.png"]}', 1],
    ['not JSON', '<html>', 1],
    ['empty', '', 1],
  ])('refuses %s, quoting the answer', (_, text, count) => {
    expect(() => urlsFrom(text, count, where)).toThrow(
      `Segmind storage (POST ${where.href}) answered without`,
    );
  });
});
