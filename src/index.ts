export { type ModelSlug, type RunOptions, SegmindClient, type SyncResultFor } from './client.js';
export type { JsonValue, SyncOutput } from './decode-output.js';
export { run, runSync, submitAsync } from './default-client.js';
export type { DownloadedFile } from './download.js';
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
export { ImageResult } from './image-result.js';
export { Job, type WaitOptions } from './job.js';
export type {
  JobJSON,
  JobMetrics,
  JobOutput,
  JobResult,
  JobState,
  JobStatus,
  OutputItem,
} from './job-types.js';
export type { Logger, LogLevel } from './logger.js';
export type { ClientOptions, RequestOptions } from './options.js';
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
} from './params.js';
export type { PollContext, PollInterval } from './poll-schedule.js';
export { readOutput } from './read-output.js';
export { VERSION } from './version.js';
