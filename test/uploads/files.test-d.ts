import { describe, expectTypeOf, it } from 'vitest';
import { type Files, fileFrom, type ImageInput, SegmindClient } from '../../src/index.js';

const client = new SegmindClient({ apiKey: 'k' });

describe('image input types', () => {
  it('files.upload() resolves with a URL for one file and URLs for a list', () => {
    expectTypeOf(client.files).toEqualTypeOf<Files>();
    expectTypeOf(client.files.upload(new Uint8Array(1))).resolves.toEqualTypeOf<string>();
    expectTypeOf(client.files.upload(new ArrayBuffer(1))).resolves.toEqualTypeOf<string>();
    expectTypeOf(client.files.upload(fileFrom('a.png'))).resolves.toEqualTypeOf<string>();
    expectTypeOf(client.files.upload([new Blob([]), Buffer.from('x')])).resolves.toEqualTypeOf<string[]>();
    // @ts-expect-error a path is not bytes: pass fileFrom(path)
    void client.files.upload('photo.png');
    // @ts-expect-error not an image
    void client.files.upload(42);
  });

  it("a model's image parameters take bytes, files and URLs, and nothing else", () => {
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: new Uint8Array(1) });
    void client.run('flux-kontext-pro', { prompt: 'x', input_image: fileFrom('a.png') });
    void client.runSync('flux-2-klein-4b', {
      prompt: 'x',
      image_urls: [Buffer.from('x'), new Blob([]), 'https://example.com/a.png'],
    });
    // @ts-expect-error a number is not an image
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: 42 });
  });

  it('fileFrom() is a File; ImageInput takes a URL, bytes, a Blob or a file', () => {
    expectTypeOf(fileFrom('a.png')).toEqualTypeOf<File>();
    expectTypeOf(fileFrom('a.bin', { type: 'image/heic' })).toEqualTypeOf<File>();
    expectTypeOf<'https://x/a.png'>().toExtend<ImageInput>();
    expectTypeOf<Uint8Array>().toExtend<ImageInput>();
    expectTypeOf<Buffer>().toExtend<ImageInput>();
    expectTypeOf<ArrayBuffer>().toExtend<ImageInput>();
    expectTypeOf<Blob>().toExtend<ImageInput>();
    expectTypeOf<number>().not.toExtend<ImageInput>();
  });
});
