import { describe, expectTypeOf, it } from 'vitest';
import {
  type APIError,
  type ASPECT_RATIOS,
  type FastFluxSchnellParams,
  type FluxSchnellParams,
  type ImageResult,
  type InferenceFailedError,
  isSegmindError,
  Job,
  type JobMetrics,
  type JobOutput,
  type JobResult,
  type JobStatus,
  type JsonValue,
  type RateLimitError,
  readOutput,
  run,
  runSync,
  SAMPLERS,
  SegmindClient,
  type SyncOutput,
} from '../src/index.js';

const client = new SegmindClient({ apiKey: 'k' });

describe('public types', () => {
  it('types the known models’ parameters and results', () => {
    expectTypeOf(client.runSync('flux-schnell', { prompt: 'x' })).resolves.toEqualTypeOf<ImageResult>();
    expectTypeOf(runSync('fast-flux-schnell', { prompt: 'x' })).resolves.toEqualTypeOf<ImageResult>();
    expectTypeOf(client.runSync('other-model', { anything: 1 })).resolves.toEqualTypeOf<SyncOutput>();
    expectTypeOf(client.submitAsync('fast-flux-schnell', { prompt: 'x' })).resolves.toEqualTypeOf<Job>();
    expectTypeOf(run('fast-flux-schnell', { prompt: 'x' })).resolves.toEqualTypeOf<JobResult>();
  });

  it('rejects typos, wrong enums and missing prompts at compile time', () => {
    // @ts-expect-error sampler is not a parameter (sampler_name is)
    void client.runSync('flux-schnell', { prompt: 'x', sampler: 'euler' });
    // @ts-expect-error not a scheduler (the page lists them all)
    void client.runSync('flux-schnell', { prompt: 'x', scheduler: 'nope' });
    // sampler_name is open (the page shows 10 of 27): any string is sent
    void client.runSync('flux-schnell', { prompt: 'x', sampler_name: 'a_new_sampler' });
    // @ts-expect-error not an aspect ratio
    void client.runSync('fast-flux-schnell', { prompt: 'x', aspect_ratio: '4:3' });
    // @ts-expect-error prompt is required
    void client.submitAsync('fast-flux-schnell', { steps: 4 });
  });

  it('keeps optional fields optional and exports readonly tuples', () => {
    expectTypeOf<{ prompt: string }>().toExtend<FluxSchnellParams>();
    expectTypeOf<FluxSchnellParams['steps']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<FluxSchnellParams['prompt']>().toEqualTypeOf<string>();
    expectTypeOf<FastFluxSchnellParams['aspect_ratio']>().toEqualTypeOf<
      (typeof ASPECT_RATIOS)[number] | undefined
    >();
    expectTypeOf(SAMPLERS).toMatchTypeOf<readonly string[]>();
    // @ts-expect-error readonly
    SAMPLERS.push('x');
  });

  it('types errors and job shapes', () => {
    expectTypeOf<RateLimitError>().toMatchTypeOf<APIError>();
    expectTypeOf<RateLimitError['retryAfter']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RateLimitError['name']>().toEqualTypeOf<'RateLimitError'>();
    expectTypeOf<JobStatus['metrics']['inference_time']>().toEqualTypeOf<number | undefined>();
  });
});

describe('job statuses and results', () => {
  const status = {} as JobStatus;

  it('narrows a status on its `status`, so a FAILED status has its reason as a string', () => {
    if (status.status === 'FAILED') expectTypeOf(status.error).toEqualTypeOf<string>();
    if (status.status === 'QUEUED' || status.status === 'PROCESSING' || status.status === 'COMPLETED') {
      expectTypeOf(status.error).toEqualTypeOf<null | undefined>();
    }
    expectTypeOf(status.status).toEqualTypeOf<'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'UNKNOWN'>();
  });

  it('keeps a status it does not know in an explicit variant', () => {
    if (status.status === 'UNKNOWN') expectTypeOf(status.rawStatus).toEqualTypeOf<string>();
    // @ts-expect-error rawStatus exists only on the UNKNOWN variant
    void status.rawStatus.length;
  });

  it('makes a misspelled status a compile error', () => {
    // @ts-expect-error 'DONE' is not a status
    void (status.status === 'DONE');
    // @ts-expect-error statuses are upper case
    void (status.status === 'failed');
  });

  it('types a result as the server sends it: optional metrics, every output shape', () => {
    expectTypeOf<JobResult['metrics']>().toEqualTypeOf<JobMetrics | undefined>();
    expectTypeOf<JobResult['output']>().toEqualTypeOf<JobOutput>();
    expectTypeOf<{ image_url: string }>().toExtend<JobOutput>();
    expectTypeOf<string[]>().toExtend<JobOutput>();
    expectTypeOf<JsonValue[]>().toExtend<JobOutput>();
    // @ts-expect-error a number is not an output shape
    expectTypeOf<number>().toExtend<JobOutput>();
    const result = {} as JobResult;
    // @ts-expect-error metrics may be missing
    void result.metrics.inference_time;
    expectTypeOf(readOutput(result.output)[0]!.type).toEqualTypeOf<'url' | 'base64' | 'text'>();
  });

  it('downloads a result without a cast', () => {
    const result = {} as JobResult;
    expectTypeOf(client.download(result)).resolves.toEqualTypeOf<ImageResult>();
    expectTypeOf(client.downloadToFile(result, 'x.jpg')).resolves.toHaveProperty('size');
    expectTypeOf(client.download('https://example.com/x.jpg')).resolves.toEqualTypeOf<ImageResult>();
  });
});

describe('sealed surface', () => {
  it('Job has no public constructor', () => {
    // @ts-expect-error jobs come from client.submitAsync() or client.job()
    void new Job({}, { requestId: 'x' });
    expectTypeOf(client.job('x')).toEqualTypeOf<Job>();
  });

  it('isSegmindError(e, name) narrows to that class', () => {
    const e: unknown = undefined;
    if (isSegmindError(e, 'RateLimitError')) {
      expectTypeOf(e).toEqualTypeOf<RateLimitError>();
      expectTypeOf(e.retryAfter).toEqualTypeOf<number | undefined>();
    }
    if (isSegmindError(e, 'InferenceFailedError')) {
      expectTypeOf(e).toEqualTypeOf<InferenceFailedError>();
      expectTypeOf(e.requestId).toEqualTypeOf<string | undefined>();
    }
    if (isSegmindError(e, 'APIError')) expectTypeOf(e.status).toEqualTypeOf<number>();
    // @ts-expect-error not an error class of this SDK
    isSegmindError(e, 'TypeError');
  });
});
