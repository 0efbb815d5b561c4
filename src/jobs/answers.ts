import { APIError, isRecord, messageOf } from '../errors.js';
import type { HttpResponse } from '../http/transport.js';
import { utf8 } from '../runtime/bytes.js';
import { parseJson, stringFieldOf } from '../util/json.js';
import { jobIdProblem } from './job-id.js';
import type { JobJSON, JobMetrics, JobOutput, JobResult, JobStatus } from './job-types.js';

// Every v2 answer (submit, status, result) is read here, checked field by field, and never cast:
// the types promise only what was verified.

/** Characters of a body quoted in an error message. */
const EXCERPT = 200;

/**
 * Largest submit or status answer read, in bytes. Both are a few hundred bytes of ids and URLs (the
 * output comes only with the result), so a runaway body is refused before it costs memory.
 */
export const SMALL_ANSWER_LIMIT = 1024 * 1024;

/** A 2xx job answer: its body as a JSON object (anything else is an `APIError`), and its response. */
export interface JsonAnswer {
  body: Record<string, unknown>;
  res: HttpResponse;
  text: string;
}

/**
 * Reads a 2xx answer of job `jobId` that must be a JSON object. `what` names it in the error,
 * e.g. "The status of job x"; past `limit` bytes (default the call's `maxResponseBytes`) it fails.
 */
export async function readJsonAnswer(
  res: HttpResponse,
  what: string,
  jobId: string,
  limit?: number,
): Promise<JsonAnswer> {
  return parseAnswer(res, utf8(await res.bytes(limit)), what, jobId);
}

function parseAnswer(res: HttpResponse, text: string, what: string, jobId: string): JsonAnswer {
  const body = parseJson(text);
  if (!isRecord(body)) {
    throw new APIError({
      status: res.status,
      headers: res.headers,
      body,
      requestId: jobId,
      detail: `expected a JSON object, got: ${text.slice(0, EXCERPT)}`,
      message: `${what} answered ${res.status} with something that is not a JSON object: ${text.slice(0, EXCERPT)}`,
    });
  }
  return { body, res, text };
}

/**
 * Reads a 2xx status answer. Like {@link readJsonAnswer} with a {@link SMALL_ANSWER_LIMIT} cap, except
 * that a body cut at the cap which says `"status": "FAILED"` is still a FAILED status (its `error`
 * read from what arrived): a failure's reason can be long, and `status()` never throws for FAILED.
 */
export async function readStatusAnswer(res: HttpResponse, jobId: string): Promise<JsonAnswer> {
  const what = `The status of job ${jobId}`;
  // One byte past the cap tells a body that fits from one that was cut (the rest is dropped unread).
  const text = await res.text(SMALL_ANSWER_LIMIT + 1);
  if (text.length * 3 <= SMALL_ANSWER_LIMIT || utf8Length(text) <= SMALL_ANSWER_LIMIT) {
    return parseAnswer(res, text, what, jobId);
  }
  const failed = /"status"\s*:\s*"FAILED"/.exec(text);
  if (!failed) {
    throw new APIError({
      status: res.status,
      headers: res.headers,
      requestId: jobId,
      detail: `a body larger than ${SMALL_ANSWER_LIMIT} bytes`,
      message: `${what} answered ${res.status} with a body larger than ${SMALL_ANSWER_LIMIT} bytes (a status is a few hundred); it was not read on`,
    });
  }
  const body: Record<string, unknown> = { status: 'FAILED', error: stringFieldOf(text, 'error') ?? '' };
  const id = stringFieldOf(text, 'request_id');
  if (id) body.request_id = id;
  return { body, res, text };
}

/**
 * Reads the answer to `POST /v2/{model}`: the job's id (checked like any id given to `client.job()`)
 * and its status/result URLs. An answer the job cannot be followed from is an `APIError` that says
 * the job may have been queued and billed, since the server accepted the POST.
 */
