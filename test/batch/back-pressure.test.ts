// A batch never runs ahead of its consumer: input pulled lazily, at most `concurrency` in flight
// and `concurrency` finished items waiting; `break` stops submitting like an abort.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakes } from '../support/use-server.js';
import { clientFor, journalEvents, mostBilledForOnePrompt, posts, prompts, submits, tmp } from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 10 });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('back-pressure', () => {
  it('an endless input and a slow consumer: submits stay within 2 × concurrency of what was read', async () => {
    const server = await fake();
    const concurrency = 3;
    let pulled = 0;
    let closed = false;
    function* endless() {
      try {
        for (;;) yield { prompt: `p${pulled++}`, width: 512, height: 512 };
      } finally {
        closed = true;
      }
    }
    let consumed = 0;
    const ahead: number[] = [];
    const batch = clientFor(server).batch('flux-schnell', endless(), { via: 'sync', concurrency });
    for await (const item of batch) {
      expect(item.ok).toBe(true);
      consumed++;
      // Started but not yet read: at most `concurrency` in flight plus `concurrency - 1` waiting
      // (an item starts only while fewer than `concurrency` wait), besides the one held here.
      ahead.push(pulled - consumed, posts(server).length - consumed);
      await new Promise((resolve) => setTimeout(resolve, 20)); // a consumer slower than the fake
      if (consumed === 30) break;
    }
    expect(Math.max(...ahead)).toBeLessThanOrEqual(2 * concurrency - 1);
    expect(closed).toBe(true); // the input was told the batch is done with it
    // Nothing was sent after the break.
    const total = posts(server).length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(posts(server).length).toBe(total);
    expect(total).toBeLessThanOrEqual(30 + 2 * concurrency - 1);
  });

  it('the input is pulled only when an item can start', async () => {
    const server = await fake();
    let pulled = 0;
    async function* input() {
      for (;;) {
        pulled++;
        yield { prompt: `p${pulled}`, width: 512, height: 512 };
      }
    }
    const batch = clientFor(server).batch('flux-schnell', input(), { via: 'sync', concurrency: 2 });
    const iterator = batch[Symbol.asyncIterator]();
    await iterator.next(); // one finished; the consumer holds it and reads no further
    for (let i = 0; i < 40; i++) await tick();
    // Besides the one held: two in flight, or finished and waiting, and never more than three.
    expect(pulled).toBeLessThanOrEqual(1 + 3);
    expect(posts(server).length).toBe(pulled);
    await iterator.return?.();
  });

  it('break stops submitting; a submit on the wire still gets its id journaled, and a rerun re-attaches', async () => {
    const server = await fake({ jobDuration: 10 });
    const journal = join(await tmp(), 'run.jsonl');
    server.inject({ delay: 300, match: { method: 'POST' } }); // one of the two submits answers late
    for await (const item of clientFor(server).batch('fast-flux-schnell', prompts(12), {
      concurrency: 2,
      journal,
    })) {
      expect(item.ok).toBe(true);
      while (submits(server).length < 2) await tick(); // the late one is on the wire
      break;
    }
    expect(submits(server)).toHaveLength(2);
    // Both jobs exist on the server and both ids are journaled: nothing is "may have been billed".
    const events = await journalEvents(journal);
    expect(events.filter((e) => e.e === 'submitted')).toHaveLength(2);
    expect(events.filter((e) => e.e === 'billed')).toHaveLength(0);
    const items = await clientFor(server).batch('fast-flux-schnell', prompts(12), { journal }).all();
    expect(items.every((i) => i.ok)).toBe(true);
    expect(submits(server)).toHaveLength(12);
    expect(mostBilledForOnePrompt(server)).toBe(1);
  });
});
