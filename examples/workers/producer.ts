// Feeds prompts into the BullMQ queue: `npx tsx examples/workers/producer.ts 50`.
import { Queue } from 'bullmq';
import { connect, type ImageJob, QUEUE } from './shared.js';

const count = Number(process.argv[2] ?? 20);
const connection = connect();
const queue = new Queue<ImageJob>(QUEUE, { connection });
await queue.addBulk(
  Array.from({ length: count }, (_, i) => ({
    name: 'image',
    data: { prompt: `a lighthouse at dusk, study ${i + 1}` },
    // A job whose worker crashed is retried; the request id in its data makes that a re-attach.
    opts: { attempts: 3, backoff: { type: 'fixed', delay: 1_000 } },
  })),
);
console.log(`queued ${count} prompts`);
await queue.close();
connection.disconnect();
