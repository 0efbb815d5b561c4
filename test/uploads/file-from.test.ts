import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFrom, SegmindError, ValidationError } from '../../src/index.js';
import { createMockServer, fakeImageInputs, renderPng } from '../../src/testing/index.js';
import { client } from '../support/fixtures.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() => createMockServer());
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segmind-file-from-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha256 = async (bytes: Uint8Array) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');

describe('fileFrom(path)', () => {
  it('is a File with the name, size and type of the file, read only when used', async () => {
    const png = renderPng(16, 8, 'disk');
    const path = join(dir, 'photo.PNG');
    await writeFile(path, png);
    const file = fileFrom(path);
    expect(file).toBeInstanceOf(Blob);
    expect(file).toBeInstanceOf(File);
    expect([file.name, file.size, file.type]).toEqual(['photo.PNG', png.length, 'image/png']);
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    expect(Buffer.from(await file.bytes()).equals(png)).toBe(true);
    expect(Buffer.from(await file.slice(1, 4).arrayBuffer())).toEqual(png.subarray(1, 4));
    expect(Buffer.from(await file.slice(-4).arrayBuffer())).toEqual(png.subarray(-4));
    const chunks: Uint8Array[] = [];
    for await (const chunk of file.stream()) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(png)).toBe(true);
  });

  it('takes its type from options when the extension says nothing', () => {
    expect(fileFrom(join(dir, 'upload.bin')).type).toBe('');
    expect(fileFrom(join(dir, 'upload.bin'), { type: 'image/heic' }).type).toBe('image/heic');
  });

  it('sends the file through a model call: uploaded once, the output made from it', async () => {
    const png = renderPng(24, 24, 'edit me');
    const path = join(dir, 'edit.png');
    await writeFile(path, png);
    const image = await client(server.url).runSync('flux-kontext-pro', {
      prompt: 'night',
      input_image: fileFrom(path),
    });
    expect(fakeImageInputs((image as { data: Uint8Array }).data)).toEqual({ input_image: await sha256(png) });
    expect(server.uploads).toMatchObject([{ contentType: 'image/png', size: png.length }]);
  });

  it('a missing file is a ValidationError naming the field and the path, with nothing sent', async () => {
    const missing = join(dir, 'nope.jpg');
    const file = fileFrom(missing); // no error yet: the file is looked at when used
    const err = await client(server.url)
      .run('flux-kontext-pro', { prompt: 'x', input_image: file })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      { path: 'input_image', message: `fileFrom(${JSON.stringify(missing)}): no such file` },
    ]);
    expect(() => file.size).toThrow(SegmindError);
    expect(server.requests).toEqual([]);
  });

  it('a directory is refused as not a file', async () => {
    const err = await client(server.url)
      .files.upload(fileFrom(dir))
      .catch((e: unknown) => e);
    expect((err as ValidationError).issues[0]!.message).toMatch(/: not a file$/);
  });

  it('refuses a file over maxUploadBytes from its size alone: an 8 GiB sparse file is never read', async () => {
    // Reading it would need an 8 GiB array, which this runtime cannot even allocate: the check must
    // come from the file system's size, before any read.
    const path = join(dir, 'huge.png');
    const handle = await open(path, 'w');
    await handle.write(renderPng(1, 1, 'x').subarray(0, 8));
    await handle.truncate(8 * 1024 ** 3);
    await handle.close();
    const err = await client(server.url)
      .runSync('flux-kontext-pro', { prompt: 'x', input_image: fileFrom(path) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      {
        path: 'input_image',
        message:
          'the image is 8 GiB (8589934592 bytes), over maxUploadBytes (50 MiB (52428800 bytes)); it was not read',
      },
    ]);
    expect(server.requests).toEqual([]);
    await rm(path);
  });

  it('a file that changed size after it was measured fails the read instead of sending part of it', async () => {
    const path = join(dir, 'growing.png');
    await writeFile(path, renderPng(4, 4, 'a'));
    const file = fileFrom(path);
    void file.size; // measured now
    await writeFile(path, renderPng(40, 40, 'much bigger'));
    await expect(file.arrayBuffer()).rejects.toThrow(/changed while it was being read/);
  });
});
