import type { SendHooks } from '../http/core.js';
import type { Job } from '../jobs/job.js';

/** What one item's request is told by the batch: its abort signal and the journal's hooks. */
export interface ItemCallOptions {
  signal: AbortSignal;
  /** Per-attempt hooks: "about to leave" and "proved not billed", for the journal. */
  hooks?: SendHooks | undefined;
}

/**
 * The slice of a client a batch uses, handed to it by `client.batch()`: the batch never imports
 * the client (the client is above it), and the hooks travel with each call, not through shared state.
 */
export interface BatchPort {
  /** A v1 call (`client.runSync()`), with the item's hooks. */
  runSync(model: string, params: unknown, options: ItemCallOptions): Promise<unknown>;
  /** A v2 submit (`client.submitAsync()`), with the item's hooks. */
  submitAsync(model: string, params: unknown, options: ItemCallOptions): Promise<Job>;
  /** A job from its id (`client.job()`), to re-attach to one an earlier run submitted. */
  job(requestId: string): Job;
  /** The client's logger (levels and redaction applied). */
  log: { warn(message: string): void };
}
