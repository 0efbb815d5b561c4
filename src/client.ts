import { inspect } from 'node:util';
import { APIError, isRecord, SegmindError } from './errors.js';
import { Core } from './http/core.js';
import { Connections } from './http/transport.js';
import { Job, type WaitOptions } from './jobs/job.js';
import type { JobJSON, JobResult } from './jobs/job-types.js';
import { DurationStats } from './jobs/poll-schedule.js';
import { isKnownModel, type KnownModel, type ParamsFor } from './models/params.js';
import { toRequestBody } from './models/validate.js';
import {
  type CallSettings,
  type ClientOptions,
  callSettings,
  type RequestOptions,
  type ResolvedOptions,
  resolveClientOptions,
} from './options.js';
import { readSyncOutput, type SyncOutput } from './results/decode-output.js';
import { type DownloadedFile, download, downloadToFile } from './results/download.js';
import { ImageResult } from './results/image-result.js';
import { clock } from './util/clock.js';
import { createLogger } from './util/logger.js';

// withOptions() hands its connection pool to the copy's constructor.
const sharedConnections = new WeakMap<ClientOptions, Connections>();

/** A model slug: the typed ones are suggested, any other is accepted untyped. */
export type ModelSlug = KnownModel | (string & {});

/** What `runSync()` returns: an `ImageResult` for the image models, else the decoded answer. */
export type SyncResultFor<M extends string> = M extends KnownModel ? ImageResult : SyncOutput;

/** Options of `client.run()`: the wait's options (its `timeout` is the whole deadline) plus `validate`. */
export interface RunOptions extends WaitOptions {
  /** Check parameters before sending. @default the client's `validate` */
  validate?: boolean | undefined;
}

/**
 * A client for Segmind's API. One per process is enough: it keeps a pool of keep-alive connections.
 * @example
 * import { SegmindClient } from 'segmind';
 * const client = new SegmindClient();             // reads SEGMIND_API_KEY
 * const image = await client.runSync('flux-schnell', { prompt: 'a tiger on mars' });
 * await image.save('tiger.jpg');
 */
export class SegmindClient {
  readonly #init: ClientOptions;
  readonly #core: Core;
  #stats = new DurationStats();

  constructor(options: ClientOptions = {}) {
    const resolved = resolveClientOptions(options);
    this.#init = { ...options };
    const log = createLogger(resolved.logLevel, resolved.logger, resolved.apiKey);
    const connections =
      sharedConnections.get(options) ?? new Connections(resolved.dispatcher, resolved.timeout);
    this.#core = new Core(resolved, connections, log);
  }

  /** The API's base URL, e.g. `https://api.segmind.com/`. */
  get baseURL(): string {
    return this.#core.options.baseURL.href;
  }
  /** Per-request limit, in ms. */
  get timeout(): number {
    return this.#core.options.timeout;
  }
  /** Retries of retryable failures. */
  get maxRetries(): number {
    return this.#core.options.maxRetries;
  }
  /** Base interval of `wait()` polling, in ms. */
  get pollInterval(): number {
    return this.#core.options.pollInterval;
  }
  /** Default deadline of `wait()` and `run()`, in ms. */
  get waitTimeout(): number {
    return this.#core.options.waitTimeout;
  }

