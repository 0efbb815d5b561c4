// Every transition of an item's state machine (src/batch/item-state.ts) against a crash right after
// it was journaled: a first run writes its lines; for each line, the journal is cut right after it
// (what a kill -9 at that moment leaves, since every line is flushed before the run moves on) and
// the batch is run again on the same fake. The rerun must never pay for what was paid, and must
// send what was never billed.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply, ITEM_EVENTS, type ItemState, onRerun, TRANSITIONS } from '../../src/batch/item-state.js';
import {
  type BatchItem,
  ConnectionError,
  InferenceFailedError,
  type SegmindClient,
  SegmindError,
} from '../../src/index.js';
import type { Fault, MockServer } from '../../src/testing/index.js';
import { useFakes } from '../support/use-server.js';
import { clientFor, posts, prompts, tmp, warningClient } from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 20 });

interface Scenario {
  name: string;
  model: string;
  via: 'async' | 'sync';
  /** Faults for the first run only. */
  faults?: Fault[];
  failWhen?: boolean;
  /** The events the first run journals, in order. */
  events: string[];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'async, answered at once',
    model: 'fast-flux-schnell',
    via: 'async',
    events: ['sending', 'submitted', 'finished'],
  },
  {
    name: 'async, a 429 then accepted',
    model: 'fast-flux-schnell',
    via: 'async',
    faults: [{ status: 429, match: { method: 'POST' } }],
    events: ['sending', 'not-billed', 'sending', 'submitted', 'finished'],
  },
  {
    name: 'async, the job fails',
    model: 'fast-flux-schnell',
    via: 'async',
    failWhen: true,
    events: ['sending', 'submitted', 'failed'],
  },
  {
    name: 'async, the connection dies once the submit was read',
    model: 'fast-flux-schnell',
    via: 'async',
    faults: [{ reset: true, match: { method: 'POST' } }],
    events: ['sending', 'billed'],
  },
  { name: 'sync, answered at once', model: 'flux-schnell', via: 'sync', events: ['sending', 'finished'] },
  {
    name: 'sync, a 500 then answered',
    model: 'flux-schnell',
    via: 'sync',
    faults: [{ status: 500, match: { method: 'POST' } }],
    events: ['sending', 'not-billed', 'sending', 'finished'],
  },
  {
    name: 'sync, an untyped model answering without a request id',
    model: 'my-own-model',
    via: 'sync',
    faults: [{ status: 200, body: { answer: 42 }, match: { method: 'POST' }, times: 1 }],
    events: ['sending', 'finished'],
  },
  {
    name: 'sync, a 400 (refused, nothing billed)',
    model: 'my-own-model',
    via: 'sync',
    faults: [{ status: 400, body: { error: 'bad' }, match: { method: 'POST' }, times: 1 }],
    events: ['sending', 'not-billed'],
  },
];

/** What a rerun must do after a crash right after `last` was journaled. */
function expected(last: string | undefined, s: Scenario): { sends: number; outcome: string } {
  switch (last) {
    case undefined:
    case 'not-billed':
      return { sends: 1, outcome: 'sent again' };
    case 'sending':
    case 'billed':
      return { sends: 0, outcome: 'may have been billed' };
    case 'submitted':
      return { sends: 0, outcome: s.failWhen ? 'job failed' : 'ok' };
    case 'failed':
      return { sends: 0, outcome: 'job failed' };
    case 'finished':
      return { sends: 0, outcome: s.via === 'sync' ? 'finished earlier' : 'ok' };
    default:
      throw new Error(`unexpected ${last}`);
  }
}

function outcomeOf(item: BatchItem<unknown, unknown>): string {
  if (item.ok) return 'ok';
  if (item.error instanceof ConnectionError && item.error.requestSent) return 'may have been billed';
  if (item.error instanceof InferenceFailedError) return 'job failed';
  if (/finished in an earlier run/.test(item.error.message)) return 'finished earlier';
  return `${item.error.name}: ${item.error.message}`;
}

const run = (
  c: SegmindClient,
  s: Scenario,
  prompt: string,
  journal: string,
): Promise<BatchItem<unknown, unknown>[]> =>
  s.via === 'sync'
    ? c.batch(s.model, [{ prompt }], { via: 'sync', journal }).all()
    : c.batch(s.model, [{ prompt }], { journal }).all();

describe('the item state machine', () => {
  it('allows exactly the transitions the README lists', () => {
    expect(TRANSITIONS).toEqual({
      new: ['sending'],
      sending: ['not-billed', 'submitted', 'finished', 'billed'],
      'not-billed': ['sending'],
      submitted: ['finished', 'failed'],
      finished: [],
      failed: ['finished', 'failed'],
      billed: [],
    });
    // Every event leads somewhere, and a line without an id keeps the id an earlier one learned.
    for (const e of ITEM_EVENTS) expect(TRANSITIONS).toHaveProperty(e);
    const submitted = apply({ state: 'new' }, { e: 'submitted', id: 'job1' });
    expect(apply(submitted, { e: 'finished' })).toEqual({ state: 'finished', id: 'job1' });
  });

  it('a rerun sends only items that were never billed', () => {
    const rerun = (state: ItemState, via: 'async' | 'sync' = 'async') => onRerun(state, via).action;
    expect(rerun({ state: 'new' })).toBe('send');
    expect(rerun({ state: 'not-billed', error: 'RateLimitError', message: '429' })).toBe('send');
    expect(rerun({ state: 'sending' })).toBe('report-billed');
    expect(rerun({ state: 'billed', error: 'ConnectionError', message: 'reset' })).toBe('report-billed');
    expect(rerun({ state: 'submitted', id: 'j' })).toBe('reattach');
    expect(rerun({ state: 'failed', id: 'j', error: 'InferenceFailedError', message: 'x' })).toBe('reattach');
    expect(rerun({ state: 'finished', id: 'j' })).toBe('fetch-result');
    expect(rerun({ state: 'finished' })).toBe('report-finished');
    expect(rerun({ state: 'finished', id: 'j' }, 'sync')).toBe('report-finished');
  });
});