export async function readSubmitAnswer(res: HttpResponse, model: string): Promise<JobJSON> {
  const text = utf8(await res.bytes(SMALL_ANSWER_LIMIT));
  const body = parseJson(text);
  const id = isRecord(body) ? body.request_id : undefined;
  const problem = id === undefined || id === '' ? 'no request_id' : jobIdProblem(id);
  if (problem !== undefined || typeof id !== 'string') {
    const why =
      id === undefined || id === ''
        ? 'without a request_id'
        : `with a request_id that is not a usable job id (it ${problem})`;
    throw new APIError({
      status: res.status,
      headers: res.headers,
      body,
      detail: text.slice(0, EXCERPT),
      message: `Submit to ${model} answered ${res.status} ${why}, so the job cannot be followed (it may have been queued and billed): ${text.slice(0, EXCERPT)}`,
    });
  }
  const { status_url, response_url } = body as Record<string, unknown>;
  return {
    requestId: id,
    model,
    statusUrl: typeof status_url === 'string' ? status_url : undefined,
    responseUrl: typeof response_url === 'string' ? response_url : undefined,
  };
}

/**
 * A status body as a {@link JobStatus}: `request_id` defaults to the job's id, `metrics` to `{}`;
 * a status string this SDK does not know becomes the `'UNKNOWN'` variant with `rawStatus` kept.
 */
export function toJobStatus(body: Record<string, unknown>, jobId: string): JobStatus {
  const { status, error, status_url, response_url, ...rest } = body;
  const common = {
    ...rest,
    request_id: typeof body.request_id === 'string' && body.request_id ? body.request_id : jobId,
    metrics: checkMetrics(body.metrics) ?? {},
    ...(typeof status_url === 'string' ? { status_url } : {}),
    ...(typeof response_url === 'string' ? { response_url } : {}),
  };
  switch (status) {
    case 'QUEUED':
    case 'PROCESSING':
    case 'COMPLETED':
      return { ...common, status, ...(error === null ? { error } : {}) };
    case 'FAILED':
      return { ...common, status, error: messageOf(body) ?? '' };
    default:
      return {
        ...common,
        status: 'UNKNOWN',
        rawStatus: typeof status === 'string' ? status : (JSON.stringify(status) ?? ''),
        ...(error === undefined ? {} : { error }),
      };
  }
}

/** What the result endpoint said. */
export type ResultAnswer =
  | { kind: 'completed'; result: JobResult }
  | { kind: 'failed' }
  /** Not done yet (it can lag the status endpoint); `rawStatus` as sent. */
  | { kind: 'pending'; rawStatus: string };

/**
 * A result body, checked: COMPLETED with an output that is a string, an array or an object
 * (anything else is an `APIError`), `metrics` kept when it is an object.
 */
export function toResultAnswer(answer: JsonAnswer, jobId: string): ResultAnswer {
  const { body, res, text } = answer;
  const { status } = body;
  if (status === 'FAILED') return { kind: 'failed' };
  if (status !== 'COMPLETED') {
    return {
      kind: 'pending',
      rawStatus: typeof status === 'string' ? status : (JSON.stringify(status) ?? ''),
    };
  }
  const output = checkOutput(body.output);
  if (output === undefined) {
    throw new APIError({
      status: res.status,
      headers: res.headers,
      body,
      requestId: jobId,
      detail: text.slice(0, EXCERPT),
      message: `Job ${jobId} is COMPLETED but its result has no usable output (expected a string, a list or an object): ${text.slice(0, EXCERPT)}`,
    });
  }
  const { error: _error, metrics: _metrics, request_id, ...rest } = body;
  const metrics = checkMetrics(body.metrics);
  const result: JobResult = { ...rest, status: 'COMPLETED', output };
  if (metrics) result.metrics = metrics;
  if (typeof request_id === 'string') result.request_id = request_id;
  if (body.error === null) result.error = null;
  return { kind: 'completed', result };
}

/** UTF-8 length of `text`, without encoding it. */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : 3;
    if (c >= 0xd800 && c < 0xdc00) i++;
  }
  return n;
}

// The value comes from JSON.parse, so a string, array or object is a JsonValue all the way down.
function checkOutput(value: unknown): JobOutput | undefined {
  if (typeof value === 'string' || Array.isArray(value) || isRecord(value)) return value as JobOutput;
  return undefined;
}

// Metrics are informational: a non-object is dropped, and `inference_time` is kept only as a number.
function checkMetrics(value: unknown): JobMetrics | undefined {
  if (!isRecord(value)) return undefined;
  const { inference_time, ...rest } = value;
  const seconds = typeof inference_time === 'string' ? Number(inference_time) : inference_time;
  return typeof seconds === 'number' && Number.isFinite(seconds)
    ? { ...rest, inference_time: seconds }
    : rest;
}
