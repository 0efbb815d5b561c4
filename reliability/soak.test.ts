// Soak: many sync calls with random faults. Memory stays flat and every failure is typed.
import { describe, expect, it } from 'vitest';
import { isSegmindError } from '../src/index.js';
import { startFetchServer } from '../src/testing/fetch-server.js';
import { JPEG } from '../test/support/fixtures.js';
import { useServer } from '../test/support/use-server.js';
import { debugClient, saveFindings, stopwatch } from './support.js';

const CALLS = 10_000;
const CONCURRENCY = 32;
const FAULT_RATE = 0.1;

const faults: Array<() => Response | Promise<Response>> = [
  () => Response.json({ error: 'busy' }, { status: 503, headers: { 'retry-after': '0' } }),
  () => Response.json({ error: 'slow down' }, { status: 429, headers: { 'retry-after': '0' } }),
  () =>
    new Response('<html><title>502 Bad Gateway</title></html>', {
      status: 502,
      headers: { 'content-type': 'text/html', 'retry-after': '0' },
    }),
  () => Response.json({ error: 'bad' }, { status: 400 }),
  () => Response.error(),
  () => new Promise<Response>(() => {}),
];

const server = useServer(() =>
  startFetchServer(async () => {
    if (Math.random() < FAULT_RATE) return faults[Math.floor(Math.random() * faults.length)]!();
    return new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } });
  }),
);

describe('soak', () => {
  it(`${CALLS} sync calls with ${FAULT_RATE * 100} % random faults`, async () => {
    const client = debugClient(server.url, [], { logLevel: 'off', timeout: 300 });
    for (let i = 0; i < 200; i++) await client.runSync('flux-schnell', { prompt: 'warm up' }).catch(() => {});
    const rss = () => {
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage().rss;
    };
    const rssStart = rss();
    const took = stopwatch();
    const failures: Record<string, number> = {};
    let ok = 0;
    let untyped = 0;
    const quarters: number[] = [];
    for (let quarter = 0; quarter < 4; quarter++) {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < CALLS / 4) {
            try {
              await client.runSync('flux-schnell', { prompt: `call ${next}`, steps: 4 });
              ok++;
            } catch (err) {
              if (!isSegmindError(err)) untyped++;
              const name = (err as Error).name;
              failures[name] = (failures[name] ?? 0) + 1;
            }
          }
        }),
      );
      quarters.push(rss());
    }
    const ms = Math.round(took());
    const rssEnd = quarters.at(-1)!;
    await client.close();
    saveFindings('soak', { calls: CALLS, ok, failures, rssStart, rssEnd, quarters, ms });
    expect(untyped).toBe(0);
    expect(ok + Object.values(failures).reduce((a, b) => a + b, 0)).toBe(CALLS);
    expect(ok).toBeGreaterThan(CALLS * 0.9);
    // Flat: after the heap has settled in the first half, the second half adds (almost) nothing.
    expect(rssEnd - quarters[1]!).toBeLessThan(24 * 1024 * 1024);
  });
});
