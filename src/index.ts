export type {
  Batch,
  BatchFailure,
  BatchItem,
  BatchOptions,
  BatchProgress,
  BatchSuccess,
} from './batch/index.js';
export { type ModelSlug, type RunOptions, SegmindClient, type SyncResultFor } from './client.js';
export { run, runSync, submitAsync } from './default-client.js';
export {
  APIError,
  type APIErrorInit,
  AuthenticationError,
  BadRequestError,
  BatchError,
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
  type ResponseHeaders,
  SegmindError,
  type SegmindErrorTypes,
  UnprocessableEntityError,
  UserAbortError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export { Job, type WaitOptions } from './jobs/job.js';
export type {
  CompletedJobStatus,
  FailedJobStatus,
  JobJSON,
  JobMetrics,
  JobOutput,
  JobResult,
  JobState,
  JobStatus,
  JobStatusFields,
  OutputItem,
  PendingJobStatus,
  UnknownJobStatus,
} from './jobs/job-types.js';
export type { PollContext, PollInterval } from './jobs/poll-schedule.js';
export type { RateLimitOptions, RateLimitScope } from './limits/rate-limit-options.js';
export type { RateLimitBudget, RateLimitCounter, RateLimitStore } from './limits/store.js';
// Every model's parameter interface (FluxKontextProParams, …), ModelParams and KnownModel.
export type * from './models/generated/index.js';
export {
  ASPECT_RATIOS,
  type AspectRatio,
  FastFluxSchnellParamsSchema,
  type FastFluxSchnellParamsShape,
  FluxSchnellParamsSchema,
  type FluxSchnellParamsShape,
  type ParamSchema,
  type ParamsFor,
  SAMPLERS,
  type Sampler,
  SCHEDULERS,
  type Scheduler,
  type UntypedParams,
} from './models/params.js';
export { MODELS } from './models/registry/index.js';
export type {
  Endpoint,
  ModelGroup,
  ModelPatternSpec,
  ModelSpec,
  ParamSpec,
  ParamType,
  ParamValue,
} from './models/registry/types.js';
export type { ClientOptions, FetchFunction } from './options/client-options.js';
export type { RequestOptions } from './options/request-options.js';
export type { JsonValue, SyncOutput } from './results/decode-output.js';
export type { DownloadedFile } from './results/download.js';
export { ImageResult } from './results/image-result.js';
export { readOutput } from './results/read-output.js';
export { type FileFromOptions, fileFrom } from './uploads/file-from.js';
export type { Files } from './uploads/files.js';
export type { ImageInput } from './uploads/image-input.js';
export type { Logger, LogLevel } from './util/logger.js';
export { VERSION } from './version.js';
