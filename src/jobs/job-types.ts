import type { JsonValue } from '../util/json.js';

/** The states a v2 job goes through. A job ends COMPLETED or FAILED. */
export type JobState = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

/** Server-side measurements of a job, as on the wire (seconds). Unknown keys are kept. */
export interface JobMetrics {
  /** Seconds the model ran. */
  inference_time?: number;
  [key: string]: unknown;
}

/** What every status answer carries, whatever its `status`. Unknown keys are kept as sent. */
export interface JobStatusFields {
  /** The job's id (the one it was asked about, when the server left it out). */
  request_id: string;
  /** Server measurements; `{}` when the server sent none. */
  metrics: JobMetrics;
  /** Where to poll the status, when the server said (followed only on the API's origin). */
  status_url?: string;
  /** Where to fetch the result, when the server said (followed only on the API's origin). */
  response_url?: string;
  [key: string]: unknown;
}

/** The job waits for, or is on, a worker. */
export interface PendingJobStatus extends JobStatusFields {
  /** Waiting for a worker (`QUEUED`) or running (`PROCESSING`). */
  status: 'QUEUED' | 'PROCESSING';
  /** No error while the job is pending. */
  error?: null;
}

/** The job is done: `job.result()` has its output. */
export interface CompletedJobStatus extends JobStatusFields {
  /** Done; `job.result()` has the output. */
  status: 'COMPLETED';
  /** No error for a completed job. */
  error?: null;
}

/** The job ran and failed (content-safety blocks too). It may have been billed. */
export interface FailedJobStatus extends JobStatusFields {
  /** Ended without an output. */
  status: 'FAILED';
  /** The server's reason; `''` when it gave none. */
  error: string;
}

/**
 * A status this SDK does not know (newer than it): `status` is `'UNKNOWN'` and `rawStatus` keeps
 * what the server said. `wait()` reports it to `onStatus` and keeps polling until the deadline.
 */
export interface UnknownJobStatus extends JobStatusFields {
  /** Not a status this SDK knows; see `rawStatus`. */
  status: 'UNKNOWN';
  /** The status string as the server sent it (`''` when it sent none). */
  rawStatus: string;
  /** Whatever the server sent as `error`, if anything. */
  error?: unknown;
}

/**
 * The answer of `GET /v2/requests/{id}/status`, checked and told apart by `status`, so that
 * `s.status === 'FAILED'` narrows `s.error` to the reason, and a misspelled status is a compile error.
 * @example
 * const s = await job.status();
 * if (s.status === 'FAILED') console.error(s.error);
 * else if (s.status === 'UNKNOWN') console.log('new status', s.rawStatus);
 */
export type JobStatus = PendingJobStatus | CompletedJobStatus | FailedJobStatus | UnknownJobStatus;

/**
 * A job's output, as the server sent it. For image models a URL string; with `samples > 1`
 * possibly an array of URLs; with `base64: true` possibly base64 text; for some models an object
 * such as `{ "image_url": "…" }`. {@link readOutput} tells the items apart, whatever the shape.
 */
export type JobOutput = string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The answer of `GET /v2/requests/{id}` for a COMPLETED job, checked (unknown keys kept).
 * `client.download(result)` fetches its image without a cast; `readOutput(result.output)` lists every item.
 * @example
 * const result = await job.wait();
 * const image = await client.download(result);
 * await image.save('fox.jpg');
 */
export interface JobResult {
  /** Always `'COMPLETED'`: a failed job throws `InferenceFailedError` instead. */
  status: 'COMPLETED';
  /** The output: URL(s), base64 text or a model-specific object; see {@link readOutput}. */
  output: JobOutput;
  /** Server measurements, when the server sent them (some models' results have none). */
  metrics?: JobMetrics;
  /** `null` (or absent) for a completed job. */
  error?: null;
  /** The job's id, when the server repeated it. */
  request_id?: string;
  [key: string]: unknown;
}

/** One item of a job's output, told apart. */
export type OutputItem =
  | {
      /** A URL to download (`client.download(url)`). */
      type: 'url';
      /** The URL, as the server gave it. */
      url: string;
    }
  | {
      /** An image that came inline as base64, decoded. */
      type: 'base64';
      /** The image bytes. */
      data: Uint8Array;
      /** Its media type, from a `data:` URL or sniffed from the bytes. */
      contentType: string;
    }
  | {
      /** Anything else: text as the server sent it. */
      type: 'text';
      /** The text. */
      text: string;
    };

/** What a job's JSON form holds; `client.job(json)` rebuilds the job from it in any process. */
export interface JobJSON {
  /** The job's id: enough on its own to resume it. */
  requestId: string;
  /** The model the job runs, when known. */
  model?: string | undefined;
  /** The status URL the server gave, when it shares the API's origin. */
  statusUrl?: string | undefined;
  /** The result URL the server gave, when it shares the API's origin. */
  responseUrl?: string | undefined;
  /** When it was submitted (ms since epoch), if known: lets `wait()` use what it knows of the model. */
  submittedAt?: number | undefined;
}
