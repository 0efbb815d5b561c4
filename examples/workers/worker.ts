// One worker process: `npx tsx examples/workers/worker.ts`. Start as many as you like, on any
// machine: they share one Segmind rate limit through Redis (segmind/redis), and a job retried
// after a worker crash re-attaches to its Segmind job instead of paying for a new one.
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { isSegmindError, type RateLimitStore, SegmindClient } from 'segmind';
import { redisStore } from 'segmind/redis';
import { connect, type ImageJob, QUEUE } from './shared.js';

const redis = connect();
const shared = redisStore(redis, { prefix: 'segmind:acct1' });
// WINDOW_MS (demos and the test suite, against a fake server): the shared budget is per that many
// ms instead of per minute. A store decides its window, so this wraps the store; against Segmind,
// leave it unset.
const windowMs = Number(process.env.WINDOW_MS ?? 0);
const store: RateLimitStore = windowMs
  ? { counter: (budget) => shared.counter({ ...budget, windowMs }) }
  : shared;
const client = new SegmindClient({
  // SEGMIND_API_KEY (and SEGMIND_BASE_URL) from the environment.
  rateLimit: {
    requestsPerMinute: Number(process.env.SEGMIND_RPM ?? 50), // your plan's limit, for all workers together
    concurrency: 8,
    store,
  },
});

/**
 * Whether a failed submit certainly billed nothing: Segmind bills a 200 only, so any other answer
 * proves it, as does a failure before the request left. Anything else may have started a job.
 */
function billedNothing(err: unknown): boolean {
  if (isSegmindError(err, 'ConnectionError')) return !err.requestSent;
  if (isSegmindError(err, 'APIError')) return err.status < 200 || err.status >= 300;
  return isSegmindError(err, 'ValidationError');
}

async function submit(job: Job<ImageJob>): Promise<string> {
  const { prompt } = job.data;
  if (job.data.sendingSince) {
    // An earlier attempt wrote the marker and died before storing the request id: its submit may
    // have reached Segmind and been billed. Sending again could pay twice, so this job stops here.
    throw new UnrecoverableError(
      `may have been billed: an earlier attempt at "${prompt}" (since ${job.data.sendingSince}) stopped before storing its request id; not sent again`,
    );
  }
  // The marker first, then the submit: a worker that dies from here until the id is stored leaves
  // the marker behind. (It is written before the call waits for its turn under the limit, so a
  // worker killed while waiting leaves it too: such a job is reported, never paid for twice.)
  await job.updateData({ prompt, sendingSince: new Date().toISOString() });
  console.log(`marked ${job.id}`);
  let requestId: string;
  try {
    ({ requestId } = await client.submitAsync('fast-flux-schnell', { prompt }));
  } catch (err) {
    if (!billedNothing(err)) {
      throw new UnrecoverableError(`may have been billed: "${prompt}": ${(err as Error).message}`);
    }
    await job.updateData({ prompt }); // nothing was billed: BullMQ's retry may send it again
    throw err;
  }
  // Stored before waiting: if this worker dies now, the retry re-attaches (no second bill).
  await job.updateData({ ...job.data, requestId });
  console.log(`stored ${job.id} ${requestId}`);
  return requestId;
}

const worker = new Worker<ImageJob>(
  QUEUE,
  async (job) => {
    let { requestId } = job.data;
    if (requestId) console.log(`re-attach ${job.id} ${requestId}`);
    else requestId = await submit(job);
    const result = await client.job(requestId).wait();
    return { requestId, output: result.output };
  },
  {
    connection: redis,
    concurrency: 8,
    // How soon a crashed worker's jobs go back to the queue (BullMQ's defaults, 30 s). Keep it well
    // above the longest pause a busy worker's event loop may take: a live worker that cannot renew
    // its lock in time has its job handed to another while it still runs, and that one would then
    // find the marker and report the job instead of finishing it.
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
