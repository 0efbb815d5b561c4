import { randomUUID } from 'node:crypto';
import { refuseKey } from './auth.js';
import { type Failure, type FakeModel, fakeModel } from './fake-models.js';
import { type FetchServer, type RecordedRequest, startFetchServer } from './fetch-server.js';
import { type FakeInput, findInputs } from './input-images.js';
import { renderOutput } from './output-image.js';
import { MockRateLimiter, type MockRateLimitLog, type MockRateLimitOptions } from './rate-limit.js';
import { FakeStorage, type MockUpload } from './storage.js';

/** Options of {@link createMockServer}. Durations in ms. */
export interface MockServerOptions {
  /** Port to listen on (loopback only). @default 0, any free port */
  port?: number;
  /**
   * Accept only this key (API and storage): another key gets a 401 saying it is invalid, no key a
   * 401 saying it is missing. @default any non-empty key
   */
  apiKey?: string;
  /** Extra delay before each v1 answer. @default 0 */
  latency?: number;
  /** How long v2 jobs stay QUEUED. @default 100 */
  queueTime?: number;
  /** How long v2 jobs stay PROCESSING: ms, or a function of the job's parameters. @default 400 */
  jobDuration?: number | ((params: Record<string, unknown>) => number);
  /** How long a job's status and result are kept after submit, as the real API's one hour. @default 3_600_000 */
  retention?: number;
  /** Starting balance, reported in `x-remaining-credits`. @default 100 */
  credits?: number;
  /** Cost of one image, reported in `x-cost`. @default 0.008 */
  cost?: number;
  /**
   * Make a job fail: return a reason for the parameters that should end FAILED (v2) or be refused
   * on v1 (with `badValueStatus`).
   */
  failWhen?: (params: Record<string, unknown>) => string | undefined;
  /**
   * The status a v1 call gets when a value reaches the model and fails there (a bad value of a typed
   * model sent with `validate: false`, or your `failWhen`). The real API answers 500, which the SDK
   * retries like any 5xx before throwing `InternalServerError`; 400 (`BadRequestError`, not retried)
   * is kept for tests written against the older fake.
   * @default 500
   */
  badValueStatus?: 400 | 500;
  /** Opt-in answer shapes seen in the official Python SDK's tests, to test your app against. */
  shapes?: MockShapes;
  /**
   * Enforce a per-account limit like Segmind's: over it, 429 with `x-rate-limit-reset-at-utc` and
   * no `Retry-After`. See `server.rateLimit` for the windows it saw.
   * @default no limit
   * @example
   * await createMockServer({ rateLimit: { requestsPerMinute: 5 } });
   */
  rateLimit?: MockRateLimitOptions;
  /**
   * Answer CORS, so a browser app on another origin can be tested against the fake: preflights are
   * answered and pages may read every answer and its `x-*` headers. @default false
   * @example
   * const server = await createMockServer({ cors: true });
   */
  cors?: boolean;
}

/**
 * Answer shapes the real API has been seen to use besides the usual ones. All off by default.
 * @example
 * const server = await createMockServer({ shapes: { failedAs200: true, resultLag: 300 } });
 */
export interface MockShapes {
  /**
   * A FAILED job answers HTTP 200 `{"status":"FAILED","error":"…"}` without `request_id` (status
   * and result endpoints), instead of 422 with the id.
   */
  failedAs200?: boolean;
  /**
   * Bad values are refused up front with 422 on v1 and on submit: nothing runs, nothing is billed.
   * `'error'`: `{"error":"ValidationError","request_id":"…"}`; `'detail'`: FastAPI-style
   * `{"detail":[{"loc":["body","steps"],"msg":"…","type":"value_error"}]}`.
   */
  unprocessable?: 'error' | 'detail';
  /** A result's `output` is an object, `{"image_url": "…"}` (or `{"image": "<base64>"}` with `base64: true`). */
  objectOutput?: boolean;
  /** The result endpoint still answers PROCESSING for this long (ms) after the status says COMPLETED. */
  resultLag?: number;
  /** Results and final statuses come without `metrics`. */
  noMetrics?: boolean;
}

