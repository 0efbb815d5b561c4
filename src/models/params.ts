import type * as Zod from 'zod';
import { lazyModule, lazyObject } from '../util/lazy.js';
import type { ZodApi } from './zod-api.js';

/** The 27 samplers `flux-schnell` accepts, in the order Segmind lists them. */
export const SAMPLERS = [
  'euler',
  'euler_pp',
  'euler_ancestral',
  'euler_ancestral_pp',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'ipndm',
  'ipndm_v',
  'deis',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
] as const;

/** The schedulers `flux-schnell` accepts. */
export const SCHEDULERS = [
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
] as const;

/** The aspect ratios `fast-flux-schnell` accepts. */
export const ASPECT_RATIOS = ['1:1', '16:9', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'] as const;

/** A sampler name accepted by `flux-schnell`. */
export type Sampler = (typeof SAMPLERS)[number];
/** A scheduler name accepted by `flux-schnell`. */
export type Scheduler = (typeof SCHEDULERS)[number];
/** An aspect ratio accepted by `fast-flux-schnell`. */
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

// dist/zod-api.cjs next to the built SDK; from the sources (tests), zod itself.
const zod = lazyModule<{ zodApi: ZodApi }>('./zod-api.cjs', 'zod');

// Segmind's published parameter rules for the two models (its API pages for flux-schnell and
// fast-flux-schnell), built on first use (see lazy.ts).
function buildSchemas(z: ZodApi) {
  const prompt = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' });

  const int = (min: number, max?: number) => {
    const rule = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    const base = z.int({ error: `must be ${rule}` }).min(min, { error: `must be ${rule}` });
    return max === undefined ? base : base.max(max, { error: `must be ${rule}` });
  };

  const dimension = int(512, 2048).multipleOf(8, { error: 'must be a multiple of 8' });

  const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
    z.enum(values, { error: `must be one of the ${values.length} ${what}: ${values.join(', ')}` });

  const base64 = z.boolean({ error: 'must be true or false' });

  const flux = z.strictObject({
    /** What to draw. */
    prompt,
    /** Inference steps, 1–8. @default 4 */
    steps: int(1, 8).optional(),
    /** Random seed, a non-negative integer. @default 123456789 */
    seed: int(0).optional(),
    /** Sampler, one of {@link SAMPLERS}. @default 'euler' */
    sampler_name: oneOf(SAMPLERS, 'samplers').optional(),
    /** Scheduler, one of {@link SCHEDULERS}. @default 'normal' */
    scheduler: oneOf(SCHEDULERS, 'schedulers').optional(),
    /** Number of images, at least 1. @default 1 */
    samples: int(1).optional(),
    /** Width in pixels, 512–2048, a multiple of 8. @default 1024 */
    width: dimension.optional(),
    /** Height in pixels, 512–2048, a multiple of 8. @default 1024 */
    height: dimension.optional(),
    /** Denoise strength, 0–1. @default 1 */
    denoise: z
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, { error: 'must be a number from 0 to 1' })
      .max(1, { error: 'must be a number from 0 to 1' })
      .optional(),
    /** Answer with JSON `{"image": base64}` instead of image bytes; the SDK decodes either. @default false */
    base64: base64.optional(),
  });

  const fast = z.strictObject({
    /** What to draw. */
    prompt,
    /** Aspect ratio of the image, one of {@link ASPECT_RATIOS}. @default '1:1' */
    aspect_ratio: oneOf(ASPECT_RATIOS, 'aspect ratios').optional(),
    /** Answer with base64 text instead of image bytes. @default false */
    base64: base64.optional(),
    /** Random seed, a non-negative integer. @default 1184522 */
    seed: int(0).optional(),
    /** Inference steps, 1–8. @default 4 */
    steps: int(1, 8).optional(),
  });
  return { flux, fast };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;
function loadSchemas(): Schemas {
  const api = zod();
  schemas ??= buildSchemas('zodApi' in api ? api.zodApi : (api as unknown as ZodApi));
  return schemas;
}

/** The zod schema of `flux-schnell`'s parameters. Only `prompt` is required. */
export type FluxSchnellParamsSchema = Schemas['flux'];
/** The zod schema of `fast-flux-schnell`'s parameters. Only `prompt` is required. */
export type FastFluxSchnellParamsSchema = Schemas['fast'];

/**
 * Parameters of `flux-schnell` (`POST /v1/flux-schnell`) as a zod schema. Only `prompt` is required;
 * anything left out is not sent, and the server applies its own default.
 * @example
 * const ok = FluxSchnellParamsSchema.safeParse({ prompt: 'a tiger', width: 1000 }).success; // false
 */
export const FluxSchnellParamsSchema: FluxSchnellParamsSchema = lazyObject(() => loadSchemas().flux);

/**
 * Parameters of `fast-flux-schnell` (`POST /v1/fast-flux-schnell` or `/v2/fast-flux-schnell`) as a zod schema.
 * @example
 * FastFluxSchnellParamsSchema.parse({ prompt: 'a car', aspect_ratio: '16:9' });
 */
export const FastFluxSchnellParamsSchema: FastFluxSchnellParamsSchema = lazyObject(() => loadSchemas().fast);

/**
 * Parameters of `flux-schnell`.
 * @example
 * const params: FluxSchnellParams = { prompt: 'a tiger on mars', steps: 4, width: 1024, height: 768 };
 */
export type FluxSchnellParams = Zod.input<FluxSchnellParamsSchema>;

/**
 * Parameters of `fast-flux-schnell`.
 * @example
 * const params: FastFluxSchnellParams = { prompt: 'a sports car', aspect_ratio: '16:9' };
 */
export type FastFluxSchnellParams = Zod.input<FastFluxSchnellParamsSchema>;

/** The models the SDK knows and validates, with their parameter types. */
export interface ModelParams {
  /** See {@link FluxSchnellParams}. */
  'flux-schnell': FluxSchnellParams;
  /** See {@link FastFluxSchnellParams}. */
  'fast-flux-schnell': FastFluxSchnellParams;
}

/** A model slug the SDK types and validates. Any other slug is accepted with an untyped JSON object. */
export type KnownModel = keyof ModelParams;

/** Parameters of a model the SDK does not type: any JSON object. */
export type UntypedParams = Record<string, unknown>;

/** The parameter type for a model slug: typed for the known models, any JSON object otherwise. */
export type ParamsFor<M extends string> = M extends KnownModel ? ModelParams[M] : UntypedParams;

/** `true` for the models the SDK types and validates. */
export function isKnownModel(model: string): model is KnownModel {
  return model === 'flux-schnell' || model === 'fast-flux-schnell';
}

/** The real zod schema of a known model (loading zod on first use). */
export function schemaFor(model: KnownModel): Zod.ZodObject {
  const { flux, fast } = loadSchemas();
  return model === 'flux-schnell' ? flux : fast;
}
