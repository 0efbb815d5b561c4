import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { createMockServer } from 'segmind/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { useManualClock } from '../support/manual-clock.js';
import { useServer } from '../support/use-server.js';
import { cli, parseLines, tempDir } from './run-cli.js';

const server = useServer(() =>
  createMockServer({
    queueTime: 50,
    jobDuration: (p) => (String(p.prompt).includes('slow') ? 5_000 : 200),
    failWhen: (p) => (String(p.prompt).includes('broken') ? 'the model crashed' : undefined),
  }),
);
const clock = useManualClock();
let dir: string;
const env = () => ({ SEGMIND_API_KEY: 'SG_0123456789abcdef', SEGMIND_BASE_URL: server.url });
const submits = () => server.requests.filter((r) => r.method === 'POST');

/** Lets the event loop turn until `condition` holds (the state under test), never on a timer. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

beforeEach(() => {
  dir = tempDir('segmind-batch-');
});

describe('segmind batch', () => {
  it('makes one image per prompt line, named by line number, with the flags applied to each', async () => {
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\n\na cat\na dog\n');
    const r = await cli(
      ['batch', 'fast-flux-schnell', 'prompts.txt', '-o', 'out/', '--aspect-ratio', '2:3'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(submits().map((q) => q.json)).toEqual(
      expect.arrayContaining([
        { prompt: 'a fox', aspect_ratio: '2:3' },
        { prompt: 'a cat', aspect_ratio: '2:3' },
        { prompt: 'a dog', aspect_ratio: '2:3' },
      ]),
    );
    expect(submits()).toHaveLength(3);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['0001.png', '0003.png', '0004.png']);
    const items = r.events.filter((e) => e.event === 'item');
    expect(items.map((e) => e.line).sort()).toEqual([1, 3, 4]);
    expect(items.every((e) => e.ok === true && typeof e.requestId === 'string')).toBe(true);
    expect(r.events.at(-1)).toMatchObject({ event: 'summary', total: 3, succeeded: 3, failed: 0 });
    const progress = r.events.filter((e) => e.event === 'progress');
    expect(progress.map((e) => (e.succeeded as number) + (e.failed as number))).toEqual([1, 2, 3]);
  });

  it('reads JSONL from stdin (-): each line is a params object whose keys win over the flags', async () => {
    const input = '{"prompt":"one","seed":7}\n{"prompt":"two","steps":2}\n';
    const r = await cli(['batch', 'fast-flux-schnell', '-', '--steps', '3', '-o', 'out'], {
      env: env(),
      cwd: dir,
      input,
    });
    expect(r.code).toBe(0);
    expect(submits().map((q) => q.json)).toEqual(
      expect.arrayContaining([
        { prompt: 'one', seed: 7, steps: 3 },
        { prompt: 'two', steps: 2 },
      ]),
    );
  });

  it('checks every line first: broken ones are listed with line numbers, nothing is sent (exit 2)', async () => {
    const input = '{"prompt":"ok"}\n{"prompt":"x","steps":9}\n{"prompt":"y","sampler":"euler"}\nnot json\n';
    const r = await cli(['batch', 'fast-flux-schnell', '-'], { env: env(), cwd: dir, input });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2: steps: must be an integer from 1 to 8');
    expect(r.stderr).toContain('line 3: sampler: unknown parameter');
    expect(r.stderr).toContain('line 4: not valid JSON');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses to overwrite an earlier image without --force, before sending anything', async () => {
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\n');
    writeFileSync(join(dir, '0001.png'), 'mine');
    const r = await cli(['batch', 'fast-flux-schnell', 'prompts.txt'], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('0001.png already exists');
    expect(server.requests).toHaveLength(0);
    expect(readFileSync(join(dir, '0001.png'), 'utf8')).toBe('mine');
  });

  it('a failed line does not stop the others; the batch exits 1 and names it', async () => {
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\na broken fox\na cat\n');
    const r = await cli(['batch', 'fast-flux-schnell', 'prompts.txt', '-o', 'out/'], {
      env: env(),
      cwd: dir,
    });
    expect(r.code).toBe(1);
    const failed = r.events.find((e) => e.event === 'item' && e.ok === false)!;
    expect(failed).toMatchObject({ line: 2, error: { name: 'InferenceFailedError' } });
    expect(r.stderr).toContain('line 2: ');
    expect(r.stderr).toContain('the model crashed');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['0001.png', '0003.png']);
    expect(r.events.at(-1)).toMatchObject({ event: 'summary', succeeded: 2, failed: 1 });
  });

  it.each([
    [['--concurrency', '0'], '--concurrency: must be an integer from 1 to 256'],
    [['--rpm', 'lots'], '--rpm: must be an integer'],
    [['--via', 'v3'], '--via: must be async or sync'],
  ])('refuses %j (exit 2)', async (flags, message) => {
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\n');
    const r = await cli(['batch', 'fast-flux-schnell', 'prompts.txt', ...flags], { env: env(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('--via sync makes v1 calls', async () => {
    writeFileSync(join(dir, 'prompts.txt'), 'a fox\na cat\n');
    const r = await cli(
      ['batch', 'flux-schnell', 'prompts.txt', '--via', 'sync', '--width', '512', '--height', '512'],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(
      submits()
        .map((q) => q.path)
        .sort(),
    ).toEqual(['/v1/flux-schnell', '/v1/flux-schnell']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toHaveLength(2);
  });

  it('Ctrl-C stops submitting and prints the running ids; the same command with its journal finishes without paying twice', async () => {
    writeFileSync(join(dir, 'prompts.txt'), 'a slow fox\na slow cat\nslow three\nslow four\nslow five\n');
    const args = [
      'batch',
      'fast-flux-schnell',
      'prompts.txt',
      '-o',
      'out/',
      '--concurrency',
      '2',
      '--journal',
      'run.jsonl',
    ];
    // Time moves only when the test says: the state under test is two jobs submitted and both
    // waiting for their next status check; Ctrl-C comes then.
    clock.autoAdvance(false);
    const ctrlC = new AbortController();
    const first = cli(args, { env: env(), cwd: dir, signal: ctrlC.signal });
    await until(() => server.jobs.size === 2 && clock.pending === 2);
    ctrlC.abort();
    const { code, stdout, stderr } = await first;
    clock.autoAdvance(true);
    expect(code).toBe(130);
    const running = [...server.jobs.keys()];
    expect(running).toHaveLength(2);
    const interrupted = parseLines(stdout).at(-1)!;
    expect(interrupted).toMatchObject({ event: 'interrupted' });
    expect((interrupted.running as string[]).sort()).toEqual(running.sort());
    expect(interrupted.resume).toEqual([`segmind ${args.join(' ')}`]);
    for (const id of running) expect(stderr).toContain(id);

    // The jobs finish on the server meanwhile; the re-run re-attaches to them and submits the rest.
    for (const job of server.jobs.values()) job.endsAt = Date.now();
    const again = await cli(args, { env: env(), cwd: dir });
    expect(again.code).toBe(0);
    expect(submits()).toHaveLength(5);
    expect(new Set(submits().map((q) => (q.json as { prompt: string }).prompt)).size).toBe(5);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      '0001.png',
      '0002.png',
      '0003.png',
      '0004.png',
      '0005.png',
    ]);
  });
});

describe('segmind batch on a terminal', () => {
  it('draws a progress bar that advances, with the rate limit it holds to', async () => {
    writeFileSync(join(dir, 'prompts.txt'), 'one\ntwo\nthree\nfour\n');
    const r = await cli(['batch', 'fast-flux-schnell', 'prompts.txt', '--concurrency', '1', '--rpm', '50'], {
      env: { ...env(), TERM: 'xterm-256color' },
      cwd: dir,
      tty: true,
    });
    expect(r.code).toBe(0);
    const frames = r.stderr
      .split(/\r|\n/)
      .map((l) => stripVTControlCharacters(l).trim())
      .filter(Boolean);
    const counts = frames.flatMap((l) => /\] (\d)\/4 /.exec(l)?.[1] ?? []).map(Number);
    expect(counts[0]).toBe(0);
    expect(new Set(counts).size).toBeGreaterThanOrEqual(3);
    expect(counts).toEqual([...counts].sort());
    expect(frames.some((l) => /limit 50 rpm/.test(l) && /ETA/.test(l) && /\/min/.test(l))).toBe(true);
    expect(stripVTControlCharacters(r.stdout).trim()).toMatch(/^✔ 4 saved to \./);
    expect(existsSync(join(dir, '0004.png'))).toBe(true);
  });
});
