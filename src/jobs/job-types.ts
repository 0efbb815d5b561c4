/** The states a v2 job goes through. A job ends COMPLETED or FAILED. */
export type JobState = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

/** Server-side measurements of a job, as on the wire (seconds). Unknown keys are kept. */
export interface JobMetrics {
  /** Seconds the model ran. */
  inference_time?: number;
  [key: string]: unknown;
}

/**
 * The answer of `GET /v2/requests/{id}/status`, as the server sent it (unknown keys kept).
 * `status` may be a value newer than this SDK; `wait()` keeps polling on one it does not know.
 */
export interface JobStatus {
  status: JobState | (string & {});
  request_id: string;
  metrics: JobMetrics;
  /** The failure reason, on FAILED. */
  error?: string | null;
  status_url?: string;
  response_url?: string;
  [key: string]: unknown;
}

/**
 * A job's output. For image models a URL string; with `samples > 1` possibly an array of URLs; with
 * `base64: true` possibly base64 text. {@link readOutput} tells which.
 */
export type JobOutput = string | string[];

/** The answer of `GET /v2/requests/{id}` for a COMPLETED job (unknown keys kept). */
export interface JobResult {
  status: 'COMPLETED';
  output: JobOutput;
  metrics: JobMetrics;
  error?: null;
  request_id?: string;
  [key: string]: unknown;
}

/** One item of a job's output, told apart. */
export type OutputItem =
  | { type: 'url'; url: string }
  | { type: 'base64'; data: Buffer; contentType: string }
  | { type: 'text'; text: string };

/** What a job's JSON form holds; `client.job(json)` rebuilds the job from it in any process. */
export interface JobJSON {
  requestId: string;
  model?: string | undefined;
  statusUrl?: string | undefined;
  responseUrl?: string | undefined;
  /** When it was submitted (ms since epoch), if known: lets `wait()` use what it knows of the model. */
  submittedAt?: number | undefined;
}
