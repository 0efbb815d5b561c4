import type { BatchPort, ItemCallOptions } from './batch/batch-port.js';
import { type Batch, type BatchOptions, createBatch } from './batch/index.js';
import { isRecord, NotFoundError, SegmindError } from './errors.js';
import { Core, type SendHooks } from './http/core.js';
import { createTransport } from './http/create-transport.js';
import type { HttpResponse, Transport } from './http/transport.js';
import { readSubmitAnswer } from './jobs/answers.js';
import type { Deadline } from './jobs/deadline.js';
import { createJob, type Job, startWait, type WaitOptions, waitWithin } from './jobs/job.js';
import { jobIdProblem } from './jobs/job-id.js';
import type { JobJSON, JobResult } from './jobs/job-types.js';
import { DurationStats } from './jobs/poll-schedule.js';
import type { RequestGate } from './limits/gate.js';
import { createGate } from './limits/limit-gate.js';
import { resolveRateLimit } from './limits/rate-limit-options.js';
import { type ImageParam, imageParams, isKnownModel, MODEL_SLUGS, modelRules } from './models/lookup.js';
import type { KnownModel, ParamsFor } from './models/params.js';
import type { ModelRules } from './models/registry/types.js';
import { checkParamsNow, serializeParams } from './models/request-body.js';
import { type ClientOptions, type ResolvedOptions, resolveClientOptions } from './options/client-options.js';
import { type CallSettings, callSettings, type RequestOptions } from './options/request-options.js';
import { readSyncOutput, type SyncOutput } from './results/decode-output.js';
import { type DownloadedFile, download, downloadToFile } from './results/download.js';
import { ImageResult } from './results/image-result.js';
import { firstOutput } from './results/read-output.js';
import { createFiles, type Files } from './uploads/files.js';
import { resolveImageInputs } from './uploads/resolve-image-inputs.js';
import { UploadCache } from './uploads/upload-images.js';
import { clock } from './util/clock.js';
import { closest } from './util/did-you-mean.js';
import { createLogger } from './util/logger.js';

/** @internal What the project's tests may set on a client that no option reaches. */
export interface ClientInternals {
  /** The rate limit's window, in ms, instead of a minute. */
  rateLimitWindowMs?: number | undefined;
}

let withInternals: (options: ClientOptions, internals: ClientInternals) => SegmindClient;

/** @internal A client with test-only settings (never exported from the package). */
export function createClientWithInternals(options: ClientOptions, internals: ClientInternals): SegmindClient {
  return withInternals(options, internals);
}

/**
 * What a client works out once per model slug rather than on every call: the slug checked, its
 * rules and image parameters, and its two endpoints' URLs.
 */
interface ModelRoute {
  readonly model: string;
  /** A registry slug (typed; answers with an image). */
  readonly known: boolean;
  readonly rules: ModelRules | undefined;
  readonly images: readonly ImageParam[];
  /** `POST /v1/{model}`. */
  readonly v1: URL;
  /** `POST /v2/{model}`. */
  readonly v2: URL;
}

