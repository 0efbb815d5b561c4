export { type ModelSlug, type RunOptions, SegmindClient, type SyncResultFor } from './client.js';
export { run, runSync, submitAsync } from './default-client.js';
export {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InferenceFailedError,
  InferenceTimeoutError,
  InsufficientCreditsError,
  InternalServerError,
  isSegmindError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  SegmindError,
  UserAbortError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export { Job, type WaitOptions } from './jobs/job.js';
export type {
  JobJSON,
  JobMetrics,
  JobOutput,
  JobResult,
  JobState,
  JobStatus,
  OutputItem,
} from './jobs/job-types.js';
export type { PollContext, PollInterval } from './jobs/poll-schedule.js';
export {
  ASPECT_RATIOS,
  type AspectRatio,
  type FastFluxSchnellParams,
  FastFluxSchnellParamsSchema,
  type FluxSchnellParams,
  FluxSchnellParamsSchema,
  type KnownModel,
  type ModelParams,
  type ParamsFor,
  SAMPLERS,
  type Sampler,
  SCHEDULERS,
  type Scheduler,
  type UntypedParams,
} from './models/params.js';
export type { ClientOptions, RequestOptions } from './options.js';
export type { JsonValue, SyncOutput } from './results/decode-output.js';
export type { DownloadedFile } from './results/download.js';
export { ImageResult } from './results/image-result.js';
export { readOutput } from './results/read-output.js';
export type { Logger, LogLevel } from './util/logger.js';
export { VERSION } from './version.js';
