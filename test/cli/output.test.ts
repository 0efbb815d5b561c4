// Output files: every refusal before a request is sent (a submitted job is a paid one), and files
// named by what the server sent.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';
import { cli, tempDir } from './run-cli.js';

const server = useServer(() => createMockServer({ queueTime: 20, jobDuration: 40 }));
useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url });
const isRoot = process.getuid?.() === 0;

beforeEach(() => {
  dir = tempDir('segmind-out-');
});

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47];
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

// Every command that writes an image, with `-o` given.
const COMMANDS: [string, (output: string[]) => string[]][] = [
  ['run', (o) => ['run', 'fast-flux-schnell', 'a fox', ...o]],
  ['sync', (o) => ['sync', 'flux-schnell', 'a fox', ...o]],
  ['job --wait', (o) => ['job', 'some-job', '--wait', ...o]],
];

describe.each(COMMANDS)('segmind %s refuses, exit 2 with nothing sent,', (_, command) => {
  const refused = async (output: string[], message: string | RegExp) => {
    const r = await cli(command(output), { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.events.at(-1)).toMatchObject({ event: 'error', exitCode: 2 });
    expect(server.requests).toHaveLength(0);
    return r;
  };

  it('an existing file without --force (and leaves it alone)', async () => {
    writeFileSync(join(dir, 'fox.png'), 'mine');
    await refused(['-o', 'fox.png'], 'fox.png already exists; pass --force');
    expect(readFileSync(join(dir, 'fox.png'), 'utf8')).toBe('mine');
  });

  it('a symbolic link to a missing file without --force', async () => {
    symlinkSync(join(dir, 'nowhere', 'x.png'), join(dir, 'fox.png'));
    await refused(['-o', 'fox.png'], 'fox.png is a symbolic link to a missing file');
  });

  it('a folder that does not exist', async () => {
    await refused(['-o', 'missing/fox.png'], 'folder missing does not exist (for missing/fox.png)');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('a file where a folder is needed', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'x');
    await refused(['-o', 'notes.txt/fox.png'], 'notes.txt is a file, not a folder');
  });

  it('a folder where the file would go', async () => {
    mkdirSync(join(dir, 'fox.png'));
    // `-o fox` names fox.png for a PNG: that name is a folder.
    await refused(['-o', 'fox'], 'fox.png is a folder');
  });

  it('a file without an extension whose image name is taken', async () => {
    writeFileSync(join(dir, 'fox.jpg'), 'mine');
    await refused(['-o', 'fox'], 'fox.jpg already exists');
  });

  it.skipIf(process.platform !== 'linux')('a folder nothing can be written into (/proc)', async () => {
    await refused(['-o', '/proc/fox.png'], 'cannot write into /proc');
  });

  it.skipIf(isRoot)('a folder without write permission', async () => {
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    await refused(['-o', 'locked/fox.png'], 'cannot write into locked');
    await refused(['-o', 'locked/new/'], 'cannot create folder locked/new/');
  });

  it('a folder nothing can be written into, for the default name', async () => {
    if (process.platform !== 'linux') return;
    const r = await cli(command([]), { env: env(), cwd: '/proc' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write into .');
    expect(server.requests).toHaveLength(0);
  });
});

describe('segmind batch refuses, exit 2 with nothing sent,', () => {
  beforeEach(() => {
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\na cat\n');
  });
  const refused = async (flags: string[], message: string) => {
    const r = await cli(['batch', 'fast-flux-schnell', 'prompts.txt', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  };

  it('an -o that is a file', async () => {
    await refused(['-o', 'prompts.txt'], 'prompts.txt is a file, not a folder');
  });

  it('a folder where a line writes its image, even with --force or --journal', async () => {
    mkdirSync(join(dir, 'out', '0002.png'), { recursive: true });
    await refused(['-o', 'out'], 'out/0002.png is a folder; line 2 writes its image there');
    await refused(['-o', 'out', '--force'], 'out/0002.png is a folder');
    await refused(['-o', 'out', '--journal', 'j.jsonl'], 'out/0002.png is a folder');
  });

  it('a dangling symbolic link where a line writes its image', async () => {
    mkdirSync(join(dir, 'out'));
    symlinkSync(join(dir, 'nowhere.png'), join(dir, 'out', '0001.png'));
    await refused(['-o', 'out', '--journal', 'j.jsonl'], 'out/0001.png is a symbolic link to a missing file');
  });
});

describe('what is accepted', () => {
  it('--force replaces a dangling symbolic link with the image', async () => {
    symlinkSync(join(dir, 'nowhere.png'), join(dir, 'fox.png'));
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png', '--force'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'fox.png')).isFile()).toBe(true);
    expect([...readFileSync(join(dir, 'fox.png')).subarray(0, 4)]).toEqual(PNG_HEAD);
  });

  it('an -o ending in / is a folder, created when missing', async () => {
    const r = await cli(['sync', 'flux-schnell', 'a fox', '-o', 'a/b/'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    const path = (r.events.at(-1)!.files as { path: string }[])[0]!.path;
    expect(path).toMatch(/^a\/b\/flux-schnell-[0-9a-f]{8}\.png$/);
    expect(existsSync(join(dir, path))).toBe(true);
  });
});

describe('file names follow what the server sent', () => {
  // A job whose output is inline base64 under the given media type.
  const job = (dataUrl: string) => {
    server.inject({ match: { path: '/v2/fast-flux-schnell' }, status: 200, body: { request_id: 'job-1' } });
    server.inject({
      match: { path: '/v2/requests/job-1/status' },
      status: 200,
      body: { status: 'COMPLETED' },
    });
    server.inject({
      match: { path: '/v2/requests/job-1' },
      status: 200,
      body: { status: 'COMPLETED', output: dataUrl },
    });
  };

  it('without -o, the extension is the image type: .png for PNG', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    const file = (r.events.at(-1)!.files as { path: string; contentType: string }[])[0]!;
    expect(file.path).toMatch(/^fast-flux-schnell-[0-9a-f]{8}\.png$/);
    expect(file.contentType).toBe('image/png');
  });

  it('without -o, .jpg for JPEG bytes', async () => {
    job(`data:image/jpeg;base64,${JPEG.toString('base64')}`);
    const r = await cli(['run', 'fast-flux-schnell', 'a fox'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    expect(r.events.at(-1)).toMatchObject({
      files: [{ path: 'fast-flux-schnell-job-1.jpg', contentType: 'image/jpeg' }],
    });
    expect(readFileSync(join(dir, 'fast-flux-schnell-job-1.jpg'))).toEqual(JPEG);
  });

  it('the bytes decide when the content type disagrees with them', async () => {
    const png = Buffer.from([...PNG_HEAD, 0x0d, 0x0a, 0x1a, 0x0a]);
    job(`data:image/jpeg;base64,${png.toString('base64')}`);
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'out/'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ files: [{ path: 'out/fast-flux-schnell-job-1.png' }] });
  });

  it('-o x.jpg with PNG bytes: the bytes kept as sent under that name, and a warning', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'x.jpg'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    expect([...readFileSync(join(dir, 'x.jpg')).subarray(0, 4)]).toEqual(PNG_HEAD);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
    expect(r.stderr).toMatch(/warning: x\.jpg holds PNG bytes, saved as sent; .*\.png/);
    expect(r.events.find((e) => e.event === 'warning')).toMatchObject({
      code: 'extension-mismatch',
      path: 'x.jpg',
      contentType: 'image/png',
      expected: '.png',
    });
    expect(r.events.at(-1)).toMatchObject({ files: [{ path: 'x.jpg', contentType: 'image/png' }] });
  });

  it('-o x.png with PNG bytes: no warning', async () => {
    const r = await cli(['sync', 'flux-schnell', 'a fox', '-o', 'x.png'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('warning');
  });
});