/** Routes a client keeps; past this, slugs are worked out per call (a caller inventing slugs). */
const MAX_ROUTES = 1_000;

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
  #core: Core;
  // By slug, for this client's core (its URLs); a copy with its own core has its own.
  readonly #routes = new Map<string, ModelRoute>();
  // The settings of a call given no options: the client's own, checked once.
  #defaultSettings: CallSettings | undefined;
  #stats = new DurationStats();
  #uploads = new UploadCache();
  /** Segmind storage: `client.files.upload(bytes)` → a URL (model calls upload image inputs themselves). */
  readonly files: Files = createFiles(() => ({ core: this.#core, cache: this.#uploads }));

  constructor(options: ClientOptions = {}) {
    this.#init = { ...options };
    this.#core = SegmindClient.#connect(resolveClientOptions(options), undefined);
  }

  static {
    // The project's own tests shorten the rate limit's minute through this door; it is not part of
    // the package's surface (nothing exports it) and no option reaches it.
    withInternals = (options, internals) => {
      const client = new SegmindClient(options);
      const resolved = client.#core.options;
      if (internals.rateLimitWindowMs !== undefined && resolved.rateLimit) {
        const rateLimit = resolveRateLimit(options.rateLimit, internals.rateLimitWindowMs);
        client.#core = SegmindClient.#connect({ ...resolved, rateLimit }, client.#core.transport);
      }
      return client;
    };
  }

  // The one place a client's Core is built: on its own connection pool, or on the one it shares
  // with the client withOptions() copied (the pool is lazy, so a copy never opens a second one).
  static #connect(resolved: ResolvedOptions, shared: Transport | undefined, gate?: RequestGate): Core {
    const log = createLogger(resolved.logLevel, resolved.logger, resolved.apiKey);
    // undici on Node (fetch with the `fetch` option); fetch in the Bun, Deno, Workers and browser builds.
    const transport =
      shared ??
      createTransport({ fetch: resolved.fetch, dispatcher: resolved.dispatcher, timeout: resolved.timeout });
    // The request gate: the client-wide 429 pause, and `rateLimit` when set (shared by copies).
    return new Core(resolved, transport, log, gate ?? createGate(resolved.rateLimit, log));
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
    const copy = new SegmindClient(init);
    // Copies share the pool and the limiter (unless they bring their own dispatcher, fetch or rateLimit).
    const gate = options.rateLimit === undefined ? this.#core.gate : undefined;
    const ownTransport = options.dispatcher !== undefined || options.fetch !== undefined;
    if (!ownTransport || gate) {
      const pool = ownTransport ? undefined : this.#core.transport;
      copy.#core = SegmindClient.#connect(copy.#core.options, pool, gate);
    }
    copy.#stats = this.#stats;
    copy.#uploads = this.#uploads;
    return copy;
  }

  /**
   * Closes the client's own connections (shared with its `withOptions()` copies). A dispatcher you
   * passed in is left open. Not required for the process to exit.
   */
  close(): Promise<void> {
    return this.#core.transport.close();
  }

  /**
   * One v1 call: `POST /v1/{model}`, answered with the image. The parameters are validated first;
   * nothing is sent if they break a rule.
   * @example
   * const image = await client.runSync('flux-schnell', { prompt: 'a tiger', width: 1024, height: 768 });
   */
  runSync<M extends ModelSlug>(
    model: M,
    params: ParamsFor<M>,
    options?: RequestOptions,
  ): Promise<SyncResultFor<M>> {
    // Not an async method, to spare every call a promise; a bad option still rejects, never throws.
    let settings: CallSettings;
    try {
      settings = this.#settings(options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#runSync(model, params, settings, undefined) as Promise<SyncResultFor<M>>;
  }

  async #runSync(
    model: string,
    params: unknown,
    settings: CallSettings,
    hooks: SendHooks | undefined,
  ): Promise<unknown> {
    const route = this.#route(model);
    const prepared = this.#body(route, params, settings, undefined);
    const body = typeof prepared === 'string' ? prepared : await prepared;
    // A typed model must answer with an image: anything else is refused inside the read, where
    // the status and request id are still at hand.
    const read = route.known ? readImageOutput : readAnyOutput;
    try {
      return await this.#core.call(
        { method: 'POST', url: route.v1, body, billable: true, settings, hooks },
        read,
      );
    } catch (err) {
      throw suggestModel(err, route);
    }
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
    return this.#submit(model, params, this.#settings(options), undefined, undefined);
  }

  /**
   * Rebuilds a job from its id or its `toJSON()`, in any process (the server keeps jobs one hour).
   * @example
   * const job = client.job(process.argv[2]);
   * console.log((await job.status()).status);
   */
  job(requestIdOrJSON: string | JobJSON): Job {
    const given: unknown = requestIdOrJSON;
    if (typeof given !== 'string' && !isRecord(given)) {
      throw new SegmindError('client.job() needs a request id, or the object job.toJSON() returned');
    }
    const requestId = typeof given === 'string' ? given : given.requestId;
    // The id becomes a path segment of requests that carry the key: it is checked before any is sent.
    const problem = jobIdProblem(requestId);
    if (problem) throw new SegmindError(`client.job(): the request id ${problem}`);
    const init: JobJSON = { requestId: requestId as string };
    if (isRecord(given)) {
      if (typeof given.model === 'string') init.model = given.model;
      if (typeof given.statusUrl === 'string') init.statusUrl = given.statusUrl;
      if (typeof given.responseUrl === 'string') init.responseUrl = given.responseUrl;
      if (typeof given.submittedAt === 'number') init.submittedAt = given.submittedAt;
    }
    return createJob({ core: this.#core, stats: this.#stats }, init);
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
    // One deadline, started before the submit: the submit, the polls, the retries and
    // InferenceTimeoutError.elapsed all count from here. Durations are checked before anything is sent.
    const deadline = startWait(options, this.#core.options.waitTimeout);
    const settings = this.#settings({
      validate: options.validate,
      signal: options.signal,
      headers: options.headers,
      maxRetries: options.maxRetries,
    });
    const job = await this.#submit(model, params, settings, deadline, undefined);
    return waitWithin(job, options, deadline);
  }

  /**
   * Runs many items under the client's limits: `via: 'async'` (v2 submit + wait, the default) or
   * `'sync'` (v1). Iterate with `for await` (completion order) or call `all()` (input order); one
   * item's failure never stops the others. With `journal`, a stopped batch run again never pays twice.
   * @example
   * const batch = client.batch('fast-flux-schnell', prompts.map((prompt) => ({ prompt })), { journal: 'run.jsonl' });
   * for await (const item of batch) console.log(item.index, item.ok ? item.value.output : item.error.message);
   */
  batch<M extends ModelSlug>(
    model: M,
    params: Iterable<ParamsFor<M>> | AsyncIterable<ParamsFor<M>>,
    options: BatchOptions & { via: 'sync' },
  ): Batch<ParamsFor<M>, SyncResultFor<M>>;
  batch<M extends ModelSlug>(
    model: M,
    params: Iterable<ParamsFor<M>> | AsyncIterable<ParamsFor<M>>,
    options?: BatchOptions & { via?: 'async' | undefined },
  ): Batch<ParamsFor<M>, JobResult>;
  batch<M extends ModelSlug>(
    model: M,
    params: Iterable<ParamsFor<M>> | AsyncIterable<ParamsFor<M>>,
    options?: BatchOptions,
  ): Batch<ParamsFor<M>, unknown> {
    return createBatch(this.#batchPort(), checkModel(model), params, options);
  }

  // The narrow slice of this client a batch uses; each item's hooks travel with its call.
  #batchPort(): BatchPort {
    const settings = (options: ItemCallOptions) => this.#settings({ signal: options.signal });
    return {
      runSync: (model, params, options) => this.#runSync(model, params, settings(options), options.hooks),
      submitAsync: (model, params, options) =>
        this.#submit(model, params, settings(options), undefined, options.hooks),
      job: (requestId) => this.job(requestId),
      log: this.#core.log,
    };
  }

  /**
   * Fetches an output into memory: a URL, or a job's result (its first output item: a URL is
   * downloaded, base64 output is decoded without a request). The key is sent only to the API's own
   * origin. A result without an image output is a `SegmindError`; see `readOutput()` for every item.
   * @example
   * const result = await client.run('fast-flux-schnell', { prompt: 'a fox' });
   * const image = await client.download(result);
   * await image.save('fox.jpg');
   */
  async download(source: string | URL | JobResult, options?: RequestOptions): Promise<ImageResult> {
    if (typeof source === 'string' || source instanceof URL) return download(this.#core, source, options);
    const item = firstOutput(source);
    return item.type === 'url'
      ? download(this.#core, item.url, options)
      : new ImageResult(item.data, item.contentType, {});
  }

  /**
   * Streams an output to a file (atomically: a temp file renamed into place), with flat memory: a
   * URL, or a job's result (its first output item, as in `download()`).
   * @example
   * const result = await client.run('fast-flux-schnell', { prompt: 'a fox' });
   * const { path, size, contentType } = await client.downloadToFile(result, 'fox.jpg');
   */
  async downloadToFile(
    source: string | URL | JobResult,
    path: string,
    options?: RequestOptions,
  ): Promise<DownloadedFile> {
    if (typeof source === 'string' || source instanceof URL) {
      return downloadToFile(this.#core, source, path, options);
    }
    const item = firstOutput(source);
    if (item.type === 'url') return downloadToFile(this.#core, item.url, path, options);
    await new ImageResult(item.data, item.contentType, {}).save(path);
    return { path, size: item.data.length, contentType: item.contentType };
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

  // util.inspect's hook, by its registered symbol: importing node:util would tie the SDK to Node.
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    return `SegmindClient ${inspect(this.toJSON(), options)}`;
  }

  #settings(options: RequestOptions | undefined): CallSettings {
    // Most calls pass no options: their settings are the client's, the same every time.
    if (options === undefined) {
      this.#defaultSettings ??= Object.freeze(callSettings(this.#core.options, undefined));
      return this.#defaultSettings;
    }
    return callSettings(this.#core.options, options);
  }

  // The slug checked once (a bad one is a SegmindError on every call), with what follows from it.
  #route(model: string): ModelRoute {
    const known = this.#routes.get(model);
    if (known) return known;
    const core = this.#core;
    const slug = encodeURIComponent(checkModel(model));
    const rules = modelRules(model);
    const route: ModelRoute = {
      model,
      known: isKnownModel(model),
      rules,
      images: rules ? imageParams(rules) : [],
      v1: core.url(`v1/${slug}`),
      v2: core.url(`v2/${slug}`),
    };
    if (this.#routes.size < MAX_ROUTES) this.#routes.set(model, route);
    return route;
  }

  /**
   * The request body: the params checked (before anything is sent, uploads included), image bytes
   * replaced by storage URLs (if an upload fails, the model request is not sent), serialized.
   * Synchronous in the common case (checks loaded, no image bytes): a call then adds no promise.
   */
  #body(
    route: ModelRoute,
    params: unknown,
    settings: CallSettings,
    deadline: number | undefined,
  ): string | Promise<string> {
    const checked = checkParamsNow(route.model, route.rules, params, settings.validate);
    if (checked instanceof Promise) {
      return checked.then((ok) => this.#body(route, ok, { ...settings, validate: false }, deadline));
    }
    if (route.images.length === 0) return serializeParams(route.model, checked);
    const context = { core: this.#core, cache: this.#uploads };
    const resolved = resolveImageInputs(route.model, checked, route.images, context, settings, deadline);
    return resolved instanceof Promise
      ? resolved.then((withURLs) => serializeParams(route.model, withURLs))
      : serializeParams(route.model, resolved);
  }

  async #submit(
    model: string,
    params: unknown,
    settings: CallSettings,
    deadline: Deadline | undefined,
    hooks: SendHooks | undefined,
  ): Promise<Job> {
    const route = this.#route(model);
    // Under run()'s deadline no request (the uploads, the submit) outlives it.
    const capped = () => (deadline ? { ...settings, timeout: deadline.cap(settings.timeout) } : settings);
    const prepared = this.#body(route, params, capped(), deadline?.at);
    const body = typeof prepared === 'string' ? prepared : await prepared;
    const submittedAt = clock.now();
    let init: Awaited<ReturnType<typeof readSubmitAnswer>>;
    try {
      init = await this.#core.call(
        {
          method: 'POST',
          url: route.v2,
          body,
          billable: true,
          settings: capped(),
          deadline: deadline?.at,
          hooks,
        },
        (res) => readSubmitAnswer(res, model),
      );
    } catch (err) {
      throw suggestModel(err, route);
    }
    return createJob({ core: this.#core, stats: this.#stats }, { ...init, submittedAt });
  }
}

/**
 * A 404 for a model slug close to a typed one names it: `flux-shnell` → "did you mean flux-schnell?".
 * The error keeps its class, status, request id and detail.
 */
function suggestModel(err: unknown, route: ModelRoute): unknown {
  if (!(err instanceof NotFoundError) || route.known) return err;
  const guess = closest(route.model, MODEL_SLUGS);
  if (guess) err.message = `${err.message}; did you mean ${guess}?`;
  return err;
}

const readImageOutput = (res: HttpResponse) => readSyncOutput(res, { expectImage: true });
const readAnyOutput = (res: HttpResponse) => readSyncOutput(res, { expectImage: false });

function checkModel(model: string): string {
  if (typeof model !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(model)) {
    throw new SegmindError(`Not a model slug: ${JSON.stringify(model)} (expected e.g. 'flux-schnell')`);
  }
  return model;
}