describe('a crash right after each journal line', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.events.join(' → ')}`, async () => {
      const server = await fake({
        failWhen: (p) => (s.failWhen && String(p.prompt).startsWith('fail') ? 'content blocked' : undefined),
      });
      const dir = await tmp();
      const prompt = s.failWhen ? 'fail-me' : 'crash-me';
      // The first run, to the end: the lines a run writes, in order.
      const full = join(dir, 'full.jsonl');
      for (const fault of s.faults ?? []) server.inject(fault);
      await run(clientFor(server), s, prompt, full);
      const lines = (await readFile(full, 'utf8')).split('\n').filter(Boolean);
      const [header, ...events] = lines;
      expect(events.map((l) => JSON.parse(l).e)).toEqual(s.events);
      for (let k = 0; k <= events.length; k++) {
        const last = k === 0 ? undefined : s.events[k - 1];
        const want = expected(last, s);
        // Cut right after line k; then the same cut with the next line torn half way.
        const variants = [{ torn: false, text: `${[header, ...events.slice(0, k)].join('\n')}\n` }];
        if (k < events.length) {
          const next = events[k]!;
          variants.push({ torn: true, text: `${variants[0]!.text}${next.slice(0, next.length >> 1)}` });
        }
        for (const v of variants) {
          const journal = join(dir, `cut-${k}-${v.torn ? 'torn' : 'whole'}.jsonl`);
          await writeFile(journal, v.text);
          const before = posts(server).length;
          const warnings: string[] = [];
          const [item] = await run(warningClient(server, warnings), s, prompt, journal);
          const where = `cut after ${last ?? 'the header'}${v.torn ? ' + a torn line' : ''}`;
          expect(posts(server).length - before, where).toBe(want.sends);
          // Sent again: whatever the fake answers now, never reported may-have-been-billed.
          if (want.outcome === 'sent again') expect(outcomeOf(item!), where).not.toBe('may have been billed');
          else expect(outcomeOf(item!), where).toBe(want.outcome);
          expect(
            warnings.filter((w) => /unreadable line/.test(w)),
            where,
          ).toHaveLength(v.torn ? 1 : 0);
        }
      }
    });
  }
});

describe('what a rerun reports', () => {
  it('a finished v1 item is never sent again, even without a request id', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'sync.jsonl');
    server.inject({ status: 200, body: { answer: 42 }, match: { method: 'POST' } });
    const [first] = await clientFor(server)
      .batch('my-own-model', [{ prompt: 'a' }], { via: 'sync', journal })
      .all();
    expect(first!.ok).toBe(true);
    expect(first!.requestId).toBeUndefined();
    const [second] = await clientFor(server)
      .batch('my-own-model', [{ prompt: 'a' }], { via: 'sync', journal })
      .all();
    expect(posts(server)).toHaveLength(1);
    expect(second!.ok).toBe(false);
    expect(second!.error).toBeInstanceOf(SegmindError);
    expect(second!.error!.message).toMatch(/finished in an earlier run.*neither fetched nor paid for again/);
  });

  it('a 429 that ended the call is recorded, and a rerun sends the item', async () => {
    const server: MockServer = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    server.inject({ status: 429, match: { method: 'POST' } });
    const [first] = await clientFor(server, { maxRetries: 0 })
      .batch('fast-flux-schnell', [{ prompt: 'a' }], { journal })
      .all();
    expect(first!.error?.name).toBe('RateLimitError');
    const [second] = await clientFor(server)
      .batch('fast-flux-schnell', [{ prompt: 'a' }], { journal })
      .all();
    expect(second!.ok).toBe(true);
    expect(server.jobs.size).toBe(1);
  });

  it('aborted during the 429 pause: the items are recorded not billed, and a rerun sends them', async () => {
    const server = await fake();
    const journal = join(await tmp(), 'run.jsonl');
    const reset = new Date(Date.now() + 30_000).toISOString();
    server.inject({
      status: 429,
      match: { method: 'POST' },
      times: 3,
      headers: { 'x-rate-limit-reset-at-utc': reset },
    });
    const controller = new AbortController();
    const batch = clientFor(server).batch('fast-flux-schnell', prompts(3), {
      journal,
      signal: controller.signal,
    });
    const run = batch.all();
    // Ctrl-C once all three 429s are journaled: the client is in its 30-second pause.
    while ((await readFile(journal, 'utf8').catch(() => '')).split('"not-billed"').length < 4) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    const first = await run;
    expect(first.map((i) => i.error?.name)).toEqual(['UserAbortError', 'UserAbortError', 'UserAbortError']);
    expect(server.jobs.size).toBe(0);
    const second = await clientFor(server).batch('fast-flux-schnell', prompts(3), { journal }).all();
    expect(second.every((i) => i.ok)).toBe(true);
    expect(server.jobs.size).toBe(3);
  });
});
