// What a journal file is: a header naming model and mode, item lines identified by content and
// occurrence, junk skipped with one warning; anything else is refused and left untouched.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBatch } from '../../src/batch/batch.js';
import type { BatchPort } from '../../src/batch/batch-port.js';
import { Journal } from '../../src/batch/journal.js';
import { SegmindError } from '../../src/index.js';
import type { Job } from '../../src/jobs/job.js';
import { useFakes } from '../support/use-server.js';
import {
  clientFor,
  journalEvents,
  journalHeader,
  posts,
  prompts,
  submits,
  tmp,
  warningClient,
} from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 20 });
const submitted = (server: Parameters<typeof submits>[0]) =>
  submits(server).map((r) => (r.json as { prompt: string }).prompt);
const silent = { warn() {} };

describe('the journal file', () => {
  it('starts with a header naming the model and the mode', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all();
    expect(await journalHeader(journal)).toMatchObject({
      segmind: 'batch-journal',
      v: 2,
      model: 'fast-flux-schnell',
      via: 'async',
    });
    const [line] = await journalEvents(journal);
    expect(line).toMatchObject({ e: 'sending', h: expect.stringMatching(/^[0-9a-f]{16}$/), n: 0, i: 0 });
  });

  it('refuses a file that is not a journal, and leaves it byte-for-byte unchanged', async () => {
    const server = await fake();
    const dir = await tmp();
    const cases = {
      'package.json': '{\n  "name": "my-app",\n  "version": "1.0.0"\n}\n',
      'notes.txt': 'remember the milk',
      'data.jsonl': '{"e":"finished","i":0,"h":"0123456789abcdef"}\n',
      'nul.jsonl': 'null\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      const journal = join(dir, name);
      await writeFile(journal, text);
      const batch = clientFor(server).batch('fast-flux-schnell', prompts(2), { journal });
      await expect(batch.all(), name).rejects.toThrow(SegmindError);
      await expect(
        clientFor(server).batch('fast-flux-schnell', prompts(2), { journal }).all(),
        name,
      ).rejects.toThrow(/is not a segmind batch journal.*left unchanged/);
      expect(await readFile(journal, 'utf8'), name).toBe(text);
    }
    expect((await readdir(dir)).sort()).toEqual(Object.keys(cases).sort()); // no lock or draft left
    expect(server.requests).toHaveLength(0);
  });

  it("refuses another model's or another mode's journal, untouched", async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all();
    const before = await readFile(journal, 'utf8');
    const sent = server.requests.length;
    await expect(clientFor(server).batch('flux-schnell', prompts(1), { journal }).all()).rejects.toThrow(
      /journal of a fast-flux-schnell batch via async, not of this flux-schnell batch via async/,
    );
    await expect(
      clientFor(server).batch('fast-flux-schnell', prompts(1), { journal, via: 'sync' }).all(),
    ).rejects.toThrow(/via async, not of this fast-flux-schnell batch via sync/);
    expect(await readFile(journal, 'utf8')).toBe(before);
    expect(server.requests).toHaveLength(sent);
  });

  it('turns an empty file into a journal', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await writeFile(journal, '');
    expect((await clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all())[0]!.ok).toBe(
      true,
    );
    expect(await journalHeader(journal)).toMatchObject({ segmind: 'batch-journal' });
  });

  it('skips junk lines with one warning per run, and keeps what the good lines say', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await clientFor(server).batch('fast-flux-schnell', prompts(2), { journal }).all();
    const junk = [
      'null',
      '42',
      '"text"',
      '[1,2]',
      '{}',
      'not json at all',
      '{"e":"finished","h":"zz","n":0}',
      '{"e":"submitted","h":"0123456789abcdef","n":0}', // submitted without an id
      '{"e":"teleported","h":"0123456789abcdef","n":0}',
      '{"e":"sending","h":"0123456789abcdef","n":-1}',
      '{"e":"fini',
    ];
    await writeFile(journal, `${await readFile(journal, 'utf8')}${junk.join('\n')}`);
    const warnings: string[] = [];
    const items = await warningClient(server, warnings)
      .batch('fast-flux-schnell', prompts(3), { journal })
      .all();
    expect(items.every((i) => i.ok)).toBe(true);
    expect(submitted(server)).toEqual(['p0', 'p1', 'p2']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/skipped 11 unreadable lines/);
  });
});

