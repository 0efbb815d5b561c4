// Image parameters on the command line and in batch lines: a path is a file, uploaded by the SDK
// before the model request; an http(s) URL goes as is; a path that is no readable file is refused
// before anything is sent.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, fakeImageInputs, renderPng } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';
import { cli, tempDir } from './run-cli.js';

const server = useServer(() => createMockServer({ queueTime: 10, jobDuration: 20 }));
useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url });
const modelPosts = () => server.requests.filter((r) => r.method === 'POST' && /^\/v[12]\//.test(r.path));
const photo = renderPng(16, 16, 'the photo');
const other = renderPng(16, 16, 'another photo');
const sha256 = async (bytes: Uint8Array) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
const URL_B = 'https://images.example.com/b.png';

beforeEach(() => {
  dir = tempDir('segmind-images-');
  writeFileSync(join(dir, 'photo.png'), photo);
  writeFileSync(join(dir, 'other.png'), other);
});

describe('an image flag with a path', () => {
  it('uploads the file and sends its URL: segmind run flux-kontext-pro "make it night" --input-image photo.png', async () => {
    const r = await cli(
      ['run', 'flux-kontext-pro', 'make it night', '--input-image', 'photo.png', '-o', 'night.png'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(server.uploads).toHaveLength(1);
    expect(server.uploads[0]!.sha256).toBe(await sha256(photo));
    expect(modelPosts()).toHaveLength(1);
    expect(modelPosts()[0]!.json).toEqual({ prompt: 'make it night', input_image: server.uploads[0]!.url });
    // The fake drew the output from the image it was sent: the photo arrived.
    expect(fakeImageInputs(readFileSync(join(dir, 'night.png')))).toEqual({
      input_image: await sha256(photo),
    });
  });

  it('a list by repetition keeps its order, a path uploaded and a URL untouched', async () => {
    const r = await cli(
      [
        'sync',
        'flux-2-klein-4b',
        'both',
        '--image-urls',
        'photo.png',
        '--image-urls',
        URL_B,
        '--image-urls',
        'other.png',
      ],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(server.uploads.map((u) => u.sha256)).toEqual([await sha256(photo), await sha256(other)]);
    expect(modelPosts()[0]!.json).toEqual({
      prompt: 'both',
      image_urls: [server.uploads[0]!.url, URL_B, server.uploads[1]!.url],
    });
  });

  it('--param takes a path for an image parameter too, relative to the current folder', async () => {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'day.png'), photo);
    const r = await cli(['sync', 'flux-kontext-pro', 'night', '--param', 'input_image=in/day.png'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(server.uploads).toHaveLength(1);
    expect(modelPosts()[0]!.json).toEqual({ prompt: 'night', input_image: server.uploads[0]!.url });
  });
});

describe('an image flag with a URL', () => {
  it('is sent as written, nothing uploaded', async () => {
    const r = await cli(['sync', 'flux-kontext-pro', 'night', '--input-image', URL_B, '-o', 'o/'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(server.requests.filter((q) => q.path === '/upload-asset')).toHaveLength(0);
    expect(modelPosts()[0]!.json).toEqual({ prompt: 'night', input_image: URL_B });
  });
});

describe('a path that is no readable file is refused before anything is sent (exit 2)', () => {
  it.each([
    [
      ['--input-image', 'missing.png'],
      '--input-image: no such file missing.png (an image is a file path or an http(s) URL)',
    ],
    [['--input-image', '.'], '--input-image: . is a folder, not an image file'],
    [['--param', 'input_image=nope/x.png'], '--param input_image: no such file nope/x.png'],
  ])('%j', async (flags, message) => {
    const r = await cli(['run', 'flux-kontext-pro', 'night', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('a file that is not an image, or is empty: refused by its first bytes, with the SDK’s own check', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'not an image at all');
    writeFileSync(join(dir, 'empty.png'), '');
    const r = await cli(
      ['sync', 'flux-2-klein-4b', 'x', '--image-urls', 'notes.txt', '--image-urls', 'empty.png'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--image-urls: notes.txt: not a PNG, JPEG, WebP or GIF image (it starts with 6e 6f 74',
    );
    expect(r.stderr).toContain('--image-urls: empty.png: the image is empty (0 bytes)');
    expect(server.requests).toHaveLength(0);
  });

  it('in a list, naming its place', async () => {
    const r = await cli(
      ['sync', 'flux-2-klein-4b', 'x', '--param', `image_urls=["photo.png","${URL_B}","gone.png"]`],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--param image_urls[2]: no such file gone.png');
    expect(server.requests).toHaveLength(0);
  });
});

describe('a JSONL batch with image paths', () => {
  it('reads each path relative to the JSONL file’s folder, and uploads a photo used by many lines once', async () => {
    mkdirSync(join(dir, 'jobs', 'photos'), { recursive: true });
    writeFileSync(join(dir, 'jobs', 'photos', 'day.png'), photo);
    writeFileSync(
      join(dir, 'jobs', 'edits.jsonl'),
      [
        { prompt: 'night', input_image: 'photos/day.png' },
        { prompt: 'snow', input_image: 'photos/day.png' },
        { prompt: 'rain', input_image: URL_B },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const r = await cli(['batch', 'flux-kontext-pro', 'jobs/edits.jsonl', '-o', 'out/'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(server.uploads).toHaveLength(1);
    const url = server.uploads[0]!.url;
    const sent = modelPosts().map((q) => q.json as { prompt: string; input_image: string });
    expect(sent.sort((a, b) => a.prompt.localeCompare(b.prompt))).toEqual([
      { prompt: 'night', input_image: url },
      { prompt: 'rain', input_image: URL_B },
      { prompt: 'snow', input_image: url },
    ]);
  });

  it('from stdin, paths are relative to the current folder; a flag’s image applies to every line', async () => {
    const input = '{"prompt":"a","image_urls":["photo.png"]}\n{"prompt":"b"}\n';
    const r = await cli(
      ['batch', 'flux-2-klein-4b', '-', '--via', 'sync', '--image-urls', 'other.png', '-o', 'out/'],
      {
        env: env(),
        cwd: dir,
        input,
      },
    );
    expect(r.code).toBe(0);
    const [photoHash, otherHash] = [await sha256(photo), await sha256(other)];
    expect(new Set(server.uploads.map((u) => u.sha256))).toEqual(new Set([photoHash, otherHash]));
    const urlOf = (hash: string) => server.uploads.find((u) => u.sha256 === hash)!.url;
    const sent = modelPosts().map((q) => q.json as { prompt: string });
    expect(sent.sort((a, b) => a.prompt.localeCompare(b.prompt))).toEqual([
      { prompt: 'a', image_urls: [urlOf(photoHash)] },
      { prompt: 'b', image_urls: [urlOf(otherHash)] },
    ]);
  });

  it('rerun with its journal, the lines are known by the photo’s content: nothing sent or uploaded again', async () => {
    writeFileSync(
      join(dir, 'edits.jsonl'),
      '{"prompt":"night","input_image":"photo.png"}\n{"prompt":"snow","input_image":"other.png"}\n',
    );
    const args = ['batch', 'flux-kontext-pro', 'edits.jsonl', '-o', 'out/', '--journal', 'run.jsonl'];
    const first = await cli(args, { env: env(), cwd: dir });
    expect(first.code).toBe(0);
    expect(server.uploads).toHaveLength(2);
    expect(modelPosts()).toHaveLength(2);
    const again = await cli(args, { env: env(), cwd: dir });
    expect(again.code).toBe(0);
    expect(again.events.at(-1)).toMatchObject({ event: 'summary', succeeded: 2, kept: 2 });
    expect(server.uploads).toHaveLength(2);
    expect(modelPosts()).toHaveLength(2);
  });

  it('lines naming a missing file or one that is no image: each reported with its line number, nothing sent', async () => {
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(join(dir, 'jobs', 'photo.png'), photo);
    writeFileSync(join(dir, 'jobs', 'notes.txt'), 'text');
    writeFileSync(
      join(dir, 'jobs', 'edits.jsonl'),
      [
        '{"prompt":"a","input_image":"photo.png"}',
        '{"prompt":"b","input_image":"lost.png"}',
        '{"prompt":"c","input_image":"notes.txt"}',
      ].join('\n'),
    );
    const r = await cli(['batch', 'flux-kontext-pro', 'jobs/edits.jsonl', '-o', 'out/'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2: input_image: no such file jobs/lost.png');
    expect(r.stderr).toContain('line 3: input_image: jobs/notes.txt: not a PNG, JPEG, WebP or GIF image');
    expect(server.requests).toHaveLength(0);
  });
});
