// The journal lock against real processes: a second process is refused while the first runs, and
// the lock a killed process leaves is taken over.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnNode } from '../support/child.js';
import { useFakes } from '../support/use-server.js';
import { clientFor, journalEvents, mostBilledForOnePrompt, posts, prompts, tmp } from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 20 });

describe('the journal lock, between processes', () => {
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
      // Its own items are `p…`; the second opener's are `q…`, so what it would send is told apart
      // from the child's second submit, which may still be on its way.
      const refused = clientFor(server).batch('fast-flux-schnell', prompts(20, 'q'), { journal }).all();
      await expect(refused).rejects.toThrow(
        new RegExp(
          `in use by process ${child.pid} on ${hostname()}, since \\d{4}-.*delete .*run\\.jsonl\\.lock`,
        ),
      );
      expect(
        posts(server).filter((r) => String((r.json as { prompt?: unknown }).prompt).startsWith('q')),
      ).toEqual([]);
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
});
