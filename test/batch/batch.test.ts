import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  type BatchProgress,
  ConnectionError,
  InferenceFailedError,
  SegmindClient,
  SegmindError,
  UserAbortError,
} from '../../src/index.js';
import type { MockServer } from '../../src/testing/index.js';
import { useFakes } from '../support/use-server.js';

const fake = useFakes({ queueTime: 5, jobDuration: 20 });
const client = (server: MockServer, extra: object = {}) =>
  new SegmindClient({ apiKey: 'SG_test0000000000000', baseURL: server.url, logLevel: 'off', ...extra });
const submits = (server: MockServer) =>
  server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v2/'));
const prompts = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `p${i}` }));
const tmp = () => mkdtemp(join(tmpdir(), 'segmind-batch-'));

describe('client.batch()', () => {
  it('yields in completion order with for await, and all() in input order', async () => {
    const server = await fake({ jobDuration: (p) => (p.prompt === 'p0' ? 400 : 10) });
    const c = client(server);
    const seen: number[] = [];
    for await (const item of c.batch('fast-flux-schnell', prompts(4), { concurrency: 4 })) {
      expect(item.ok).toBe(true);
      expect(item.requestId).toMatch(/^[\w-]+$/);
      seen.push(item.index);
    }
    expect(seen).toHaveLength(4);
    expect(seen[3]).toBe(0);
    const all = await client(server).batch('fast-flux-schnell', prompts(4)).all();
    expect(all.map((i) => i.index)).toEqual([0, 1, 2, 3]);
    expect(all.map((i) => i.params.prompt)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(all.every((i) => i.ok && i.value.status === 'COMPLETED')).toBe(true);
  });

  it("one item's failure never stops the others", async () => {
    const server = await fake({ failWhen: (p) => (p.prompt === 'p2' ? 'content blocked' : undefined) });
    const items = await client(server)
      .batch('fast-flux-schnell', [...prompts(4), { prompt: 'x', steps: 99 }])
      .all();
    expect(items.map((i) => i.ok)).toEqual([true, true, false, true, false]);
    expect(items[2]!.error).toBeInstanceOf(InferenceFailedError);
    expect(items[2]!.requestId).toBe((items[2]!.error as InferenceFailedError).requestId);
    expect(items[4]!.error?.name).toBe('ValidationError');
    expect(submits(server)).toHaveLength(4);
  });

  it('runs v1 calls with via: sync', async () => {
    const server = await fake();
    const items = await client(server)
      .batch('flux-schnell', [{ prompt: 'a', width: 512, height: 512 }], { via: 'sync' })
      .all();
    expect(items[0]!.ok).toBe(true);
    expect(items[0]!.value?.contentType).toBe('image/png');
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/flux-schnell']);
  });

  it('takes async iterables and is consumed once', async () => {
    const server = await fake();
    async function* gen() {
      yield { prompt: 'a' };
      yield { prompt: 'b' };
    }
    const batch = client(server).batch('fast-flux-schnell', gen());
    const items = await batch.all();
    expect(items).toHaveLength(2);
    await expect(batch.all()).rejects.toThrow(/consumed once/);
    const again = async () => {
      for await (const _ of batch) break;
    };
    await expect(again()).rejects.toBeInstanceOf(SegmindError);
  });

  it('keeps at most `concurrency` items in flight and reports progress counts', async () => {
    const server = await fake({ jobDuration: 50 });
    const seen: BatchProgress[] = [];
    const items = await client(server)
      .batch('fast-flux-schnell', [...prompts(6), { prompt: 'bad', steps: 0 }], {
        concurrency: 2,
        onProgress: (p) => seen.push(p),
      })
      .all();
    expect(items).toHaveLength(7);
    expect(Math.max(...seen.map((p) => p.running))).toBe(2);
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ total: 7, queued: 0, running: 0, succeeded: 6, failed: 1 });
    expect(seen[0]).toMatchObject({ total: 7, queued: 7, running: 0, succeeded: 0, failed: 0 });
    for (const p of seen) expect(p.queued + p.running + p.succeeded + p.failed).toBe(7);
  });

  it('refuses bad options before anything is sent', async () => {
    const server = await fake();
    const c = client(server);
    expect(() => c.batch('fast-flux-schnell', prompts(1), { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => c.batch('fast-flux-schnell', prompts(1), { via: 'fast' as never })).toThrow(/via/);
    expect(() => c.batch('fast-flux-schnell', prompts(1), { waitTimeout: -1 })).toThrow(/waitTimeout/);
    expect(() => c.batch('fast-flux-schnell', 5 as never)).toThrow(/iterable/);
    expect(server.requests).toHaveLength(0);
  });

  it('abort stops submitting at once; items in flight are yielded with UserAbortError', async () => {
    const server = await fake({ jobDuration: 60_000 });
    const controller = new AbortController();
    // Every request the client hands to its dispatcher, and whether the batch was aborted by then:
    // what the client sent, not when the server got round to logging it.
    const sent: Array<{ method: string; path: string; afterAbort: boolean }> = [];
    const polled = new Set<string>();
    const dispatcher = new Agent().compose((dispatch) => (opts, handler) => {
      sent.push({ method: opts.method, path: opts.path, afterAbort: controller.signal.aborted });
      const result = dispatch(opts, handler);
      // Abort once all three items (the concurrency) are submitted and waiting: each has polled.
      if (opts.method === 'GET' && opts.path.startsWith('/v2/requests/')) polled.add(opts.path);
      if (polled.size === 3 && !controller.signal.aborted) controller.abort(new Error('stop'));
      return result;
    });
    try {
      const items = await client(server, { dispatcher })
        .batch('fast-flux-schnell', prompts(10), { concurrency: 3, signal: controller.signal })
        .all();
      expect(controller.signal.aborted).toBe(true);
      expect(items.map((i) => i.index)).toEqual([0, 1, 2]);
      for (const item of items) expect(item.error).toBeInstanceOf(UserAbortError);
      expect(submits(server)).toHaveLength(3);
      expect(sent.filter((r) => r.method === 'POST')).toHaveLength(3);
      expect(sent.filter((r) => r.afterAbort)).toEqual([]);
    } finally {
      await dispatcher.close();
    }
  });
});

describe('batch journal', () => {
  it('journals each event and a second run re-uses finished items without submitting', async () => {
    const server = await fake();
    const dir = await tmp();
    const journal = join(dir, 'run.jsonl');
    const first = await client(server).batch('fast-flux-schnell', prompts(3), { journal }).all();
    expect(first.every((i) => i.ok)).toBe(true);
    const lines = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.e === 'sending')).toHaveLength(3);
    expect(
      lines
        .filter((l) => l.e === 'submitted')
        .map((l) => l.id)
        .sort(),
    ).toEqual(first.map((i) => i.requestId).sort());
    expect(lines.filter((l) => l.e === 'finished')).toHaveLength(3);
    const second = await client(server).batch('fast-flux-schnell', prompts(3), { journal }).all();
    expect(second.map((i) => i.ok)).toEqual([true, true, true]);
    expect(second.map((i) => i.requestId)).toEqual(first.map((i) => i.requestId));
    expect(submits(server)).toHaveLength(3);
  });

  it('an edited item is a new item; the others are not sent again', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await client(server).batch('fast-flux-schnell', prompts(2), { journal }).all();
    const changed = [{ prompt: 'p0' }, { prompt: 'changed' }];
    const items = await client(server).batch('fast-flux-schnell', changed, { journal }).all();
    expect(items.every((i) => i.ok)).toBe(true);
    expect(submits(server).map((r) => (r.json as { prompt: string }).prompt)).toEqual([
      'p0',
      'p1',
      'changed',
    ]);
  });

  it('an item sent without an answer is reported may-have-been-billed and never re-sent', async () => {
    const server = await fake();
    const dir = await tmp();
    const journal = join(dir, 'run.jsonl');
    const c = client(server);
    // Learn the hash the batch uses for item 0, then leave it at "sending" as a crash would.
    await c.batch('fast-flux-schnell', prompts(1), { journal }).all();
    const [header, sending] = (await readFile(journal, 'utf8')).split('\n');
    await writeFile(journal, `${header}\n${sending}\n`);
    server.reset();
    const items = await c.batch('fast-flux-schnell', prompts(2), { journal }).all();
    expect(items[0]!.ok).toBe(false);
    expect(items[0]!.error).toBeInstanceOf(ConnectionError);
    expect((items[0]!.error as ConnectionError).requestSent).toBe(true);
    expect(items[1]!.ok).toBe(true);
    expect(submits(server)).toHaveLength(1);
    expect(await readFile(journal, 'utf8')).toMatch(/"e":"billed","h":"\w+","n":0,"i":0/);
  });

  it('writes "sending" only once a submit passes the rate limit', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    const c = client(server, { rateLimit: { requestsPerMinute: 1 } });
    const controller = new AbortController();
    // Items 1 and 2 queue behind the limit (1 per minute) until the batch is aborted.
    const batch = c.batch('fast-flux-schnell', prompts(3), {
      journal,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.succeeded === 1) controller.abort();
      },
    });
    const items = await batch.all();
    expect(items.map((i) => i.ok)).toEqual([true, false, false]);
    expect(items[1]!.error?.name).toBe('UserAbortError');
    const lines = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.e === 'sending')).toHaveLength(1);
    expect(submits(server)).toHaveLength(1);
  });
});
