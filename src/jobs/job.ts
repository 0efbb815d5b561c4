import {
  APIError,
  errorFromResponse,
  InferenceFailedError,
  InferenceTimeoutError,
  isRecord,
  RequestTimeoutError,
  SegmindError,
  UserAbortError,
} from '../errors.js';
import type { Core } from '../http/core.js';
import type { HttpResponse } from '../http/transport.js';
import { callSettings, type RequestOptions } from '../options.js';
import { clock } from '../util/clock.js';
import type { JobJSON, JobResult, JobStatus } from './job-types.js';
import { adaptiveSchedule, type DurationStats, nextPollDelay, type PollInterval } from './poll-schedule.js';

/**
 * Options of `job.wait()`. `timeout` here is the deadline for the whole wait; each HTTP request
 * inside it keeps the client's per-request `timeout`.
 */
export interface WaitOptions {
  /** Deadline for the whole wait, in ms. @default the client's `waitTimeout` (600_000) */
  timeout?: number | undefined;
  /**
   * Pause between status checks: ms, or a function of the poll context.
   * @default an adaptive schedule based on the client's `pollInterval` (see README, "Polling")
   */
  interval?: PollInterval | undefined;
  /** Stops the wait at once with `UserAbortError`; no status check is sent after it fires. */
  signal?: AbortSignal | undefined;
  /** Called once per observed status change, in order. */
  onStatus?: ((status: JobStatus) => void) | undefined;
  /** Retries per status request. @default the client's `maxRetries` */
  maxRetries?: number | undefined;
  /** Extra headers for the status and result requests. */
  headers?: Record<string, string> | undefined;
}

/** What a Job needs from the client that made it. */
export interface JobContext {
  core: Core;
  stats: DurationStats;
}

interface PollOptions extends RequestOptions {
  deadline?: number | undefined;
}

type Poll =
  | { kind: 'status'; status: JobStatus }
  | { kind: 'failed'; status: JobStatus; error: InferenceFailedError };

/**
 * A v2 job. Get one from `client.submitAsync()`, or rebuild one with `client.job(requestId)`.
 * @example
 * const job = await client.submitAsync('fast-flux-schnell', { prompt: 'a red fox' });
 * const result = await job.wait({ onStatus: (s) => console.log(s.status) });
 */
export class Job {
  /** The job's id: all you need to resume it, in this process or another, for one hour. */
  readonly requestId: string;
  /** The model it runs, when known. */
  readonly model: string | undefined;
  readonly #ctx: JobContext;
  readonly #statusUrl: URL;
  readonly #resultUrl: URL;
  readonly #submittedAt: number | undefined;

  /** @internal Use `client.submitAsync()` or `client.job()`. */
  constructor(ctx: JobContext, init: JobJSON) {
    this.#ctx = ctx;
    this.requestId = init.requestId;
    this.model = init.model;
    this.#submittedAt = Number.isFinite(init.submittedAt) ? init.submittedAt : undefined;
    const id = encodeURIComponent(init.requestId);
    this.#statusUrl = this.#followable(init.statusUrl) ?? ctx.core.url(`v2/requests/${id}/status`);
    this.#resultUrl = this.#followable(init.responseUrl) ?? ctx.core.url(`v2/requests/${id}`);
  }

