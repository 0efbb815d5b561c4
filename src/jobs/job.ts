import {
  type APIError,
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
import { checkDuration } from '../options/checks.js';
import { type CallSettings, callSettings, type RequestOptions } from '../options/request-options.js';
import { clock } from '../util/clock.js';
import { readJsonAnswer, readStatusAnswer, toJobStatus, toResultAnswer } from './answers.js';
import { Deadline } from './deadline.js';
import { jobIdProblem } from './job-id.js';
import type { FailedJobStatus, JobJSON, JobResult, JobStatus } from './job-types.js';
import {
  adaptiveSchedule,
  type DurationStats,
  MIN_POLL_INTERVAL,
  nextPollDelay,
  type PollInterval,
} from './poll-schedule.js';

/**
 * Options of `job.wait()`. `timeout` here is the deadline for the whole wait; each HTTP request
 * inside it keeps the client's per-request `timeout`, cut short so it never outlives the deadline.
 * @example
 * await job.wait({ timeout: 120_000, interval: 2_000, onStatus: (s) => console.log(s.status) });
 */
export interface WaitOptions {
  /**
   * Deadline for the whole wait, in ms (> 0 and ≤ 2 147 483 647).
   * @default the client's `waitTimeout` (600_000)
   */
  timeout?: number | undefined;
  /**
   * Pause between status checks: ms (> 0 and ≤ 2 147 483 647; at least 100 ms is waited), or a
   * function of the poll context.
   * @default an adaptive schedule based on the client's `pollInterval` (see README, "Polling")
   */
  interval?: PollInterval | undefined;
  /** Stops the wait at once with `UserAbortError`; no status check is sent after it fires. */
  signal?: AbortSignal | undefined;
  /** Called once per observed status change, in order (an unknown status is reported too). */
  onStatus?: ((status: JobStatus) => void) | undefined;
  /** Retries per status request. @default the client's `maxRetries` */
  maxRetries?: number | undefined;
  /** Extra headers for the status and result requests. */
  headers?: Record<string, string> | undefined;
}

/** @internal What a Job needs from the client that made it: never part of the public types. */
export interface JobContext {
  core: Core;
  stats: DurationStats;
}

/**
 * Bytes of a status or result error body read before it is cut short: a FAILED body carries the
 * reason and metrics, and can be larger than other error bodies. Past it the job still reads as FAILED.
 */
const JOB_ERROR_BODY_LIMIT = 1024 * 1024;
/** First pause before asking again for a result the status already called COMPLETED; it doubles. */
const RESULT_RETRY_FIRST = 250;

type Poll =
  | { kind: 'status'; status: JobStatus }
  | { kind: 'failed'; status: FailedJobStatus; error: InferenceFailedError };
type Fetched = { kind: 'completed'; result: JobResult } | { kind: 'pending'; rawStatus: string };

// The module-private doors into Job: the client builds jobs and runs a wait under its own deadline
// through them, so neither the constructor nor these internals appear in the public types.
let construct: (ctx: JobContext, init: JobJSON) => Job;
let waitUnder: (job: Job, options: WaitOptions, deadline: Deadline) => Promise<JobResult>;

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

  static {
    construct = (ctx, init) => new Job(ctx, init);
    waitUnder = (job, options, deadline) => job.#wait(options, deadline);
  }

  /** Not for users: get a job from `client.submitAsync()` or `client.job()`. */
  private constructor(ctx: JobContext, init: JobJSON) {
    // Callers check first, with their own error; this guards the path the key travels on.
    const problem = jobIdProblem(init.requestId);
    if (problem) throw new SegmindError(`A job's request id ${problem}`);
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
    if (typeof value !== 'string' || !value) return undefined;
    try {
      const url = new URL(value);
      return this.#ctx.core.isApiOrigin(url) ? url : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The job's current status. FAILED is returned as a status (with its reason in `error`), never
   * thrown, whatever the size of the server's answer. Throws `NotFoundError` for an unknown or
   * expired job (the server keeps jobs one hour).
   * @example
   * const s = await job.status();
   * if (s.status === 'FAILED') console.error(s.error);
   */
  async status(options?: RequestOptions): Promise<JobStatus> {
    return (await this.#poll(this.#settings(options), undefined)).status;
  }

  /**
   * The result of a finished job: call it after `wait()` said the job is done, or use `wait()`,
   * which returns it. Throws `InferenceFailedError` for a failed job, and a `SegmindError` while
   * the job is still running.
   * @example
   * const result = await client.job(id).result();
   */
  async result(options?: RequestOptions): Promise<JobResult> {
    const fetched = await this.#fetchResult(this.#settings(options), undefined);
    if (fetched.kind === 'completed') return fetched.result;
    throw new SegmindError(
      `Job ${this.requestId} has no result yet (status ${fetched.rawStatus || 'unknown'}); job.wait() waits for it and returns it`,
    );
  }

  /**
   * Waits until the job ends and returns its result. Checks at once, then on the schedule.
   * Throws `InferenceFailedError` if it FAILED, `InferenceTimeoutError` past the deadline (the job
   * may still finish), `UserAbortError` when `signal` fires.
   * @example
   * const result = await job.wait({ timeout: 120_000 });
   */
  wait(options: WaitOptions = {}): Promise<JobResult> {
    let deadline: Deadline;
    try {
      deadline = startWait(options, this.#ctx.core.options.waitTimeout);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#wait(options, deadline);
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

  async #wait(options: WaitOptions, deadline: Deadline): Promise<JobResult> {
    const { signal, onStatus } = options;
    const core = this.#ctx.core;
    const settings = this.#settings({ signal, maxRetries: options.maxRetries, headers: options.headers });
    // Durations count from submit when known (this process submitted it), else from the wait's start.
    const origin = this.#submittedAt ?? deadline.startedAt;
    const model = this.model ?? '';
    // A resumed job's age is unknown, so what is known of the model's durations cannot be used.
    const known = this.#submittedAt === undefined ? undefined : this.#ctx.stats.window(model);
    const interval = options.interval ?? adaptiveSchedule(core.options.pollInterval, known);
    let last: string | undefined;
    let lastPendingAt = origin;
    let polls = 0;

    const timedOut = () => new InferenceTimeoutError(this.requestId, deadline.elapsed(), last);
    // Every request of the wait runs under the one deadline, with a per-request limit cut to it.
    const step = async <T>(request: (settings: CallSettings) => Promise<T>): Promise<T> => {
      if (deadline.left() <= 0) throw timedOut();
      try {
        return await request({ ...settings, timeout: deadline.cap(settings.timeout) });
      } catch (err) {
        // A request cut short by the wait's own deadline is the wait timing out, not the network.
        if (err instanceof RequestTimeoutError && deadline.left() <= 0) throw timedOut();
        throw err;
      }
    };
    const pause = async (ms: number) => {
      const left = deadline.left();
      if (left <= 0) throw timedOut();
      await clock.sleep(Math.min(ms, left), signal);
      if (signal?.aborted) throw new UserAbortError(signal.reason);
    };

    for (;;) {
      const poll = await step((s) => this.#poll(s, deadline));
      polls++;
      const { status } = poll;
      const raw = status.status === 'UNKNOWN' ? status.rawStatus : status.status;
      if (raw !== last) {
        last = raw;
        onStatus?.(status);
      }
      if (poll.kind === 'failed') throw poll.error;
      if (status.status === 'COMPLETED') break;
      lastPendingAt = clock.now();
      await pause(nextPollDelay(interval, { polls, elapsed: clock.now() - origin, status: raw }));
    }

    // It ended between the last pending check and this one.
    if (this.#submittedAt !== undefined && model) {
      this.#ctx.stats.record(model, lastPendingAt - origin, clock.now() - origin);
    }
    // The result endpoint can lag the status one: ask again, with a short backoff, until the deadline.
    for (let attempt = 0; ; attempt++) {
      const fetched = await step((s) => this.#fetchResult(s, deadline));
      if (fetched.kind === 'completed') return fetched.result;
      await pause(
        Math.max(MIN_POLL_INTERVAL, Math.min(core.options.pollInterval, RESULT_RETRY_FIRST * 2 ** attempt)),
      );
    }
  }

  #settings(options: RequestOptions | undefined): CallSettings {
    return callSettings(this.#ctx.core.options, options);
  }

  async #poll(settings: CallSettings, deadline: Deadline | undefined): Promise<Poll> {
    try {
      return await this.#ctx.core.call(
        {
          method: 'GET',
          url: this.#statusUrl,
          billable: false,
          settings,
          deadline: deadline?.at,
          jobEndpoint: true,
          errorBodyLimit: JOB_ERROR_BODY_LIMIT,
        },
        async (res): Promise<Poll> => {
          const answer = await readStatusAnswer(res, this.requestId);
          const status = toJobStatus(answer.body, this.requestId);
          if (status.status !== 'FAILED') return { kind: 'status', status };
          return { kind: 'failed', status, error: this.#failedFromAnswer(res, answer.text) };
        },
      );
    } catch (err) {
      // A 422 (or a FAILED body) carries the failure: for status() that is an answer, not an
      // exception, even when the body was too large or too broken to parse.
      if (err instanceof InferenceFailedError) {
        const error = this.#failed(err);
        const status = isRecord(err.body)
          ? toJobStatus({ ...err.body, status: 'FAILED' }, this.requestId)
          : toJobStatus({ status: 'FAILED', error: err.detail, metrics: err.metrics }, this.requestId);
        return { kind: 'failed', status: status as FailedJobStatus, error };
      }
      throw err;
    }
  }

  async #fetchResult(settings: CallSettings, deadline: Deadline | undefined): Promise<Fetched> {
    try {
      return await this.#ctx.core.call(
        {
          method: 'GET',
          url: this.#resultUrl,
          billable: false,
          settings,
          deadline: deadline?.at,
          jobEndpoint: true,
          errorBodyLimit: JOB_ERROR_BODY_LIMIT,
        },
        async (res): Promise<Fetched> => {
          const answer = await readJsonAnswer(res, `The result of job ${this.requestId}`, this.requestId);
          const fetched = toResultAnswer(answer, this.requestId);
          if (fetched.kind === 'failed') throw this.#failedFromAnswer(res, answer.text);
          return fetched;
        },
      );
    } catch (err) {
      if (err instanceof InferenceFailedError) throw this.#failed(err);
      throw err;
    }
  }

  // A 200 whose body says FAILED goes through the one error factory like any error answer.
  #failedFromAnswer(res: HttpResponse, text: string): InferenceFailedError {
    const error = errorFromResponse({
      status: res.status,
      headers: res.headers,
      text,
      secret: this.#ctx.core.options.apiKey,
      jobEndpoint: true,
      jobId: this.requestId,
    });
    return this.#failed(error);
  }

  // The failure of this job carries this job's id, whatever the body or an x-request-id header said.
  #failed(error: APIError): InferenceFailedError {
    if (error instanceof InferenceFailedError && error.requestId === this.requestId) return error;
    return new InferenceFailedError({
      status: error.status,
      headers: error.headers,
      detail: error.detail,
      body: error.body,
      requestId: this.requestId,
    });
  }
}

/** @internal Builds a job (the client's door to the private constructor). The id must be checked already. */
export function createJob(ctx: JobContext, init: JobJSON): Job {
  return construct(ctx, init);
}

/**
 * @internal Checks a wait's durations before anything is sent and starts its deadline. `run()` calls it
 * before the submit, so the submit counts against the same deadline.
 */
export function startWait(options: WaitOptions, waitTimeout: number): Deadline {
  const timeout = options.timeout === undefined ? waitTimeout : checkDuration('timeout', options.timeout);
  if (typeof options.interval === 'number') checkDuration('interval', options.interval);
  else if (options.interval !== undefined && typeof options.interval !== 'function') {
    throw new SegmindError(
      `interval must be a number of milliseconds or a function, got ${typeof options.interval}`,
    );
  }
  return Deadline.after(timeout);
}

/** @internal Runs `job.wait(options)` under a deadline that already started (the one `run()` began before submit). */
export function waitWithin(job: Job, options: WaitOptions, deadline: Deadline): Promise<JobResult> {
  return waitUnder(job, options, deadline);
}
