import { describe, expectTypeOf, it } from 'vitest';
import {
  type APIError,
  type ASPECT_RATIOS,
  type FastFluxSchnellParams,
  type FluxSchnellParams,
  type ImageResult,
  type Job,
  type JobResult,
  type JobStatus,
  type RateLimitError,
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
    // @ts-expect-error not a sampler
    void client.runSync('flux-schnell', { prompt: 'x', sampler_name: 'nope' });
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
    expectTypeOf<JobResult['output']>().toEqualTypeOf<string | string[]>();
  });
});
