import type { KnownModel, ModelParams } from './generated/index.js';

export type * from './generated/index.js';
export { isKnownModel } from './lookup.js';
export {
  ASPECT_RATIOS,
  type AspectRatio,
  SAMPLERS,
  type Sampler,
  SCHEDULERS,
  type Scheduler,
} from './registry/values.js';
export {
  FastFluxSchnellParamsSchema,
  type FastFluxSchnellParamsShape,
  FluxSchnellParamsSchema,
  type FluxSchnellParamsShape,
  type ParamSchema,
} from './schemas.js';

/**
 * Parameters of a model the SDK does not type: any JSON object. Users' own LoRA endpoints
 * (`<uuid>-<name>`) are typed so too, and checked at run time by their registry pattern.
 * @example
 * const params: UntypedParams = { prompt: 'a fox', my_new_option: 3 };
 */
export type UntypedParams = Record<string, unknown>;

/**
 * The parameter type for a model slug: typed for the registry's models, any JSON object otherwise.
 * @example
 * const params: ParamsFor<'flux-kontext-pro'> = { prompt: 'make it night', input_image: bytes };
 */
export type ParamsFor<M extends string> = M extends KnownModel ? ModelParams[M] : UntypedParams;