  // Server-given URLs are followed only on the API's own origin; the key never goes elsewhere.
  #followable(value: string | undefined): URL | undefined {
    if (!value) return undefined;
    try {
      const url = new URL(value);
      return this.#ctx.core.isApiOrigin(url) ? url : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The job's current status. FAILED is returned as a status, not thrown.
   * Throws `NotFoundError` for an unknown or expired job (the server keeps jobs one hour).
   */
  async status(options?: RequestOptions): Promise<JobStatus> {
    return (await this.#poll(options)).status;
  }

  /** The result of a COMPLETED job. Throws `InferenceFailedError` for a failed one. */
  result(options?: RequestOptions): Promise<JobResult> {
    return this.#result(options);
  }

  async #result(options?: PollOptions): Promise<JobResult> {
    const settings = callSettings(this.#ctx.core.options, options);
    const { body, res, text } = await this.#ctx.core.call(
      { method: 'GET', url: this.#resultUrl, billable: false, settings, deadline: options?.deadline },
      (res) => readJson(res),
    );
    if (body.status === 'FAILED') throw this.#failed(res, text);
    if (body.status !== 'COMPLETED') {
      throw new SegmindError(
        `Job ${this.requestId} has no result yet (status ${String(body.status)}); use job.wait() to wait for it`,
      );
    }
    return body as JobResult;
  }

  /**
   * Waits until the job ends and returns its result. Checks at once, then on the schedule.
   * Throws `InferenceFailedError` if it FAILED, `InferenceTimeoutError` past the deadline (the job
   * may still finish), `UserAbortError` when `signal` fires.
   */
  async wait(options: WaitOptions = {}): Promise<JobResult> {
    const core = this.#ctx.core;
    const started = clock.now();
    const deadline = started + (options.timeout ?? core.options.waitTimeout);
    const origin = this.#submittedAt ?? started;
    const model = this.model ?? '';
    // A resumed job's age is unknown, so what is known of the model's durations cannot be used.
    const known = this.#submittedAt === undefined ? undefined : this.#ctx.stats.window(model);
    const interval = options.interval ?? adaptiveSchedule(core.options.pollInterval, known);
    const { signal, onStatus } = options;
    let last: string | undefined;
    let lastPendingAt = origin;
    let polls = 0;

    const timeLeft = () => deadline - clock.now();
    const inTime = async <T>(step: (timeout: number) => Promise<T>): Promise<T> => {
      const left = timeLeft();
      if (left <= 0) throw new InferenceTimeoutError(this.requestId, clock.now() - started, last);
      const timeout = Math.min(left, core.options.timeout);
      try {
        return await step(timeout);
      } catch (err) {
        // A request cut short by the wait's own deadline is the wait timing out, not the network.
        if (err instanceof RequestTimeoutError && timeLeft() <= 0) {
          throw new InferenceTimeoutError(this.requestId, clock.now() - started, last);
        }
        throw err;
      }
    };
    const pollOptions = (timeout: number): PollOptions => ({
      timeout,
      signal,
      deadline,
      maxRetries: options.maxRetries,
      headers: options.headers,
    });

    for (;;) {
      const poll = await inTime((timeout) => this.#poll(pollOptions(timeout)));
      polls++;
      const { status } = poll;
      if (status.status !== last) {
        last = status.status;
        onStatus?.(status);
      }
      if (poll.kind === 'failed') throw poll.error;
      if (status.status === 'COMPLETED') {
        // It ended between the last pending check and this one.
        if (this.#submittedAt !== undefined && model) {
          this.#ctx.stats.record(model, lastPendingAt - origin, clock.now() - origin);
        }
        return inTime((timeout) => this.#result(pollOptions(timeout)));
      }
      lastPendingAt = clock.now();
      const pause = nextPollDelay(interval, { polls, elapsed: clock.now() - origin, status: status.status });
      const left = timeLeft();
      if (left <= 0) throw new InferenceTimeoutError(this.requestId, clock.now() - started, last);
      await clock.sleep(Math.min(pause, left), signal);
      if (signal?.aborted) throw new UserAbortError(signal.reason);
    }
  }

  /** `{ requestId, model, statusUrl, responseUrl, submittedAt }`: pass it (or just the id) to `client.job()`. */
  toJSON(): JobJSON {
    return {
      requestId: this.requestId,
      model: this.model,
      statusUrl: this.#statusUrl.href,
      responseUrl: this.#resultUrl.href,
      submittedAt: this.#submittedAt,
    };
  }

  async #poll(options?: PollOptions): Promise<Poll> {
    const settings = callSettings(this.#ctx.core.options, options);
    try {
      const { body, res, text } = await this.#ctx.core.call(
        { method: 'GET', url: this.#statusUrl, billable: false, settings, deadline: options?.deadline },
        (res) => readJson(res),
      );
      const status = withDefaults(body, this.requestId);
      if (status.status === 'FAILED') return { kind: 'failed', status, error: this.#failed(res, text) };
      return { kind: 'status', status };
    } catch (err) {
      // 422 carries the FAILED body: for status() that is an answer, not an exception.
      if (err instanceof InferenceFailedError && isRecord(err.body)) {
        return { kind: 'failed', status: withDefaults(err.body, this.requestId), error: err };
      }
      throw err;
    }
  }

  #failed(res: HttpResponse, text: string): InferenceFailedError {
    const error = errorFromResponse({
      status: res.status,
      headers: res.headers,
      text,
      secret: this.#ctx.core.options.apiKey,
    });
    if (error instanceof InferenceFailedError) return error;
    return new InferenceFailedError({
      status: res.status,
      headers: res.headers,
      detail: error.detail,
      requestId: this.requestId,
    });
  }
}

function withDefaults(body: Record<string, unknown>, requestId: string): JobStatus {
  return {
    ...body,
    status: typeof body.status === 'string' ? body.status : 'UNKNOWN',
    request_id: typeof body.request_id === 'string' ? body.request_id : requestId,
    metrics: isRecord(body.metrics) ? body.metrics : {},
  };
}

async function readJson(
  res: HttpResponse,
): Promise<{ body: Record<string, unknown>; res: HttpResponse; text: string }> {
  const text = (await res.bytes()).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isRecord(body)) {
    throw new APIError({
      status: res.status,
      headers: res.headers,
      detail: `expected a JSON object, got: ${text.slice(0, 80)}`,
      message: `${res.status} answer is not a JSON object: ${text.slice(0, 80)}`,
    });
  }
  return { body, res, text };
}
