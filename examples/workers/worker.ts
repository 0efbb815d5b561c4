// One worker process: `npx tsx examples/workers/worker.ts`. Start as many as you like, on any
// machine: they share one Segmind rate limit through Redis (segmind/redis), and a job retried
// after a worker crash re-attaches to its Segmind job instead of paying for a new one.
import { Worker } from 'bullmq';
import { SegmindClient } from 'segmind';
import { redisStore } from 'segmind/redis';
import { connect, type ImageJob, QUEUE } from './shared.js';

const redis = connect();
const client = new SegmindClient({
  // SEGMIND_API_KEY (and SEGMIND_BASE_URL) from the environment.
  rateLimit: {
    requestsPerMinute: Number(process.env.SEGMIND_RPM ?? 50), // your plan's limit, for all workers together
    concurrency: 8,
    store: redisStore(redis, { prefix: 'segmind:acct1' }),
    // Internal: the test suite shortens the minute; real workers leave this out.
    ...(process.env.WINDOW_MS
      ? { [Symbol.for('segmind.rateLimit.windowMs')]: Number(process.env.WINDOW_MS) }
      : {}),
  },
});

const worker = new Worker<ImageJob>(
  QUEUE,
  async (job) => {
    let { requestId } = job.data;
    if (requestId) {
      console.log(`re-attach ${job.id} ${requestId}`);
    } else {
      const submitted = await client.submitAsync('fast-flux-schnell', { prompt: job.data.prompt });
      requestId = submitted.requestId;
      // Stored before waiting: if this worker dies now, the retry re-attaches (no second bill).
      await job.updateData({ ...job.data, requestId });
      console.log(`stored ${job.id} ${requestId}`);
    }
    const result = await client.job(requestId).wait();
    return { requestId, output: result.output };
  },
  {
    connection: redis,
    concurrency: 8,
    // How soon a crashed worker's jobs go back to the queue (BullMQ's defaults, 30 s). Keep it well
    // above the longest pause a busy worker's event loop may take: a live worker that cannot renew
    // its lock in time has its job handed to another while it still runs, and a job still waiting
    // for its turn under the rate limit (no request id yet) would then be submitted twice.
    lockDuration: Number(process.env.LOCK_MS ?? 30_000),
    stalledInterval: Number(process.env.LOCK_MS ?? 30_000),
  },
);
worker.on('ready', () => console.log('worker ready'));
worker.on('completed', (job) => console.log(`done ${job.id}`));
worker.on('failed', (job, err) => console.log(`failed ${job?.id}: ${err.message}`));

const stop = async () => {
  await worker.close();
  redis.disconnect();
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
