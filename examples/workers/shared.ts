// What the producer and the workers share: the queue's name and the Redis connection.
import { Redis } from 'ioredis';

export const QUEUE = 'segmind-images';

/** One Redis for BullMQ and the shared rate limit (BullMQ wants maxRetriesPerRequest: null). */
export function connect(): Redis {
  return new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
}

/** A BullMQ job's data: the prompt, and the Segmind request id once submitted. */
export interface ImageJob {
  prompt: string;
  requestId?: string;
}