/** Which requests a fault applies to. */
export interface FaultMatch {
  /** Only this method. @default any */
  method?: 'GET' | 'POST';
  /** A path prefix (`/v1/flux-schnell`) or a pattern. */
  path?: string | RegExp;
}

/**
 * A fault for the next `times` matching requests: an answer of your choosing, a stall (no answer
 * ever), a connection reset after the request was read, or a normal answer that arrives late.
 */
export type Fault = {
  /** Which requests it applies to. @default every request */
  match?: FaultMatch;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
} & (
  | {
      /** The HTTP status to answer. */
      status: number;
      /** The body: JSON for a value, text for a string. @default { error: 'injected fault' } */
      body?: unknown;
      /** Extra response headers. */
      headers?: Record<string, string>;
    }
  | {
      /** Never answer. */
      stall: true;
    }
  | {
      /** Reset the connection after reading the request. */
      reset: true;
    }
  | {
      /** Answer normally, this many ms late. */
      delay: number;
    }
);

/** A job as the fake server sees it. */
export interface MockJob {
  /** The request id the server gave it. */
  id: string;
  /** The model slug it was submitted to. */
  model: string;
  /** The parameters it was submitted with. */
  params: Record<string, unknown>;
  /** When it was submitted (ms since epoch). */
  submittedAt: number;
  /** When it turns PROCESSING, COMPLETED/FAILED, and when it is forgotten. */
  startsAt: number;
  /** When it turns COMPLETED or FAILED (ms since epoch). */
  endsAt: number;
  /** When the server forgets it (ms since epoch); after it, status and result answer 404. */
  expiresAt: number;
  /** The failure reason, for a job that will fail. */
  failure: string | undefined;
}

/** A running fake Segmind server. */
export interface MockServer {
  /** Point `SegmindClient`'s `baseURL` here. */
  url: string;
  /** Every request received, in order (key included, as sent: it is your test's key). */
  requests: RecordedRequest[];
  /** The v2 jobs submitted, by id. */
  jobs: Map<string, MockJob>;
  /**
   * Files uploaded to the fake's storage (`POST /upload-asset`), oldest first: url, content type,
   * size and SHA-256. Each upload is a new asset, so a test can count them (one per distinct image
   * per client). `reset()` clears this list; the assets stay served, as Segmind's storage keeps them.
   */
  uploads: MockUpload[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Adds a fault for upcoming requests. */
  inject(fault: Fault): void;
  /** Resets the next `count` connections as soon as they open, before a request is read. */
  resetConnections(count: number): void;
  /** Clears the request log, the upload log, the faults and the jobs. */
  reset(): void;
  /** With the `rateLimit` option: the windows the fake counted and the 429s it sent. */
  rateLimit: MockRateLimitLog | undefined;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers });

