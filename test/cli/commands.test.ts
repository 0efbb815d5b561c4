import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer, pngSize } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/index.js';
import { useManualClock } from '../support/manual-clock.js';
import { useFakes, useServer } from '../support/use-server.js';
import { cli, tempDir } from './run-cli.js';

const server = useServer(() => createMockServer({ queueTime: 30, jobDuration: 60, credits: 10, cost: 0.25 }));
const fake = useFakes();
useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url });

beforeEach(() => {
  dir = tempDir();
});

describe('segmind sync', () => {
  it('makes one v1 call, saves the image and reports the credits left', async () => {
    const r = await cli(
      ['sync', 'flux-schnell', 'a tiger', '--width', '512', '--height', '768', '-o', 'out/'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /v1/flux-schnell']);
    expect(server.requests[0]!.json).toEqual({ prompt: 'a tiger', width: 512, height: 768 });
    const result = r.events.at(-1)!;
    expect(result).toMatchObject({ event: 'result', model: 'flux-schnell', cost: 0.25, seed: 123456789 });
    expect(typeof result.remainingCredits).toBe('number');
    const path = (result.files as { path: string }[])[0]!.path;
    expect(path).toMatch(/^out\/flux-schnell-[0-9a-f]{8}\.png$/);
    expect(pngSize(readFileSync(join(dir, path)))).toEqual({ width: 512, height: 768 });
  });

  it('exits 1 with the server message when the call is refused', async () => {
    server.inject({ status: 406, body: { error: 'Insufficient credits' } });
    const r = await cli(['sync', 'flux-schnell', 'a tiger'], { env: env(), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.events.at(-1)).toMatchObject({
      event: 'error',
      error: { name: 'InsufficientCreditsError', status: 406 },
    });
    expect(r.stderr).toContain('Insufficient credits');
  });
});

describe('segmind job', () => {
  it('prints a job status, then waits and saves with --wait -o', async () => {
    const submitted = await cli(['run', 'fast-flux-schnell', 'a fox', '-o', 'first.png'], {
      env: env(),
      cwd: dir,
    });
    const id = submitted.events[0]!.requestId as string;

    const status = await cli(['job', id], { env: env(), cwd: dir });
    expect(status.code).toBe(0);
    expect(status.events).toEqual([
      expect.objectContaining({ event: 'status', requestId: id, status: 'COMPLETED' }),
    ]);

    const waited = await cli(['job', id, '--wait', '-o', 'again.png'], { env: env(), cwd: dir });
    expect(waited.code).toBe(0);
    expect(waited.events.at(-1)).toMatchObject({
      event: 'result',
      requestId: id,
      files: [{ path: 'again.png' }],
    });
    expect(readFileSync(join(dir, 'again.png'))).toEqual(readFileSync(join(dir, 'first.png')));
  });

  it('exits 1 for a FAILED job and for an unknown one', async () => {
    const failing = await fake({ queueTime: 1, jobDuration: 1, failWhen: () => 'NSFW content' });
    const e = { SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: failing.url };
    const run = await cli(['run', 'fast-flux-schnell', 'a fox'], { env: e, cwd: dir });
    const id = run.events[0]!.requestId as string;
    const failed = await cli(['job', id], { env: e, cwd: dir });
    expect(failed.code).toBe(1);
    expect(failed.events[0]).toMatchObject({ event: 'status', status: 'FAILED', error: 'NSFW content' });

    const unknown = await cli(['job', 'no-such-job'], { env: e, cwd: dir });
    expect(unknown.code).toBe(1);
    expect(unknown.events.at(-1)).toMatchObject({ error: { name: 'NotFoundError', status: 404 } });
  });

  it('refuses a malformed id with exit 2 before sending anything', async () => {
    const r = await cli(['job', '../etc'], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});

describe('help and version', () => {
  it.each(['run', 'sync', 'batch', 'job', 'models'])(
    'segmind %s --help prints its usage and exits 0',
    async (command) => {
      const r = await cli([command, '--help'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: segmind ${command}`);
    },
  );

  it('run <model> --help lists the model’s flags with ranges, choices and defaults', async () => {
    const r = await cli(['run', 'flux-schnell', '--help'], { cwd: dir });
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('--steps <1-8> Inference steps: an integer from 1 to 8 [default: 4]');
    expect(text).toContain(
      '--width <512-2048> Width in pixels: an integer from 512 to 2048, a multiple of 8 [default: 1024]',
    );
    expect(text).toContain('--param <key=value>');
    const fast = await cli(['run', 'fast-flux-schnell', '--help'], { cwd: dir });
    expect(fast.stdout.replace(/\s+/g, ' ')).toMatch(
      /--aspect-ratio <value> Aspect ratio.*16:9.* \[default: 1:1\]/,
    );
  });

  it('--help and --version at the top level', async () => {
    const help = await cli(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    for (const c of ['run', 'sync', 'batch', 'job', 'models']) expect(help.stdout).toContain(`segmind ${c} `);
    const version = await cli(['--version'], { cwd: dir });
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('an unknown command or no command is a usage error (exit 2)', async () => {
    expect((await cli(['generate'], { cwd: dir })).code).toBe(2);
    expect((await cli([], { cwd: dir })).code).toBe(2);
  });
});

describe('the SDK does not load the CLI', () => {
  it('no module outside src/cli/ imports it', async () => {
    const { readdirSync } = await import('node:fs');
    const src = new URL('../../src/', import.meta.url).pathname;
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.startsWith('cli/'),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readFileSync(join(src, f), 'utf8'), f).not.toMatch(/from '[./]*cli\//);
  });
});

describe('the bin reaches the process only through its entry point', () => {
  it('no module in src/cli/ but index.ts reads process (streams, env, cwd, signals, exit)', async () => {
    const { readdirSync } = await import('node:fs');
    const cliDir = new URL('../../src/cli/', import.meta.url).pathname;
    const files = (readdirSync(cliDir, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && f !== 'index.ts',
    );
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const code = readFileSync(join(cliDir, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
      expect(code, f).not.toMatch(/\bprocess\.|\bDate\.now\(|\bset(Interval|Timeout)\(/);
    }
  });
});
