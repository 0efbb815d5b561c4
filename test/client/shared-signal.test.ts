import { afterEach, describe, expect, it } from 'vitest';
import { SegmindClient } from '../../src/index.js';
import { startFetchServer } from '../../src/testing/fetch-server.js';
import { API_KEY, JPEG } from '../support/fixtures.js';
import { useServer } from '../support/use-server.js';

const server = useServer(() =>
  startFetchServer(async () => new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } })),
);

const warnings: Error[] = [];
const collect = (warning: Error) => void warnings.push(warning);
afterEach(() => {
  process.off('warning', collect);
  warnings.length = 0;
});

describe('one AbortSignal shared by many calls', () => {
  it('10 000 concurrent calls on one signal add one listener to it: no MaxListenersExceededWarning', async () => {
    process.on('warning', collect);
    const client = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const controller = new AbortController();
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added++;
      return add(...args);
    }) as typeof add;
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      client.runSync('flux-schnell', { prompt: `p${i}` }, { signal: controller.signal }),
    );
    const images = await Promise.all(calls);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    expect(images).toHaveLength(10_000);
    expect(server.requests).toHaveLength(10_000);
    expect(added).toBe(1);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    await client.close();
  });

  it('aborting it stops every call still in flight, with the signal once', async () => {
    const client = new SegmindClient({ apiKey: API_KEY, baseURL: server.url, logLevel: 'off' });
    const controller = new AbortController();
    const calls = Array.from({ length: 200 }, (_, i) =>
      client.runSync('flux-schnell', { prompt: `p${i}` }, { signal: controller.signal }).then(
        () => 'done',
        (e: Error) => e.name,
      ),
    );
    controller.abort();
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o === 'UserAbortError')).toBe(true);
    await client.close();
  });
});
