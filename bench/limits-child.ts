// Section 6b, one of several processes sharing one Redis limit: a batch through redisStore(). Runs
// the sources (see limits.ts), where the internal factory shortens the limit's minute.
import { Redis as IORedis } from 'ioredis';
import { createClientWithInternals } from '../src/client.js';
import { redisStore } from '../src/redis/index.js';

const [url, redisPort, rpm, windowMs, count, tag] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const redis = new IORedis(Number(redisPort), '127.0.0.1');
const client = createClientWithInternals(
  {
    apiKey: 'SG_bench0000000000000',
    baseURL: url,
    logLevel: 'warn',
    rateLimit: { requestsPerMinute: Number(rpm), store: redisStore(redis, { prefix: 'bench:shared' }) },
  },
  // The scaled window: the SDK's minute, shortened for the bench.
  { rateLimitWindowMs: Number(windowMs) },
);
const params = Array.from({ length: Number(count) }, (_, i) => ({ prompt: `${tag} ${i}` }));
const items = await client.batch('fast-flux-schnell', params, { concurrency: 8 }).all();
redis.disconnect();
console.log(JSON.stringify({ items: items.length, failed: items.filter((i) => !i.ok).length }));