  /**
   * A copy with some options changed, sharing this client's connection pool.
   * @example
   * const patient = client.withOptions({ timeout: 300_000, maxRetries: 5 });
   */
  withOptions(options: ClientOptions): SegmindClient {
    const init: ClientOptions = { ...this.#init, apiKey: this.#core.options.apiKey, ...options };
    if (!options.dispatcher) sharedConnections.set(init, this.#core.connections);
    const copy = new SegmindClient(init);
    copy.#stats = this.#stats;
    return copy;
  }

  /**
   * Closes the client's own connections (shared with its `withOptions()` copies). A dispatcher you
   * passed in is left open. Not required for the process to exit.
   */
  close(): Promise<void> {
    return this.#core.connections.close();
  }

  /**
   * One v1 call: `POST /v1/{model}`, answered with the image. The parameters are validated first;
   * nothing is sent if they break a rule.
   * @example
   * const image = await client.runSync('flux-schnell', { prompt: 'a tiger', width: 1024, height: 768 });
   */
  async runSync<M extends ModelSlug>(
    model: M,
    params: ParamsFor<M>,
    options?: RequestOptions,
  ): Promise<SyncResultFor<M>> {
    const settings = this.#settings(options);
    const body = toRequestBody(checkModel(model), params, settings.validate);
    const output = await this.#core.call(
      {
        method: 'POST',
        url: this.#core.url(`v1/${encodeURIComponent(model)}`),
        body,
        billable: true,
        settings,
      },
      (res) => readSyncOutput(res),
    );
    if (isKnownModel(model) && !(output instanceof ImageResult)) {
      throw new APIError({
        status: 200,
        headers: {},
        body: output,
        message: `${model} answered 200 without an image (the call may have been billed): ${JSON.stringify(output).slice(0, 200)}`,
      });
    }
    return output as SyncResultFor<M>;
  }

  /**
   * Submits a v2 job: `POST /v2/{model}`. Returns at once with the job's `requestId`.
   * @example
   * const job = await client.submitAsync('fast-flux-schnell', { prompt: 'a fox', aspect_ratio: '16:9' });
   * const result = await job.wait();
   */
  async submitAsync<M extends ModelSlug>(
    model: M,
    params: ParamsFor<M>,
    options?: RequestOptions,
  ): Promise<Job> {
    return this.#submit(model, params, this.#settings(options), undefined);
  }

  /**
   * Rebuilds a job from its id or its `toJSON()`, in any process (the server keeps jobs one hour).
   * @example
   * const job = client.job(process.argv[2]);
   * console.log((await job.status()).status);
   */
  job(requestIdOrJSON: string | JobJSON): Job {
    const init = typeof requestIdOrJSON === 'string' ? { requestId: requestIdOrJSON } : requestIdOrJSON;
    if (!isRecord(init) || typeof init.requestId !== 'string' || !init.requestId.trim()) {
      throw new SegmindError('client.job() needs a request id, or the object job.toJSON() returned');
    }
    return new Job({ core: this.#core, stats: this.#stats }, init);
  }

  /**
   * Submits a v2 job and waits for its result, all under one deadline (`timeout`, default the
   * client's `waitTimeout`).
   * @example
   * const result = await client.run('fast-flux-schnell', { prompt: 'a fox' }, { onStatus: (s) => console.log(s.status) });
   */
  async run<M extends ModelSlug>(
    model: M,
    params: ParamsFor<M>,
    options: RunOptions = {},
  ): Promise<JobResult> {
    const started = clock.now();
    const deadline = started + (options.timeout ?? this.#core.options.waitTimeout);
    const settings = this.#settings({
      validate: options.validate,
      signal: options.signal,
      headers: options.headers,
      maxRetries: options.maxRetries,
    });
    settings.timeout = Math.max(1, Math.min(settings.timeout, deadline - started));
    const job = await this.#submit(model, params, settings, deadline);
    return job.wait({ ...options, timeout: Math.max(1, deadline - clock.now()) });
  }

  /** Fetches an output URL into memory. The key is sent only to the API's own origin. */
  download(url: string | URL, options?: RequestOptions): Promise<ImageResult> {
    return download(this.#core, url, options);
  }

  /**
   * Streams an output URL to a file (atomically: a temp file renamed into place), with flat memory.
   * @example
   * const { size } = await client.downloadToFile(result.output as string, 'fox.jpg');
   */
  downloadToFile(url: string | URL, path: string, options?: RequestOptions): Promise<DownloadedFile> {
    return downloadToFile(this.#core, url, path, options);
  }

  /** The client's settings, without the key. */
  toJSON(): Record<string, unknown> {
    const o: ResolvedOptions = this.#core.options;
    return {
      baseURL: o.baseURL.href,
      timeout: o.timeout,
      maxRetries: o.maxRetries,
      pollInterval: o.pollInterval,
      waitTimeout: o.waitTimeout,
      validate: o.validate,
      logLevel: o.logLevel,
      apiKey: '[redacted]',
    };
  }

  [inspect.custom](): string {
    return `SegmindClient ${inspect(this.toJSON())}`;
  }

  #settings(options: RequestOptions | undefined): CallSettings {
    return callSettings(this.#core.options, options);
  }

  async #submit(
    model: string,
    params: unknown,
    settings: CallSettings,
    deadline: number | undefined,
  ): Promise<Job> {
    const body = toRequestBody(checkModel(model), params, settings.validate);
    const submittedAt = clock.now();
    const answer = await this.#core.call(
      {
        method: 'POST',
        url: this.#core.url(`v2/${encodeURIComponent(model)}`),
        body,
        billable: true,
        settings,
        deadline,
      },
      async (res) => ({ res, text: (await res.bytes()).toString('utf8') }),
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      parsed = undefined;
    }
    const requestId = isRecord(parsed) ? parsed.request_id : undefined;
    if (typeof requestId !== 'string' || !requestId) {
      throw new APIError({
        status: answer.res.status,
        headers: answer.res.headers,
        body: parsed,
        detail: answer.text.slice(0, 200),
        message: `Submit to ${model} answered ${answer.res.status} without a request_id, so the job cannot be followed (it may have been queued and billed): ${answer.text.slice(0, 200)}`,
      });
    }
    const { status_url, response_url } = parsed as Record<string, unknown>;
    return new Job(
      { core: this.#core, stats: this.#stats },
      {
        requestId,
        model,
        statusUrl: typeof status_url === 'string' ? status_url : undefined,
        responseUrl: typeof response_url === 'string' ? response_url : undefined,
        submittedAt,
      },
    );
  }
}

function checkModel(model: string): string {
  if (typeof model !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(model)) {
    throw new SegmindError(`Not a model slug: ${JSON.stringify(model)} (expected e.g. 'flux-schnell')`);
  }
  return model;
}
