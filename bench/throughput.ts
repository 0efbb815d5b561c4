// Section 1: the SDK's sync call against the transport floor and what users would use instead.
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { SegmindClient } from './sdk.js';
import { summary } from './support.js';

const params = { prompt: 'a bengal tiger in an astronaut suit on mars', steps: 4, width: 1024, height: 1024 };
const headers = { 'x-api-key': 'SG_bench0000000000000', 'content-type': 'application/json' };

export type Contender = 'undici (floor)' | 'segmind' | 'fetch' | 'openai-node';
export const CONTENDERS: Contender[] = ['undici (floor)', 'segmind', 'fetch', 'openai-node'];

function makeCalls(url: string): Record<Contender, () => Promise<number>> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const client = new SegmindClient({ apiKey: headers['x-api-key'], baseURL: url, logLevel: 'off' });
  const openai = new OpenAI({ apiKey: headers['x-api-key'], baseURL: `${url}/v1`, maxRetries: 0 });
  return {
    // Each contender serializes the parameters per call, as any real caller must.
    'undici (floor)': async () => {
      const res = await request(`${url}/v1/flux-schnell`, {
        method: 'POST',
        body: JSON.stringify(params),
        headers,
        dispatcher: agent,
      });
      return (await res.body.bytes()).length;
    },
    segmind: async () => (await client.runSync('flux-schnell', params)).data.length,
    fetch: async () => {
      const res = await fetch(`${url}/v1/flux-schnell`, {
        method: 'POST',
        body: JSON.stringify(params),
        headers,
      });
      return (await res.arrayBuffer()).byteLength;
    },
    'openai-node': async () => {
      const res = (await openai.post('/flux-schnell', {
        body: params,
        headers: { 'x-api-key': headers['x-api-key'] },
        __binaryResponse: true,
      })) as unknown as Response;
      return (await res.arrayBuffer()).byteLength;
    },
  };
}

async function drive(total: number, concurrency: number, call: () => Promise<number>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        if ((await call()) < 100 * 1024) throw new Error('short body');
      }
    }),
  );
  return (total / (performance.now() - started)) * 1000;
}

export interface ThroughputResult {
  concurrency: number;
  requests: number;
  rounds: number;
  perContender: Record<Contender, { median: number; min: number; max: number }>;
}

/** Requests per second of each contender, rounds interleaved so drift hits all alike. */
export async function measureThroughput(url: string, concurrency: number, requests: number, rounds: number) {
  const calls = makeCalls(url);
  for (const name of CONTENDERS) await drive(200, concurrency, calls[name]); // warm-up
  const samples = Object.fromEntries(CONTENDERS.map((c) => [c, [] as number[]])) as Record<
    Contender,
    number[]
  >;
  for (let round = 0; round < rounds; round++) {
    const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]!);
    for (const name of order) samples[name].push(await drive(requests, concurrency, calls[name]));
  }
  const perContender = Object.fromEntries(
    CONTENDERS.map((c) => [c, summary(samples[c])]),
  ) as ThroughputResult['perContender'];
  return { concurrency, requests, rounds, perContender } satisfies ThroughputResult;
}
