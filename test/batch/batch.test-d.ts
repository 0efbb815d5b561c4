import { describe, expectTypeOf, it } from 'vitest';
import type {
  BatchError,
  BatchItem,
  FastFluxSchnellParams,
  FluxSchnellParams,
  ImageResult,
  JobResult,
  SegmindClient,
  SegmindError,
} from '../../src/index.js';
import { isSegmindError } from '../../src/index.js';

declare const client: SegmindClient;

describe('client.batch() types', () => {
  it('async batches yield JobResult values with typed params', async () => {
    const batch = client.batch('fast-flux-schnell', [{ prompt: 'a', aspect_ratio: '16:9' }]);
    const items = await batch.all();
    expectTypeOf(items).toEqualTypeOf<BatchItem<FastFluxSchnellParams, JobResult>[]>();
    const item = items[0]!;
    if (item.ok) expectTypeOf(item.value).toEqualTypeOf<JobResult>();
    else expectTypeOf(item.error).toEqualTypeOf<SegmindError>();
    expectTypeOf(item.requestId).toEqualTypeOf<string | undefined>();
  });

  it("via: 'sync' yields what runSync returns", async () => {
    for await (const item of client.batch('flux-schnell', [{ prompt: 'a' }], { via: 'sync' })) {
      expectTypeOf(item.params).toEqualTypeOf<FluxSchnellParams>();
      if (item.ok) expectTypeOf(item.value).toEqualTypeOf<ImageResult>();
    }
  });

  it('refuses unknown parameters and options', () => {
    // @ts-expect-error: a typo in a typed model's params
    client.batch('flux-schnell', [{ promt: 'a' }]);
    // @ts-expect-error: not a mode
    client.batch('flux-schnell', [{ prompt: 'a' }], { via: 'fast' });
  });

  it('BatchError carries the settled items', () => {
    expectTypeOf<BatchError<BatchItem<FastFluxSchnellParams, JobResult>>['results']>().toEqualTypeOf<
      BatchItem<FastFluxSchnellParams, JobResult>[]
    >();
    expectTypeOf<BatchError['name']>().toEqualTypeOf<'BatchError'>();
    expectTypeOf<BatchError>().toMatchTypeOf<SegmindError>();
    const caught: unknown = undefined;
    if (isSegmindError(caught, 'BatchError')) expectTypeOf(caught.results).toEqualTypeOf<unknown[]>();
  });

  it('refuses unknown batch options', () => {
    // @ts-expect-error: a typo in an option name
    client.batch('flux-schnell', [{ prompt: 'a' }], { concurency: 4 });
  });
});
