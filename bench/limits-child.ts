// Section 6b, one of several processes sharing one Redis limit: a batch through redisStore().
import type * as Redis from '../src/redis/index.js';
import { SegmindClient } from './sdk.js';

const { redisStore } = (await import(new URL('../dist/redis.js', import.meta.url).href)) as typeof Redis;
const { Redis: IORedis } = await import('ioredis');

const [url, redisPort, rpm, windowMs, count, tag] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const redis = new IORedis(Number(redisPort), '127.0.0.1');
const client = new SegmindClient({
  apiKey: 'SG_bench0000000000000',
  baseURL: url,
  logLevel: 'warn',
  rateLimit: {
    requestsPerMinute: Number(rpm),
    store: redisStore(redis, { prefix: 'bench:shared' }),
    // Internal: the scaled window (the SDK's minute, shortened for the bench).
    [Symbol.for('segmind.rateLimit.windowMs')]: Number(windowMs),
  } as never,
});
const params = Array.from({ length: Number(count) }, (_, i) => ({ prompt: `${tag} ${i}` }));
const items = await client.batch('fast-flux-schnell', params, { concurrency: 8 }).all();
redis.disconnect();
console.log(JSON.stringify({ items: items.length, failed: items.filter((i) => !i.ok).length }));
