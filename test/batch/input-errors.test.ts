// An input that throws ends the batch without losing what was paid for.
import { describe, expect, it } from 'vitest';
import { BatchError, isSegmindError, SegmindError } from '../../src/index.js';
import { useFakes } from '../support/use-server.js';
import { clientFor, submits } from './support.js';

const fake = useFakes({ queueTime: 5, jobDuration: 20 });
const boom = new Error('the input file is unreadable');

async function* failingAfter(n: number) {
  for (let i = 0; i < n; i++) yield { prompt: `p${i}` };
  throw boom;
}

describe('an input that throws', () => {
  it('for await yields every item that settled, then throws the input error as is', async () => {
    const server = await fake();
    const seen: number[] = [];
    const run = async () => {
      for await (const item of clientFor(server).batch('fast-flux-schnell', failingAfter(3))) {
        expect(item.ok).toBe(true);
        seen.push(item.index);
      }
    };
    await expect(run()).rejects.toBe(boom);
    expect(seen.sort()).toEqual([0, 1, 2]);
  });

  it('all() rejects with a BatchError holding every settled item, the input error as cause', async () => {
    const server = await fake({ jobDuration: 100 });
    const batch = clientFor(server).batch('fast-flux-schnell', failingAfter(3), { concurrency: 8 });
    const error = await batch.all().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BatchError);
    expect(error).toBeInstanceOf(SegmindError);
    expect(isSegmindError(error, 'SegmindError')).toBe(true);
    const e = error as BatchError<{ index: number; ok: boolean; requestId?: string }>;
    expect(e.name).toBe('BatchError');
    expect(e.cause).toBe(boom);
    expect(e.message).toMatch(/the input threw \(the input file is unreadable\) after 3 items settled/);
    // The items in flight when the input threw finished and are here, paid results included.
    expect(e.results.map((i) => i.index)).toEqual([0, 1, 2]);
    expect(e.results.every((i) => i.ok && i.requestId)).toBe(true);
    expect(submits(server)).toHaveLength(3);
  });

  it('a synchronous iterable that throws, and a throw of a non-Error, are handled alike', async () => {
    const server = await fake();
    const input = {
      *[Symbol.iterator]() {
        yield { prompt: 'a' };
        throw 'plain string';
      },
    };
    const error = await clientFor(server)
      .batch('fast-flux-schnell', input)
      .all()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).cause).toBe('plain string');
    expect((error as BatchError).results).toHaveLength(1);
  });
});
