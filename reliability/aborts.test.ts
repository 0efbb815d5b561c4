// Aborts at random moments of every phase: each must reject with UserAbortError at once and leave
// no timer, listener or socket behind.

import { getEventListeners } from 'node:events';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserAbortError } from '../src/index.js';
import { type FetchServer, startFetchServer } from '../src/testing/fetch-server.js';
import { activeResources, debugClient, leakedSince, saveFindings } from './support.js';

const TRIALS = 1_000;
const BATCH = 20;
const PHASES = ['submit', 'poll wait', 'result fetch', 'download'] as const;
type Phase = (typeof PHASES)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let server: FetchServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'segmind-abort-'));
  // Every answer comes late enough (60–90 ms) that an abort within 50 ms always lands mid-phase.
  server = await startFetchServer(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/out/')) {
      let sent = 0;
      return new Response(
        new ReadableStream({
          async pull(controller) {
            await sleep(5);
            if (sent++ > 200) return controller.close();
            controller.enqueue(new Uint8Array(8192));
          },
        }),
        { headers: { 'content-type': 'image/png' } },
      );
    }
    await sleep(60 + Math.random() * 30);
    if (request.method === 'POST') return Response.json({ request_id: 'job-a', status: 'QUEUED' });
    if (pathname.endsWith('/status')) return Response.json({ status: 'PROCESSING', request_id: 'job-a' });
    return Response.json({ status: 'COMPLETED', output: 'x', metrics: {} });
  });
});
afterAll(() => server.close());

const byPhase: Record<string, number> = {};
let slowest = 0;
let leaked: Record<string, number> = {};

describe('aborts at random moments', () => {
  it(`${TRIALS} trials over submit, poll waits, result fetch and download`, async () => {
    const baseline = activeResources();
    for (let done = 0; done < TRIALS; done += BATCH) {
      const client = debugClient(server.url, [], { logLevel: 'off' });
      const trials = Array.from({ length: BATCH }, async (_, i) => {
        const phase: Phase = PHASES[(done + i) % PHASES.length]!;
        const controller = new AbortController();
        const { signal } = controller;
        const run = (): Promise<unknown> => {
          switch (phase) {
            case 'submit':
              return client.submitAsync('fast-flux-schnell', { prompt: 'x' }, { signal });
            case 'poll wait':
              // The first status check answers PROCESSING after 60–90 ms; the abort lands in the wait after it
              // or during the check itself.
              return client.job('job-a').wait({ signal, interval: 400 });
            case 'result fetch':
              return client.job('job-a').result({ signal });
            default:
              return client.downloadToFile(
                `${server.url}/out/${done + i}.png`,
                join(dir, `${done + i}.png`),
                { signal },
              );
          }
        };
        const settled = run().then(
          () => undefined,
          (e: unknown) => e,
        );
        const at = phase === 'poll wait' ? 100 + Math.random() * 250 : Math.random() * 50;
        await sleep(at);
        const abortedAt = performance.now();
        controller.abort(new Error(`abort ${phase}`));
        const err = await settled;
        const took = performance.now() - abortedAt;
        slowest = Math.max(slowest, took);
        byPhase[phase] = (byPhase[phase] ?? 0) + 1;
        expect(err, phase).toBeInstanceOf(UserAbortError);
        expect((err as UserAbortError).cause).toEqual(new Error(`abort ${phase}`));
        expect(took, phase).toBeLessThan(50);
        expect(getEventListeners(signal, 'abort'), phase).toHaveLength(0);
      });
      await Promise.all(trials);
      await client.close();
    }
    leaked = await leakedSince(baseline);
    expect(leaked).toEqual({});
    expect(readdirSync(dir)).toEqual([]);
  });
});

afterAll(() => {
  const trials = Object.values(byPhase).reduce((a, b) => a + b, 0);
  saveFindings('aborts', { trials, byPhase, slowest, leaked });
});
