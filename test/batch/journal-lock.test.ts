// One run per journal at a time: the lock file next to the journal.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SegmindError } from '../../src/index.js';
import { runNode, spawnNode } from '../support/child.js';
import { useFakes } from '../support/use-server.js';
import { clientFor, journalEvents, mostBilledForOnePrompt, posts, prompts, submits, tmp } from './support.js';

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

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const { stdout } = await runNode(['-e', 'console.log(process.pid)']);
  return Number(stdout.trim());
}

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

  it('a second process is refused with the holder named, and pays nothing', async () => {
    const server = await fake({ jobDuration: 60_000 });
    const journal = join(await tmp(), 'run.jsonl');
    const script = `
      import { SegmindClient } from 'segmind';
      const client = new SegmindClient({ apiKey: 'SG_test0000000000000', baseURL: process.env.URL, logLevel: 'off' });
      const params = Array.from({ length: 20 }, (_, i) => ({ prompt: 'p' + i }));
      for await (const item of client.batch('fast-flux-schnell', params, { concurrency: 2, journal: process.env.JOURNAL })) {}
    `;
    const child = spawnNode(['--input-type=module', '-e', script], {
      env: { URL: server.url, JOURNAL: journal },
    });
    try {
      // The child holds the journal once it has journaled its first submit.
      while (!(await readFile(journal, 'utf8').catch(() => '')).includes('"submitted"')) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const sent = posts(server).length;
      const refused = clientFor(server).batch('fast-flux-schnell', prompts(20), { journal }).all();
      await expect(refused).rejects.toThrow(
        new RegExp(
          `in use by process ${child.pid} on ${hostname()}, since \\d{4}-.*delete .*run\\.jsonl\\.lock`,
        ),
      );
      expect(posts(server).length).toBe(sent);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // Its holder is gone: the lock is taken over, and the jobs it submitted are re-attached.
    const submitted = (await journalEvents(journal)).filter((e) => e.e === 'submitted').map((e) => e.id);
    const resumed = await clientFor(server)
      .batch('fast-flux-schnell', prompts(20), { journal, signal: AbortSignal.timeout(500) })
      .all();
    for (const id of submitted) expect(resumed.map((i) => i.requestId)).toContain(id);
    expect(mostBilledForOnePrompt(server)).toBe(1);
  });

  it("a dead process's lock is taken over", async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    await writeFile(`${journal}.lock`, lockText(await deadPid()));
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
    await writeFile(`${journal}.lock`, lockText(await deadPid(), { host: 'some-other-host' }));
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
