import { type ModelSlug, type RunOptions, SegmindClient, type SyncResultFor } from './client.js';
import type { Job } from './jobs/job.js';
import type { JobResult } from './jobs/job-types.js';
import type { ParamsFor } from './models/params.js';
import type { RequestOptions } from './options/request-options.js';

let defaultClient: SegmindClient | undefined;

// Created on first use from the environment (SEGMIND_API_KEY, SEGMIND_BASE_URL, SEGMIND_LOG), then reused.
function client(): SegmindClient {
  defaultClient ??= new SegmindClient();
  return defaultClient;
}

/**
 * `client.run()` on a default client built from the environment.
 * @example
 * import { run } from 'segmind';
 * const result = await run('fast-flux-schnell', { prompt: 'a fox' });
 */
export function run<M extends ModelSlug>(
  model: M,
  params: ParamsFor<M>,
  options?: RunOptions,
): Promise<JobResult> {
  return client().run(model, params, options);
}

/** `client.runSync()` on a default client built from the environment. */
export function runSync<M extends ModelSlug>(
  model: M,
  params: ParamsFor<M>,
  options?: RequestOptions,
): Promise<SyncResultFor<M>> {
  return client().runSync(model, params, options);
}

/** `client.submitAsync()` on a default client built from the environment. */
export function submitAsync<M extends ModelSlug>(
  model: M,
  params: ParamsFor<M>,
  options?: RequestOptions,
): Promise<Job> {
  return client().submitAsync(model, params, options);
}