/**
 * Starts a Segmind-compatible server on loopback for tests and demos: v1 answers with real PNG
 * images of the requested size, v2 jobs go QUEUED → PROCESSING → COMPLETED on a timeline, and faults
 * can be injected. No network, no key needed.
 * @example
 * const server = await createMockServer({ jobDuration: 200 });
 * const client = new SegmindClient({ apiKey: 'test', baseURL: server.url });
 * const image = await client.runSync('flux-schnell', { prompt: 'a tiger', width: 512, height: 512 });
 * await server.close();
 */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const queueTime = options.queueTime ?? 100;
  const limiter = options.rateLimit ? new MockRateLimiter(options.rateLimit) : undefined;
  const retention = options.retention ?? 3_600_000;
  const shapes = options.shapes ?? {};
  const badValueStatus = options.badValueStatus ?? 500;
  const cost = options.cost ?? 0.008;
  let credits = options.credits ?? 100;
  const jobs = new Map<string, MockJob>();
  const outputs = new Map<string, Buffer>();
  // The image inputs each job was submitted with, found at submit time.
  const jobInputs = new Map<string, FakeInput[]>();
  const storage = new FakeStorage();
  let faults: Array<Fault & { left: number }> = [];
  let base = '';

  const duration = (params: Record<string, unknown>) =>
    typeof options.jobDuration === 'function' ? options.jobDuration(params) : (options.jobDuration ?? 400);

  function takeFault(method: string, path: string) {
    const fault = faults.find((f) => {
      const m = f.match;
      if (m?.method && m.method !== method) return false;
      if (m?.path instanceof RegExp) return m.path.test(path);
      return !m?.path || path.startsWith(m.path);
    });
    if (fault && --fault.left <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  function image(model: FakeModel, params: Record<string, unknown>, inputs: readonly FakeInput[]) {
    const seed = typeof params.seed === 'number' ? params.seed : model.defaultSeed;
    return { png: renderOutput(params, seed, inputs), seed };
  }

  /** An image on the fake itself (an uploaded asset, a finished job's output), for input URLs. */
  function ownImage(url: URL): Buffer | { missing: string } | undefined {
    const own = new URL(base);
    const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);
    if (!loopback.has(url.hostname) || url.port !== own.port) return undefined;
    const asset = storage.get(url.pathname);
    if (asset) return asset.bytes;
    const output = /^\/outputs\/([\w-]+)\.png$/.exec(url.pathname);
    const job = output ? jobs.get(output[1]!) : undefined;
    if (job && stateOf(job) === 'COMPLETED') return outputFor(job);
    const what = url.pathname.startsWith('/assets/')
      ? 'names no file uploaded to this fake server (upload it first, or pass the bytes)'
      : 'is on this fake server but is neither an uploaded asset nor a finished output';
    return { missing: `${url.href} ${what}` };
  }

  /** Up-front checks as the real API does them: key, content type, JSON, a prompt. */
  function admit(req: RecordedRequest, model: FakeModel | undefined): Response | Record<string, unknown> {
    const refused = refuseKey(req.headers, options.apiKey);
    if (refused) return refused;
    if (!req.headers['content-type']?.includes('application/json')) {
      return new Response('Invalid content type', { status: 406 });
    }
    const params = req.json;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      return json({ error: 'Request body must be a JSON object' }, 400);
    }
    const p = params as Record<string, unknown>;
    if ((model?.promptRequired ?? true) && (typeof p.prompt !== 'string' || !p.prompt))
      return json({ error: 'prompt is required' }, 400);
    return p;
  }

  /**
   * Checks that reach the model only after queueing: the model's rules, then its input images (one on
   * this server must exist), then `failWhen`. The failure, or the inputs found.
   */
  async function modelFailure(
    model: FakeModel,
    params: Record<string, unknown>,
  ): Promise<{ failure: Failure } | { inputs: FakeInput[] }> {
    const invalid = await model.check(params);
    if (invalid) return { failure: invalid };
    const found = findInputs(model.imageParams, params, ownImage);
    if ('failure' in found) return found;
    const reason = options.failWhen?.(params);
    return reason === undefined ? found : { failure: { reason, field: undefined, message: reason } };
  }

  /** The 422 a bad value gets with `shapes.unprocessable`: refused before anything runs. */
  function unprocessable(failure: Failure): Response {
    if (shapes.unprocessable === 'detail') {
      const loc = failure.field ? ['body', ...failure.field.split('.')] : ['body'];
      return json({ detail: [{ loc, msg: failure.message, type: 'value_error' }] }, 422);
    }
    return json({ error: 'ValidationError', message: failure.reason, request_id: randomUUID() }, 422);
  }

  function stateOf(job: MockJob, now = Date.now()): 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' {
    if (now < job.startsAt) return 'QUEUED';
    if (now < job.endsAt) return 'PROCESSING';
    return job.failure ? 'FAILED' : 'COMPLETED';
  }

  function finalMetrics(job: MockJob) {
    return shapes.noMetrics ? {} : { metrics: { inference_time: (job.endsAt - job.startsAt) / 1000 } };
  }

  function statusBody(job: MockJob, state = stateOf(job)) {
    if (state === 'FAILED') {
      if (shapes.failedAs200) return json({ status: 'FAILED', error: job.failure });
      return json({ status: 'FAILED', error: job.failure, ...finalMetrics(job), request_id: job.id }, 422);
    }
    if (state === 'COMPLETED') return json({ status: 'COMPLETED', request_id: job.id, ...finalMetrics(job) });
    return json({ status: state, request_id: job.id, ...jobUrls(job.id), metrics: {} });
  }

  function jobUrls(id: string) {
    return {
      poll_url: `${base}/v1/requests/${id}`,
      status_url: `${base}/v2/requests/${id}/status`,
      response_url: `${base}/v2/requests/${id}`,
    };
  }

  function findJob(id: string): MockJob | Response {
    const job = jobs.get(id);
    if (!job || Date.now() >= job.expiresAt) {
      jobs.delete(id);
      return json({ error: `Request ${id} not found` }, 404);
    }
    return job;
  }

  async function route(request: Request, req: RecordedRequest): Promise<Response | undefined> {
    const { pathname } = new URL(request.url);
    const method = req.method;
    // The account's limit is checked first, at the gateway, before anything else.
    const limited = limiter?.check(method, pathname);
    if (limited) return limited;
    const fault = takeFault(method, pathname);
    if (fault) {
      if ('stall' in fault) return new Promise<Response>(() => {});
      if ('reset' in fault) return Response.error();
      if ('delay' in fault) await new Promise((r) => setTimeout(r, fault.delay));
      else {
        const body =
          typeof fault.body === 'string'
            ? fault.body
            : JSON.stringify(fault.body ?? { error: 'injected fault' });
        const type = typeof fault.body === 'string' ? 'text/plain' : 'application/json';
        return new Response(body, {
          status: fault.status,
          headers: { 'content-type': type, ...fault.headers },
        });
      }
    }

    if (pathname === '/upload-asset' && method === 'POST') {
      return refuseKey(req.headers, options.apiKey) ?? storage.upload(req, base);
    }
    if (pathname.startsWith('/assets/') && method === 'GET') return storage.serve(pathname);
    let match = /^\/v1\/([\w.-]+)$/.exec(pathname);
    if (match && method === 'POST' && match[1] !== 'requests') return sync(match[1]!, req);
    match = /^\/v2\/([\w.-]+)$/.exec(pathname);
    if (match && method === 'POST') return submit(match[1]!, req);
    match = /^\/v2\/requests\/([\w-]+)\/status$/.exec(pathname);
    if (match && method === 'GET') {
      const job = findJob(match[1]!);
      return job instanceof Response ? job : statusBody(job);
    }
    match = /^\/v[12]\/requests\/([\w-]+)$/.exec(pathname);
    if (match && method === 'GET') {
      const job = findJob(match[1]!);
      if (job instanceof Response) return job;
      const state = stateOf(job);
      if (state !== 'COMPLETED') return statusBody(job);
      // A result that lags its status: still PROCESSING for a while after the status said COMPLETED.
      if (shapes.resultLag && Date.now() < job.endsAt + shapes.resultLag)
        return statusBody(job, 'PROCESSING');
      const png = outputFor(job);
      const base64 = job.params.base64 === true;
      const value = base64 ? png.toString('base64') : `${base}/outputs/${job.id}.png`;
      const output = shapes.objectOutput ? (base64 ? { image: value } : { image_url: value }) : value;
      return json({ status: 'COMPLETED', error: null, request_id: job.id, ...finalMetrics(job), output });
    }
    match = /^\/outputs\/([\w-]+)\.png$/.exec(pathname);
    if (match && method === 'GET') {
      const job = jobs.get(match[1]!);
      if (!job || stateOf(job) !== 'COMPLETED') return json({ error: 'Not found' }, 404);
      return new Response(outputFor(job), { headers: { 'content-type': 'image/png' } });
    }
    return json({ error: `No route for ${method} ${pathname}` }, method === 'POST' ? 404 : 405);
  }

  function outputFor(job: MockJob): Buffer {
    let png = outputs.get(job.id);
    if (!png) {
      png = image(fakeModel(job.model)!, job.params, jobInputs.get(job.id) ?? []).png;
      outputs.set(job.id, png);
    }
    return png;
  }

  async function sync(slug: string, req: RecordedRequest): Promise<Response> {
    const model = fakeModel(slug);
    const admitted = admit(req, model);
    if (admitted instanceof Response) return admitted;
    if (!model?.sync) return json({ error: `Model ${slug} not found` }, 404);
    const checked = await modelFailure(model, admitted);
    const failure = 'failure' in checked ? checked.failure : undefined;
    if (failure && shapes.unprocessable) return unprocessable(failure);
    if (options.latency) await new Promise((r) => setTimeout(r, options.latency));
    // A bad value reaches the model and fails there: 500 on v1, like the real API (on v2 the job is
    // accepted and then FAILS). Nothing is billed either way.
    if (failure) return json({ error: failure.reason }, badValueStatus);
    if (credits < cost) return json({ error: 'Insufficient credits' }, 406);
    credits = Math.round((credits - cost) * 1e6) / 1e6;
    const started = Date.now();
    const { png, seed } = image(model, admitted, 'inputs' in checked ? checked.inputs : []);
    const headers = {
      'x-request-id': randomUUID(),
      'x-remaining-credits': String(credits),
      'x-cost': String(cost),
      'x-seed-value': String(seed),
      'x-generation-time': String((Date.now() - started) / 1000),
    };
    if (admitted.base64 === true) return json({ image: png.toString('base64') }, 200, headers);
    return new Response(png, { headers: { 'content-type': 'image/png', ...headers } });
  }

  async function submit(slug: string, req: RecordedRequest): Promise<Response> {
    const model = fakeModel(slug);
    const admitted = admit(req, model);
    if (admitted instanceof Response) return admitted;
    if (!model?.async) return json({ error: `Model ${slug} not found` }, 404);
    const checked = await modelFailure(model, admitted);
    const failure = 'failure' in checked ? checked.failure : undefined;
    if (failure && shapes.unprocessable) return unprocessable(failure);
    if (credits < cost) return json({ error: 'Insufficient credits' }, 406);
    credits = Math.round((credits - cost) * 1e6) / 1e6;
    const now = Date.now();
    const id = randomUUID();
    const startsAt = now + queueTime;
    const job: MockJob = {
      id,
      model: slug,
      params: admitted,
      submittedAt: now,
      startsAt,
      endsAt: startsAt + duration(admitted),
      expiresAt: now + retention,
      failure: failure?.reason,
    };
    jobs.set(id, job);
    if ('inputs' in checked) jobInputs.set(id, checked.inputs);
    return json({ request_id: id, status: 'QUEUED', ...jobUrls(id) });
  }

  const server: FetchServer = await startFetchServer(route, options.port, { cors: options.cors });
  base = server.url;
  return {
    url: server.url,
    requests: server.requests,
    jobs,
    uploads: storage.uploads,
    connections: server.connections,
    resetConnections: server.resetConnections,
    inject: (fault) => {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    rateLimit: limiter,
    reset: () => {
      limiter?.reset();
      server.requests.length = 0;
      faults = [];
      jobs.clear();
      jobInputs.clear();
      outputs.clear();
      storage.reset();
    },
    close: server.close,
  };
}
