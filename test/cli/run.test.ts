import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, pngSize, sizeForAspectRatio } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { useManualClock } from '../support/manual-clock.js';
import { useFakes, useServer } from '../support/use-server.js';
import { cli, tempDir } from './run-cli.js';

const KEY = 'SG_0123456789abcdef';
const server = useServer(() => createMockServer({ queueTime: 50, jobDuration: 100 }));
const fake = useFakes();
useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: server.url });
const posts = () => server.requests.filter((r) => r.method === 'POST');

beforeEach(() => {
  dir = tempDir();
});

describe('segmind run', () => {
  it('submits one job, reports its states as JSON lines and saves the image to -o', async () => {
    const r = await cli(
      ['run', 'fast-flux-schnell', 'a fox in the snow', '--aspect-ratio', '16:9', '-o', 'fox.png'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    const kinds = r.events.map((e) => (e.event === 'status' ? `status:${e.status}` : e.event));
    expect(kinds[0]).toBe('submitted');
    expect(kinds.at(-1)).toBe('result');
    expect(kinds).toContain('status:COMPLETED');
    const id = r.events[0]!.requestId as string;
    expect(r.events.at(-1)).toMatchObject({
      requestId: id,
      files: [{ path: 'fox.png', contentType: 'image/png' }],
    });
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.json).toEqual({ prompt: 'a fox in the snow', aspect_ratio: '16:9' });
    // The fake draws a real PNG of the size the aspect ratio asked for.
    expect(pngSize(readFileSync(join(dir, 'fox.png')))).toEqual(sizeForAspectRatio('16:9'));
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('reads the prompt from stdin when it is left out', async () => {
    const r = await cli(['run', 'fast-flux-schnell', '-o', 'a.png'], {
      env: env(),
      cwd: dir,
      input: 'a lighthouse\n',
    });
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ prompt: 'a lighthouse' });
  });

  it('names the file after the model and request id without -o', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox'], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    const id = r.events[0]!.requestId as string;
    const file = (r.events.at(-1)!.files as { path: string }[])[0]!.path;
    expect(file).toBe(`fast-flux-schnell-${id.replace(/-/g, '').slice(0, 8)}.png`);
    expect(readFileSync(join(dir, file)).subarray(1, 4).toString()).toBe('PNG');
  });

  it.each([
    [['--steps', '9'], '--steps: must be an integer from 1 to 8'],
    [['--steps', 'four'], '--steps: must be an integer from 1 to 8'],
    [['--aspect-ratio', '16:10'], '--aspect-ratio: must be one of'],
    [['--param', 'sampler=euler'], '--param sampler: unknown parameter'],
    [['--width', '1024'], '--width is not a parameter of fast-flux-schnell'],
    [['--stepz', '3'], 'unknown flag --stepz; did you mean --steps?'],
    [['--seed'], '--seed needs a value'],
    [['--timeout', 'soon'], '--timeout: must be a duration'],
  ])(
    'refuses %j with exit 2, naming the flag and the rule, before sending anything',
    async (flags, message) => {
      const r = await cli(['run', 'fast-flux-schnell', 'a fox', ...flags], { env: env(), cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.events.at(-1)).toMatchObject({ event: 'error', exitCode: 2 });
      expect(server.requests).toHaveLength(0);
    },
  );

  it('lists every broken rule of flux-schnell at once', async () => {
    const r = await cli(['run', 'flux-schnell', 'x', '--width', '513', '--steps', '0', '--denoise', '2'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--width: must be a multiple of 8');
    expect(r.stderr).toContain('--steps: must be an integer from 1 to 8');
    expect(r.stderr).toContain('--denoise: must be a number from 0 to 1');
    expect(server.requests).toHaveLength(0);
  });

  it('needs a prompt for a typed model (exit 2)', async () => {
    const r = await cli(['run', 'fast-flux-schnell'], { env: env(), cwd: dir, input: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a prompt is required');
    expect(server.requests).toHaveLength(0);
  });

  it('never overwrites an existing file without --force, and checks before sending', async () => {
    writeFileSync(join(dir, 'fox.png'), 'mine');
    const refused = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png'], {
      env: env(),
      cwd: dir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('fox.png already exists; pass --force');
    expect(server.requests).toHaveLength(0);
    expect(readFileSync(join(dir, 'fox.png'), 'utf8')).toBe('mine');

    const forced = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'fox.png', '--force'], {
      env: env(),
      cwd: dir,
    });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'fox.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('exits 1 with the request id when the job FAILS', async () => {
    const failing = await fake({
      queueTime: 10,
      jobDuration: 20,
      failWhen: () => 'CUDA out of memory',
    });
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'f.png'], {
      env: { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: failing.url },
      cwd: dir,
    });
    expect(r.code).toBe(1);
    const id = r.events[0]!.requestId as string;
    expect(r.events.at(-1)).toMatchObject({
      event: 'error',
      exitCode: 1,
      error: { name: 'InferenceFailedError', requestId: id },
    });
    expect(r.stderr).toContain('CUDA out of memory');
    expect(r.stderr).toContain(id);
  });

  it('sends --param values as JSON to a model it does not type', async () => {
    server.inject({
      match: { path: '/v2/some-model' },
      status: 200,
      body: { request_id: 'job-1', status: 'QUEUED' },
    });
    server.inject({
      match: { path: '/v2/requests/job-1/status' },
      status: 200,
      body: { status: 'COMPLETED', request_id: 'job-1' },
    });
    server.inject({
      match: { path: '/v2/requests/job-1' },
      status: 200,
      body: { status: 'COMPLETED', output: 'just text' },
    });
    const r = await cli(
      [
        'run',
        'some-model',
        '--param',
        'prompt=hi',
        '--param',
        'steps=4',
        '--param',
        'tags=["a"]',
        '--param',
        'mode=fast',
      ],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ prompt: 'hi', steps: 4, tags: ['a'], mode: 'fast' });
    expect(r.events.at(-1)).toMatchObject({ event: 'result', requestId: 'job-1', files: [] });
  });

  it('refuses typed flags for an untyped model, pointing at --param', async () => {
    const r = await cli(['run', 'some-model', 'hi', '--steps', '4'], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--steps is not a flag of some-model, a model outside the SDK's registry: pass --param steps=…",
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('the API key', () => {
  it('is required: exit 2 naming SEGMIND_API_KEY and --api-key-file', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox'], {
      env: { SEGMIND_BASE_URL: server.url },
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SEGMIND_API_KEY');
    expect(r.stderr).toContain('--api-key-file');
  });

  it('is never taken from a flag, and the refusal does not echo it', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '--api-key', 'SG_secretsecret1234'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--api-key is not accepted');
    expect(r.stdout + r.stderr).not.toContain('SG_secretsecret1234');
    expect(server.requests).toHaveLength(0);
  });

  it('is read from --api-key-file (one line) and sent only as x-api-key', async () => {
    writeFileSync(join(dir, 'key'), 'SG_fromthefile1234\n');
    const r = await cli(
      ['run', 'fast-flux-schnell', 'a fox', '--api-key-file', 'key', '--base-url', server.url],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(server.requests[0]!.headers['x-api-key']).toBe('SG_fromthefile1234');
  });

  it('is never printed, even when the server refuses it', async () => {
    const secret = 'SG_notvalid0000000';
    server.inject({ status: 401, body: { error: `Invalid key ${secret}` } });
    const r = await cli(['run', 'fast-flux-schnell', 'a fox'], {
      env: { SEGMIND_API_KEY: secret, SEGMIND_BASE_URL: server.url },
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.events.at(-1)).toMatchObject({
      event: 'error',
      error: { name: 'AuthenticationError', status: 401 },
    });
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('with a newline inside is refused before anything is sent (exit 2)', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox'], {
      env: { SEGMIND_API_KEY: 'SG_abc\nSG_def', SEGMIND_BASE_URL: server.url },
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('SG_abc');
    expect(server.requests).toHaveLength(0);
  });
});

describe('failures on the way', () => {
  it('a server that cannot be reached exits 1 with a ConnectionError', async () => {
    const gone = await fake();
    const url = gone.url;
    await gone.close();
    const r = await cli(['sync', 'flux-schnell', 'a fox'], {
      env: { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: url },
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.events.at(-1)).toMatchObject({ event: 'error', error: { name: 'ConnectionError' } });
  });

  it('a wait that outlives --timeout exits 1 and says how to resume the job', async () => {
    const slow = await fake({ queueTime: 10, jobDuration: 60_000 });
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '--timeout', '300ms'], {
      env: { SEGMIND_API_KEY: KEY, SEGMIND_BASE_URL: slow.url },
      cwd: dir,
    });
    expect(r.code).toBe(1);
    const id = [...slow.jobs.keys()][0]!;
    expect(r.events.at(-1)).toMatchObject({
      event: 'error',
      error: { name: 'InferenceTimeoutError', requestId: id },
    });
    expect(r.stderr).toContain(`segmind job ${id} --wait`);
  });

  it('a plain-http base URL that is not loopback is refused (exit 2) before anything is sent', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '--base-url', 'http://example.com'], {
      env: { SEGMIND_API_KEY: KEY },
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('https');
  });
});
