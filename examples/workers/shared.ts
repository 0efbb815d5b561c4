// What the producer and the workers share: the queue's name and the Redis connection.
import { Redis } from 'ioredis';

export const QUEUE = 'segmind-images';

/** One Redis for BullMQ and the shared rate limit (BullMQ wants maxRetriesPerRequest: null). */
export function connect(): Redis {
  return new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
}

/** A BullMQ job's data: the prompt, and what a worker stored about its Segmind job. */
export interface ImageJob {
  prompt: string;
  /**
   * Set (ISO time) before the submit is sent: an attempt that finds it without `requestId` knows an
   * earlier attempt may have sent the prompt, and paid for it, before its worker died.
   */
  sendingSince?: string;
  /** The Segmind request id, once the submit answered. */
  requestId?: string;
}
