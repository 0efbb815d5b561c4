// Section 5, in a fresh process: many concurrent run() jobs through one client.
import { SegmindClient } from './sdk.js';

const [url, count] = process.argv.slice(2) as [string, string];
const stats = async () =>
  (await (await fetch(`${url}/stats`)).json()) as { sdkConnections: number; sdkFetchConnections: number };
const client = new SegmindClient({
  apiKey: 'SG_bench0000000000000',
  baseURL: url,
  logLevel: 'off',
  defaultHeaders: { 'x-bench-duration': '500', 'x-bench-queue': '100' },
});
const before = await stats();
const started = performance.now();
const results = await Promise.allSettled(
  Array.from({ length: Number(count) }, (_, i) => client.run('fast-flux-schnell', { prompt: `job ${i}` })),
);
const wall = performance.now() - started;
const errors = results.filter((r) => r.status === 'rejected');
await client.close();
const after = await stats();
// Sockets the burst opened: the Agent's (its cap) and any the global fetch opened during cold start.
const fetchSockets = after.sdkFetchConnections - before.sdkFetchConnections;
const sockets = after.sdkConnections - before.sdkConnections - fetchSockets;
console.log(
  JSON.stringify({
    jobs: results.length,
    errors: errors.length,
    firstError: errors[0] ? String((errors[0] as PromiseRejectedResult).reason) : undefined,
    wall,
    sockets,
    fetchSockets,
    peakRss: process.resourceUsage().maxRSS * 1024,
  }),
);
