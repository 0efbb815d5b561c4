// Batch options are checked like every other option: before anything is sent, naming the option,
// the rule and the value's type.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createBatch } from '../../src/batch/batch.js';
import type { BatchPort } from '../../src/batch/batch-port.js';
import type { Job } from '../../src/jobs/job.js';
import { useFakes } from '../support/use-server.js';
import { clientFor, prompts } from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 10 });

/** Collects the process warnings emitted while `body` runs. */
async function warningsDuring(body: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listen = (w: Error) => seen.push(`${w.name}: ${w.message}`);
  process.on('warning', listen);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listen);
  }
  return seen;
}

describe('batch options', () => {
  it('refuses unknown keys with a suggestion, and wrong types by their type', async () => {
    const server = await fake();
    const c = clientFor(server);
    const batch = (options: object) => () => c.batch('fast-flux-schnell', prompts(1), options as never);
    expect(batch({ concurency: 4 })).toThrow(
      /batch options: unknown option "concurency"; did you mean concurrency\? \(known: via, concurrency, journal, signal, onProgress, waitTimeout\)/,
    );
    expect(batch({ jurnal: 'x.jsonl' })).toThrow(/did you mean journal\?/);
    expect(batch({ concurrency: '50' })).toThrow(
      /batch: concurrency must be a whole number from 1 to 10000, got the string "50"/,
    );
    expect(batch({ concurrency: 0 })).toThrow(/concurrency .* got 0/);
    expect(batch({ via: 'fast' })).toThrow(/batch: via must be 'async' or 'sync', got the string "fast"/);
    expect(batch({ journal: 5 })).toThrow(/batch: journal must be a file path, got 5/);
    expect(batch({ journal: '' })).toThrow(/batch: journal must be a file path, got the string ""/);
    expect(batch({ onProgress: 'log' })).toThrow(
      /batch: onProgress must be a function, got the string "log"/,
    );
    expect(batch({ waitTimeout: '1000' })).toThrow(/batch: waitTimeout must be .* got the string "1000"/);
    expect(() => c.batch('fast-flux-schnell', prompts(1), null as never)).toThrow(
      /batch options must be an object, got null/,
    );
    expect(() => c.batch('fast-flux-schnell', 5 as never)).toThrow(/params must be an array.*got 5/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a signal that is not an AbortSignal at once', async () => {
    const server = await fake();
    const c = clientFor(server);
    expect(() => c.batch('fast-flux-schnell', prompts(1), { signal: {} as AbortSignal })).toThrow(
      /batch: signal must be an AbortSignal, got an object/,
    );
    expect(() =>
      c.batch('fast-flux-schnell', prompts(1), { signal: new AbortController() as never }),
    ).toThrow(/batch: signal must be an AbortSignal, got a AbortController/);
    expect(server.requests).toHaveLength(0);
  });

  it('one signal shared by a 10 000-item batch: one listener, no MaxListenersExceededWarning', async () => {
    const controller = new AbortController();
    const listeners: number[] = [];
    // A stand-in client that, like the real one, listens on the signal each call is given.
    const port: BatchPort = {
      runSync: async (_model, _params, { signal }) => {
        const onAbort = () => {};
        signal.addEventListener('abort', onAbort);
        listeners.push(getEventListeners(controller.signal, 'abort').length);
        await Promise.resolve();
        signal.removeEventListener('abort', onAbort);
        return {};
      },
      submitAsync: () => Promise.reject(new Error('not used')),
      job: () => ({}) as Job,
      log: { warn() {} },
    };
    const items = Array.from({ length: 10_000 }, (_, i) => ({ prompt: `p${i}` }));
    const warnings = await warningsDuring(async () => {
      const done = await createBatch(port, 'flux-schnell', items, {
        via: 'sync',
        concurrency: 64,
        signal: controller.signal,
      }).all();
      expect(done).toHaveLength(10_000);
    });
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
    expect(Math.max(...listeners)).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('the same through the real client: 200 items, 32 at a time, one signal', async () => {
    const server = await fake();
    const controller = new AbortController();
    const warnings = await warningsDuring(async () => {
      const items = await clientFor(server)
        .batch(
          'flux-schnell',
          prompts(200).map((p) => ({ ...p, width: 512, height: 512 })),
          {
            via: 'sync',
            concurrency: 32,
            signal: controller.signal,
          },
        )
        .all();
      expect(items.every((i) => i.ok)).toBe(true);
    });
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