describe('items are identified by content and occurrence, not position', () => {
  it('reordering the input re-sends nothing', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await clientFor(server).batch('fast-flux-schnell', prompts(4), { journal }).all();
    const again = await clientFor(server).batch('fast-flux-schnell', prompts(4).reverse(), { journal }).all();
    expect(again.every((i) => i.ok)).toBe(true);
    expect(submits(server)).toHaveLength(4);
  });

  it('batch A, then B, then A on one journal pays for A once', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    const a = prompts(3, 'a');
    const b = prompts(3, 'b');
    for (const input of [a, b, a, b]) {
      const items = await clientFor(server).batch('fast-flux-schnell', input, { journal }).all();
      expect(items.every((i) => i.ok)).toBe(true);
    }
    expect(submitted(server).sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
  });

  it('equal items count by occurrence: two equal items are two items', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    const twice = [{ prompt: 'same' }, { prompt: 'other' }, { prompt: 'same' }];
    await clientFor(server).batch('fast-flux-schnell', twice, { journal }).all();
    expect(submitted(server)).toHaveLength(3);
    // The same input again: nothing new. A third copy: one more.
    await clientFor(server).batch('fast-flux-schnell', twice, { journal }).all();
    expect(submitted(server)).toHaveLength(3);
    await clientFor(server)
      .batch('fast-flux-schnell', [...twice, { prompt: 'same' }], { journal })
      .all();
    expect(submitted(server).filter((p) => p === 'same')).toHaveLength(3);
    expect(posts(server)).toHaveLength(4);
  });

  it('image bytes count by their content: the same photo in a new buffer is the same item', async () => {
    const journal = join(await tmp(), 'run.jsonl');
    const j = await Journal.open(journal, 'flux-kontext-pro', 'async', silent);
    try {
      const photo = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
      const key = async (input_image: unknown) => j.identify({ prompt: 'night', input_image });
      const first = await key(photo);
      const copy = await key(Buffer.from(photo)); // a second equal item: occurrence 1
      expect(copy).toEqual({ h: first.h, n: 1 });
      expect((await key(photo.slice().buffer)).h).toBe(first.h);
      expect((await key(new Blob([photo]))).h).toBe(first.h);
      expect((await key(new Uint8Array([137, 80, 78, 71, 9, 9, 9]))).h).not.toBe(first.h);
      // Nested in an array field, too.
      const nested = await j.identify({ prompt: 'night', image_urls: [photo, 'https://x/y.png'] });
      const nestedCopy = await j.identify({
        prompt: 'night',
        image_urls: [Buffer.from(photo), 'https://x/y.png'],
      });
      expect(nestedCopy).toEqual({ h: nested.h, n: 1 });
    } finally {
      await j.close();
    }
  });

  it('a rerun with the same photo in a new buffer sends nothing', async () => {
    const journal = join(await tmp(), 'run.jsonl');
    const sent: unknown[] = [];
    // A stand-in for the client: the image upload is the client's business, not the batch's.
    const port: BatchPort = {
      runSync: async (_model, params, { hooks }) => {
        await hooks?.beforeSend?.();
        sent.push(params);
        return { requestId: `r${sent.length}` };
      },
      submitAsync: () => Promise.reject(new Error('not used')),
      job: () => ({}) as Job,
      log: silent,
    };
    const input = () => [{ prompt: 'night', input_image: new Uint8Array([137, 80, 78, 71, 1, 2, 3]) }];
    const first = await createBatch(port, 'flux-kontext-pro', input(), { via: 'sync', journal }).all();
    expect(first[0]!.ok).toBe(true);
    const second = await createBatch(port, 'flux-kontext-pro', input(), { via: 'sync', journal }).all();
    expect(second[0]!.error?.message).toMatch(/finished in an earlier run \(request id r1\)/);
    expect(sent).toHaveLength(1);
  });
});
