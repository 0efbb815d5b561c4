// Section 2: how soon wait() returns after the server marks a job done, and what it costs in polls.
import { SegmindClient } from './sdk.js';
import { summary } from './support.js';

export interface PollingResult {
  policy: string;
  jobs: number;
  delay: { median: number; min: number; max: number };
  polls: { median: number; min: number; max: number; mean: number };
  /** Highest rate of status checks seen for one job, per second (from the closest two checks). */
  maxPollRate: number;
}

interface BenchResult {
  bench: { completed_at: number; polls: number[] };
}

/** Runs `jobs` v2 jobs, `concurrency` at a time, and measures each one's added delay and polls. */
export async function measurePolling(
  url: string,
  policy: 'fixed 1 s (Python SDK)' | 'segmind default',
  jobs: number,
  concurrency: number,
  duration: number,
): Promise<PollingResult> {
  const client = new SegmindClient({
    apiKey: 'SG_bench0000000000000',
    baseURL: url,
    logLevel: 'off',
    defaultHeaders: { 'x-bench-duration': String(duration), 'x-bench-spread': '0.2', 'x-bench-queue': '200' },
  });
  const delays: number[] = [];
  const polls: number[] = [];
  let maxPollRate = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < jobs) {
        const result = (await client.run(
          'fast-flux-schnell',
          { prompt: 'a sports car' },
          policy === 'segmind default' ? {} : { interval: 1_000 },
        )) as unknown as BenchResult;
        const resolvedAt = Date.now();
        delays.push(resolvedAt - result.bench.completed_at);
        polls.push(result.bench.polls.length);
        const at = result.bench.polls;
        for (let i = 1; i < at.length; i++)
          maxPollRate = Math.max(maxPollRate, 1000 / Math.max(1, at[i]! - at[i - 1]!));
      }
    }),
  );
  await client.close();
  const mean = polls.reduce((a, b) => a + b, 0) / polls.length;
  return { policy, jobs, delay: summary(delays), polls: { ...summary(polls), mean }, maxPollRate };
}
