// One run per journal at a time: the lock file next to the journal. (Another process holding
// it, and a real dead holder: journal-lock.integration.test.ts.)
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmindError } from '../../src/index.js';
import { useFakes } from '../support/use-server.js';
import { clientFor, journalEvents, posts, prompts, submits, tmp } from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 20 });

/** A lock file as a holder writes it. */
const lockText = (pid: number, extra: object = {}) =>
  JSON.stringify({
    pid,
    host: hostname(),
    started: Date.now() - 1_000,
    since: Date.now(),
    token: 'abc123',
    ...extra,
  });

/** A pid no process has: above Linux's PID_MAX_LIMIT (2^22). */
const DEAD_PID = 4_194_305;

describe('the journal lock', () => {
  it('a second batch in this process on the same journal is refused before anything is sent', async () => {
    const server = await fake({ jobDuration: 300 });
    const journal = join(await tmp(), 'run.jsonl');
    const first = clientFor(server)
      .batch('fast-flux-schnell', prompts(3), { journal })
      [Symbol.asyncIterator]();
    await first.next(); // the first run holds the journal while it waits on its jobs
    const sent = posts(server).length;
    const second = clientFor(server).batch('fast-flux-schnell', prompts(3), { journal }).all();
    await expect(second).rejects.toThrow(SegmindError);
    await expect(second).rejects.toThrow(
      /in use by another batch in this process \(pid \d+\).*nothing was sent/,
    );
    expect(posts(server).length).toBe(sent);
    while (!(await first.next()).done) {}
    // Released at the end: the next run opens it and re-uses what the first one finished.
    const again = await clientFor(server).batch('fast-flux-schnell', prompts(3), { journal }).all();
    expect(again.every((i) => i.ok)).toBe(true);
    expect(submits(server)).toHaveLength(3);
    expect(await readdir(join(journal, '..'))).toEqual(['run.jsonl']);
  });

  it("a dead process's lock is taken over", async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await writeFile(`${journal}.lock`, lockText(DEAD_PID));
    const items = await clientFor(server).batch('fast-flux-schnell', prompts(2), { journal }).all();
    expect(items.every((i) => i.ok)).toBe(true);
    expect(await readdir(join(journal, '..'))).toEqual(['run.jsonl']);
  });

  it('a lock left with this pid by an earlier process (a restarted container) is taken over', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await writeFile(`${journal}.lock`, lockText(process.pid, { started: Date.now() - 86_400_000 }));
    const items = await clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all();
    expect(items[0]!.ok).toBe(true);
  });

  it("a live process's lock is never taken over", async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await writeFile(`${journal}.lock`, lockText(process.ppid));
    await expect(clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all()).rejects.toThrow(
      new RegExp(`in use by process ${process.ppid} on `),
    );
    // Another host's lock cannot be checked, so it counts as live.
    await writeFile(`${journal}.lock`, lockText(DEAD_PID, { host: 'some-other-host' }));
    await expect(clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all()).rejects.toThrow(
      /in use by process \d+ on some-other-host/,
    );
    await writeFile(`${journal}.lock`, 'not a lock');
    await expect(clientFor(server).batch('fast-flux-schnell', prompts(1), { journal }).all()).rejects.toThrow(
      /lock file that is not segmind's.*delete it/,
    );
    expect(server.requests).toHaveLength(0);
    expect(await readFile(`${journal}.lock`, 'utf8')).toBe('not a lock');
  });

  it('is released after break, after a refusal and when the input throws', async () => {
    const server = await fake();
    const dir = await tmp();
    const journal = join(dir, 'run.jsonl');
    for await (const _ of clientFor(server).batch('fast-flux-schnell', prompts(3), { journal })) break;
    expect(await readdir(dir)).toEqual(['run.jsonl']);
    await expect(
      clientFor(server).batch('flux-schnell', prompts(1), { journal }).all(), // another model: refused
    ).rejects.toThrow(SegmindError);
    expect(await readdir(dir)).toEqual(['run.jsonl']);
    function* throwing() {
      yield { prompt: 'x' };
      throw new Error('input broke');
    }
    await expect(clientFor(server).batch('fast-flux-schnell', throwing(), { journal }).all()).rejects.toThrow(
      /input broke/,
    );
    expect(await readdir(dir)).toEqual(['run.jsonl']);
    expect((await journalEvents(journal)).some((e) => e.e === 'finished')).toBe(true);
  });
});
