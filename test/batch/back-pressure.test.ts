// A batch never runs ahead of its consumer: input pulled lazily, at most `concurrency` in flight
// and `concurrency` finished items waiting; `break` stops submitting like an abort.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakes } from '../support/use-server.js';
import { clientFor, journalEvents, mostBilledForOnePrompt, prompts, submits, tmp } from './support.js';

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
        for (;;) yield { prompt: `p${pulled++}` };
      } finally {
        closed = true;
      }
    }
    let consumed = 0;
    const ahead: number[] = [];
    for await (const item of clientFor(server).batch('fast-flux-schnell', endless(), { concurrency })) {
      expect(item.ok).toBe(true);
      consumed++;
      // Started but not yet read: at most `concurrency` in flight plus `concurrency - 1` waiting
      // (an item starts only while fewer than `concurrency` wait), besides the one held here.
      ahead.push(pulled - consumed, submits(server).length - consumed);
      await tick(); // a consumer slower than the fake
      if (consumed === 40) break;
    }
    expect(Math.max(...ahead)).toBeLessThanOrEqual(2 * concurrency - 1);
    expect(closed).toBe(true); // the input was told the batch is done with it
    // Nothing was sent after the break.
    const total = submits(server).length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(submits(server).length).toBe(total);
    expect(total).toBeLessThanOrEqual(40 + 2 * concurrency - 1);
  });

  it('the input is pulled only when an item can start', async () => {
    const server = await fake({ jobDuration: 200 });
    let pulled = 0;
    async function* input() {
      for (;;) {
        pulled++;
        yield { prompt: `p${pulled}` };
      }
    }
    const iterator = clientFor(server)
      .batch('fast-flux-schnell', input(), { concurrency: 2 })
      [Symbol.asyncIterator]();
    await iterator.next(); // one finished; the consumer holds it and reads no further
    for (let i = 0; i < 40; i++) await tick();
    // Two in flight and two waiting at most, plus the one held, whatever the time allowed.
    expect(pulled).toBeLessThanOrEqual(1 + 2 * 2);
    await iterator.return?.();
  });

  it('break stops submitting; a rerun re-attaches to what was submitted and pays nothing twice', async () => {
    const server = await fake({ jobDuration: (p) => (p.prompt === 'p0' ? 10 : 400) });
    const journal = join(await tmp(), 'run.jsonl');
    for await (const item of clientFor(server).batch('fast-flux-schnell', prompts(12), {
      concurrency: 4,
      journal,
    })) {
      expect(item.index).toBe(0);
      break;
    }
    const first = submits(server).length;
    expect(first).toBeLessThan(12);
    // Every submitted job is journaled with its id, and none was reported may-have-been-billed.
    const events = await journalEvents(journal);
    expect(events.filter((e) => e.e === 'submitted')).toHaveLength(first);
    expect(events.filter((e) => e.e === 'billed')).toHaveLength(0);
    const items = await clientFor(server).batch('fast-flux-schnell', prompts(12), { journal }).all();
    expect(items.every((i) => i.ok)).toBe(true);
    expect(submits(server)).toHaveLength(12);
    expect(mostBilledForOnePrompt(server)).toBe(1);
  });
});
