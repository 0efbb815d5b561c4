// Parameters from the command line and batch lines: numbers sent exactly or refused, one rule for
// a parameter set twice, and no key that reaches an object's prototype.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMockServer } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TextSource } from '../../src/cli/io.js';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';
import { cli, tempDir } from './run-cli.js';

const server = useServer(() => createMockServer({ queueTime: 10, jobDuration: 20 }));
useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url });
const posts = () => server.requests.filter((r) => r.method === 'POST');

beforeEach(() => {
  dir = tempDir('segmind-params-');
});

// An untyped model on the fake: any body is accepted and answered with a finished job.
function untypedJob() {
  server.inject({ match: { path: '/v2/some-model' }, status: 200, body: { request_id: 'job-1' } });
  server.inject({ match: { path: '/v2/requests/job-1/status' }, status: 200, body: { status: 'COMPLETED' } });
  server.inject({
    match: { path: '/v2/requests/job-1' },
    status: 200,
    body: { status: 'COMPLETED', output: 'text' },
  });
}

describe('numbers are sent exactly, or refused', () => {
  it.each([
    [['--param', 'seed=9007199254740993'], '--param seed: 9007199254740993 is too large to send exactly'],
    [['--param', 'seed=-9007199254740993'], '--param seed: -9007199254740993 is too large'],
    [['--param', 'tags=[1,2,18446744073709551616]'], '--param tags: 18446744073709551616 is too large'],
    [['--param', 'opts={"a":{"b":1e400}}'], '--param opts: 1e400 is too large'],
    [['--param', 'tiny=1e-400'], '--param tiny: 1e-400 is too small to send exactly'],
  ])('an untyped model: %j is refused (exit 2), nothing sent', async (flags, message) => {
    const r = await cli(['run', 'some-model', 'hi', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [['--seed', '9007199254740993'], '--seed: 9007199254740993 is too large to send exactly'],
    [['--seed', '1e400'], '--seed: 1e400 is too large'],
    [['--param', 'seed=9007199254740993'], '--param seed: 9007199254740993 is too large'],
  ])('a typed model: %j is refused (exit 2), nothing sent', async (flags, message) => {
    const r = await cli(['sync', 'flux-schnell', 'a fox', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('the largest exact integer, and numbers inside strings, go as written', async () => {
    untypedJob();
    const r = await cli(
      [
        'run',
        'some-model',
        '--param',
        'prompt=hi',
        '--param',
        'seed=9007199254740991',
        '--param',
        'ids=["18446744073709551616",-0.5,2e3]',
      ],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(posts()[0]!.body).toBe(
      '{"prompt":"hi","seed":9007199254740991,"ids":["18446744073709551616",-0.5,2000]}',
    );
  });

  it('a JSONL batch line with a number beyond 2^53 is refused with its line number', async () => {
    writeFileSync(join(dir, 'in.jsonl'), '{"prompt":"a","seed":1}\n{"prompt":"b","seed":9007199254740993}\n');
    const r = await cli(['batch', 'fast-flux-schnell', 'in.jsonl'], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2: 9007199254740993 is too large to send exactly');
    expect(server.requests).toHaveLength(0);
  });
});

describe('a parameter set twice: the later one on the command line wins', () => {
  it.each([
    [['--steps', '2', '--param', 'steps=3'], 3],
    [['--param', 'steps=3', '--steps', '2'], 2],
    [['--steps', '2', '--steps', '4'], 4],
    [['--param', 'steps=1', '--param', 'steps=4'], 4],
  ])('run %j sends steps %d', async (flags, steps) => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ prompt: 'a fox', steps });
  });

  it('the same for sync', async () => {
    const r = await cli(['sync', 'flux-schnell', 'a fox', '--width', '512', '--param', 'width=640'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ prompt: 'a fox', width: 640 });
  });

  it('the same for batch, and a JSONL line’s own keys win over both', async () => {
    writeFileSync(join(dir, 'in.jsonl'), '{"prompt":"a"}\n{"prompt":"b","steps":1}\n');
    const r = await cli(
      ['batch', 'fast-flux-schnell', 'in.jsonl', '--param', 'steps=3', '--steps', '2', '-o', 'out/'],
      { env: env(), cwd: dir },
    );
    expect(r.code).toBe(0);
    const sent = posts().map((q) => q.json as { prompt: string; steps: number });
    expect(sent.sort((x, y) => x.prompt.localeCompare(y.prompt))).toEqual([
      { prompt: 'a', steps: 2 },
      { prompt: 'b', steps: 1 },
    ]);
  });

  it('an error names the one that won', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '--steps', '2', '--param', 'steps=9'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--param steps: must be an integer from 1 to 8');
  });

  it('is what --help says', async () => {
    for (const command of ['run', 'sync', 'batch']) {
      const r = await cli([command, '--help']);
      expect(r.stdout.replace(/\s+/g, ' ')).toContain(
        'A parameter set twice on the command line, by its flag and by --param (--steps 2 --param steps=3) or twice by either, takes the later value.',
      );
    }
    expect((await cli(['batch', '--help'])).stdout.replace(/\s+/g, ' ')).toContain(
      "a JSONL line's own keys win over them",
    );
  });

  it('a prompt given as text and as --param prompt is refused', async () => {
    const r = await cli(['run', 'fast-flux-schnell', 'a fox', '--param', 'prompt=a cat'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the prompt is given twice');
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\n');
    const batch = await cli(['batch', 'fast-flux-schnell', 'prompts.txt', '--param', 'prompt=x'], {
      env: env(),
      cwd: dir,
    });
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('the prompt is given twice');
    expect(server.requests).toHaveLength(0);
  });

  it('--param prompt is the prompt: stdin is not read for it', async () => {
    untypedJob();
    const unread: TextSource = {
      [Symbol.asyncIterator]: () => {
        throw new Error('stdin was read');
      },
    };
    const r = await cli(['run', 'some-model', '--param', 'prompt=hi'], {
      env: env(),
      cwd: dir,
      stdin: unread,
    });
    expect(r.code).toBe(0);
    expect(posts()[0]!.json).toEqual({ prompt: 'hi' });
  });
});

describe('keys that would reach a prototype are refused', () => {
  it.each([
    [
      ['--param', '__proto__={"polluted":1}'],
      '--param __proto__: "__proto__" is not accepted as a parameter name',
    ],
    [['--param', 'constructor=x'], '--param constructor: "constructor" is not accepted'],
    [['--param', 'prototype=1'], '--param prototype: "prototype" is not accepted'],
    [['--param', 'opts={"a":{"__proto__":{"polluted":1}}}'], '--param opts: "__proto__" is not accepted'],
  ])('%j: a usage error (exit 2), nothing sent', async (flags, message) => {
    const r = await cli(['run', 'some-model', 'hi', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('in a JSONL batch line, named by its line number', async () => {
    writeFileSync(join(dir, 'in.jsonl'), '{"prompt":"a"}\n{"prompt":"b","__proto__":{"steps":2}}\n');
    const r = await cli(['batch', 'fast-flux-schnell', 'in.jsonl'], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2: "__proto__" is not accepted as a parameter name');
    expect(server.requests).toHaveLength(0);
  });
});
