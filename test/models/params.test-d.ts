import { describe, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  type FastFluxSchnellParamsSchema,
  type Flux2Klein4bParams,
  type FluxKontextProParams,
  type FluxSchnellParams,
  FluxSchnellParamsSchema,
  type ImageInput,
  type ImageResult,
  type KnownModel,
  MODELS,
  type ModelParams,
  type ModelSpec,
  type ParamSpec,
  type ParamsFor,
  SegmindClient,
  type UntypedParams,
} from '../../src/index.js';

const client = new SegmindClient({ apiKey: 'k' });
const bytes = new Uint8Array([1, 2, 3]);
const blob = new Blob([bytes]);

describe('model parameter types', () => {
  it('gives every registry slug its named interface', () => {
    expectTypeOf<ModelParams['flux-kontext-pro']>().toEqualTypeOf<FluxKontextProParams>();
    expectTypeOf<ParamsFor<'flux-kontext-pro'>>().toEqualTypeOf<FluxKontextProParams>();
    expectTypeOf<ParamsFor<'flux-schnell'>>().toEqualTypeOf<FluxSchnellParams>();
    expectTypeOf<'flux-2-klein-4b'>().toExtend<KnownModel>();
    expectTypeOf(client.runSync('flux-kontext-pro', { prompt: 'x' })).resolves.toEqualTypeOf<ImageResult>();
  });

  it('an image field takes a URL, bytes, an ArrayBuffer or a Blob; a list takes a mix', () => {
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: 'https://example.com/a.png' });
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: bytes });
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: bytes.buffer });
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: blob });
    void client.runSync('flux-2-klein-4b', {
      prompt: 'x',
      image_urls: [bytes, blob, 'https://example.com/b.png'],
    });
    expectTypeOf<FluxKontextProParams['input_image']>().toEqualTypeOf<ImageInput | undefined>();
    expectTypeOf<Flux2Klein4bParams['image_urls']>().toEqualTypeOf<ImageInput[] | undefined>();
    // @ts-expect-error a number is not an image
    void client.runSync('flux-kontext-pro', { prompt: 'x', input_image: 42 });
    // @ts-expect-error image_urls takes a list
    void client.runSync('flux-2-klein-4b', { prompt: 'x', image_urls: bytes });
  });

  it('a wrong value of a complete list or a wrong type is a compile error', () => {
    // @ts-expect-error output_format is jpg or png (the page lists them all)
    void client.runSync('flux-kontext-pro', { prompt: 'x', output_format: 'webp' });
    // @ts-expect-error steps is a number
    void client.runSync('flux-schnell', { prompt: 'x', steps: '4' });
    // @ts-expect-error a required image is missing
    void client.runSync('flux-kontext-dev', { prompt: 'x' });
    void client.runSync('flux-img2img', {
      prompt: 'x',
      image: 'u',
      denoise: 1,
      sampler_name: 'euler',
      scheduler: 'simple',
      steps: 2,
      // @ts-expect-error flux-img2img's table is complete: unknown keys are refused
      strength: 1,
    });
  });

  it('an open list accepts any string and still suggests the known values', () => {
    void client.runSync('flux-kontext-pro', { prompt: 'x', aspect_ratio: '21:9' });
    void client.runSync('flux-schnell', { prompt: 'x', sampler_name: 'a_future_sampler' });
    expectTypeOf<'match_input_image'>().toExtend<NonNullable<FluxKontextProParams['aspect_ratio']>>();
    // @ts-expect-error still a string
    void client.runSync('flux-kontext-pro', { prompt: 'x', aspect_ratio: 16 });
  });

  it('a model known in part takes keys beyond its table; an unknown slug takes any object', () => {
    void client.runSync('flux-kontext-pro', { prompt: 'x', prompt_upsampling: true });
    void client.runSync('my-new-model', { anything: [1, 2], nested: { ok: true } });
    expectTypeOf<ParamsFor<'my-new-model'>>().toEqualTypeOf<UntypedParams>();
    expectTypeOf<
      ParamsFor<'40174048-1b49-48f3-ad7e-8384098f22d2-mybmwlora'>
    >().toEqualTypeOf<UntypedParams>();
  });

  it('lets an optional field be undefined (exactOptionalPropertyTypes)', () => {
    const steps: number | undefined = undefined;
    void client.runSync('flux-schnell', { prompt: 'x', steps });
  });
});

describe('the registry and the exported schemas', () => {
  it('MODELS is read-only data typed per slug', () => {
    expectTypeOf(MODELS['flux-schnell']).toEqualTypeOf<ModelSpec>();
    expectTypeOf(MODELS['flux-schnell'].params.steps).toEqualTypeOf<ParamSpec | undefined>();
    // @ts-expect-error read-only
    MODELS['flux-schnell'].strict = false;
    // @ts-expect-error not a registry slug
    void MODELS['flux-shnell'];
  });

  it('the schemas are zod/mini objects whose input is the model interface', () => {
    expectTypeOf(FluxSchnellParamsSchema.shape.steps).toExtend<z.ZodMiniOptional>();
    expectTypeOf<z.input<typeof FluxSchnellParamsSchema>>().toExtend<FluxSchnellParams>();
    expectTypeOf<z.input<FastFluxSchnellParamsSchema>['aspect_ratio']>().toEqualTypeOf<
      '1:1' | '16:9' | '21:9' | '2:3' | '3:2' | '4:5' | '5:4' | '9:16' | '9:21' | undefined
    >();
  });
});
